"""The sandbox Bot API over real HTTP on 127.0.0.1, with python-telegram-bot as its client."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.telegram_html import parse_html, utf16_len

CHAT = 42
GROUP = -1001


@pytest.fixture
async def sandbox() -> AsyncIterator[BotApiSandbox]:
    server = BotApiSandbox()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(sandbox: BotApiSandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=10) as http:
        yield http


async def call(http: httpx.AsyncClient, token: str, method: str, **params: Any) -> httpx.Response:
    """A Bot API call sent as PTB does: form fields, JSON-encoded where the field is JSON."""
    return await http.post(f"/bot{token}/{method}", data=params)


def ptb_app(sandbox: BotApiSandbox) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        ApplicationBuilder()
        .token(sandbox.token)
        .base_url(f"{sandbox.base_url}/bot")
        .base_file_url(f"{sandbox.base_url}/file/bot")
        .build()
    )


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Subscribe", callback_data="sub:1")]])
    await update.effective_message.reply_html(
        "<b>Welcome</b> to &lt;Lookout&gt;!", reply_markup=keyboard
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Done")
    await query.edit_message_text(f"You pressed <i>{query.data}</i>", parse_mode=ParseMode.HTML)


async def test_ptb_application_command_and_button_round_trip(sandbox: BotApiSandbox) -> None:
    app = ptb_app(sandbox)
    app.add_handler(CommandHandler("start", start_command))
    app.add_handler(CallbackQueryHandler(on_button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        sandbox.inject_message(CHAT, "/start")
        [reply] = await sandbox.wait_for_messages(CHAT, 1)
        assert reply["text"] == "Welcome to <Lookout>!"
        assert reply["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
        button = reply["reply_markup"]["inline_keyboard"][0][0]
        assert button == {"text": "Subscribe", "callback_data": "sub:1"}

        update = sandbox.press_button(CHAT, reply["message_id"], "sub:1")
        query_id = update["callback_query"]["id"]
        for _ in range(100):
            if sandbox.sent_messages(CHAT)[0].get("edit_date"):
                break
            await asyncio.sleep(0.05)
        [edited] = sandbox.sent_messages(CHAT)
        assert edited["text"] == "You pressed sub:1"
        assert "reply_markup" not in edited
        assert sandbox.callback_answer(query_id) == {
            "text": "Done",
            "show_alert": False,
            "url": None,
        }
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_group_command_addressed_to_the_bot_reaches_the_handler(
    sandbox: BotApiSandbox,
) -> None:
    app = ptb_app(sandbox)
    app.add_handler(CommandHandler("start", start_command))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        update = sandbox.inject_message(
            GROUP, "/start@lookout_sandbox_bot", chat_type="group", chat_title="Test group"
        )
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 26}]
        [reply] = await sandbox.wait_for_messages(GROUP, 1)
        assert reply["chat"] == {"id": GROUP, "type": "group", "title": "Test group"}
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, "Bad Request: message text is empty"),
        ("   \n", None, "Bad Request: message text is empty"),
        ("<b></b>", "HTML", "Bad Request: message text is empty"),
        ("a" * 4097, None, "Bad Request: message is too long"),
        ("😀" * 2049, None, "Bad Request: message is too long"),
        ("<b>x", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("hello<foo>", "HTML", 'Unsupported start tag "foo" at byte offset 5'),
        ("a & b", "HTML", "can't parse entities"),
        ("a < b", "HTML", "Unsupported start tag"),
        ("</b><a href=x>", "HTML", "Unexpected end tag at byte offset 0"),
        ("<b>x</i>", "HTML", 'expected "</b>", found "</i>"'),
        ('<span class="x">y</span>', "HTML", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_send_message_rejects_what_telegram_rejects(
    sandbox: BotApiSandbox,
    client: httpx.AsyncClient,
    text: str,
    parse_mode: str | None,
    description: str,
) -> None:
    sandbox.inject_message(CHAT, "hi")
    params: dict[str, Any] = {"chat_id": CHAT, "text": text}
    if parse_mode:
        params["parse_mode"] = parse_mode
    response = await call(client, sandbox.token, "sendMessage", **params)
    answer = response.json()
    assert response.status_code == 400
    assert answer["ok"] is False
    assert answer["error_code"] == 400
    assert answer["description"].startswith("Bad Request: ")
    assert description in answer["description"]
    assert sandbox.sent_messages(CHAT) == []


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("😀" * 2048, "😀" * 2048),
        ("a" * 4096, "a" * 4096),
        ("&lt;b&gt; &amp; &quot;x&quot; &#128512; &#x41;", '<b> & "x" 😀 A'),
        ("<b>" + "&amp;" * 4096 + "</b>", "&" * 4096),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link"),
        ("<tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote>", "s q"),
    ],
)
async def test_send_message_accepts_well_formed_text(
    sandbox: BotApiSandbox, client: httpx.AsyncClient, text: str, visible: str
) -> None:
    sandbox.inject_message(CHAT, "hi")
    response = await call(
        client, sandbox.token, "sendMessage", chat_id=str(CHAT), text=text, parse_mode="HTML"
    )
    assert response.status_code == 200, response.text
    message = response.json()["result"]
    assert message["text"] == visible
    assert message["chat"] == {"id": CHAT, "type": "private", "first_name": "Tester"}
    assert message["from"]["is_bot"] is True
    assert isinstance(message["date"], int)
    assert sandbox.sent_messages(CHAT) == [message]


async def test_entities_count_utf16_units(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_message(CHAT, "hi")
    text = '😀 <b>bold</b> <a href="https://example.org">x</a>'
    response = await call(
        client, sandbox.token, "sendMessage", chat_id=CHAT, text=text, parse_mode="HTML"
    )
    assert response.json()["result"]["entities"] == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 1, "url": "https://example.org"},
    ]


# PTB itself warns that RetryAfter.retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_raises_telegram_errors(sandbox: BotApiSandbox) -> None:
    sandbox.inject_message(CHAT, "hi")
    async with Bot(sandbox.token, base_url=f"{sandbox.base_url}/bot") as bot:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(CHAT, "<b>unclosed", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(999, "nobody wrote here")
        sent = await bot.send_message(CHAT, "text 123")
        assert sent.text == "text 123"
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("text 123", chat_id=CHAT, message_id=sent.message_id)

        sandbox.fail_next(CHAT, 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryAfter, match="Retry in 7"):
            await bot.send_message(CHAT, "later")
        sandbox.fail_next(CHAT, 403, "Forbidden: bot was blocked by the user")
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(CHAT, "blocked")
        assert [m["text"] for m in sandbox.sent_messages(CHAT)] == ["text 123"]


async def test_token_and_method_errors(sandbox: BotApiSandbox, client: httpx.AsyncClient) -> None:
    wrong = await client.get("/botwrong:TOKEN/getMe")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    unknown = await client.get(f"/bot{sandbox.token}/sendDice")
    assert unknown.status_code == 404
    assert unknown.json()["description"] == "Not Found: method not found"
    me = (await client.get(f"/bot{sandbox.token}/getMe")).json()["result"]
    assert me["is_bot"] is True
    assert me["username"] == "lookout_sandbox_bot"
    assert me["supports_inline_queries"] is False


async def test_json_and_multipart_bodies_do_not_decode_text(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_message(CHAT, "hi")
    as_json = await client.post(
        f"/bot{sandbox.token}/sendMessage", json={"chat_id": CHAT, "text": "[1, 2]"}
    )
    assert as_json.json()["result"]["text"] == "[1, 2]"
    as_multipart = await client.post(
        f"/bot{sandbox.token}/sendMessage",
        data={"chat_id": str(CHAT), "text": "42"},
        files={"unused": ("a.txt", b"x")},
    )
    assert as_multipart.json()["result"]["text"] == "42"


async def test_long_poll_waits_until_an_update_arrives(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    empty = await call(client, sandbox.token, "getUpdates", timeout=1)
    assert empty.json() == {"ok": True, "result": []}

    poll = asyncio.create_task(call(client, sandbox.token, "getUpdates", timeout=2))
    done, _ = await asyncio.wait({poll}, timeout=0.3)
    assert not done, "getUpdates answered before any update existed"
    update = sandbox.inject_message(CHAT, "hello")
    result = (await asyncio.wait_for(poll, 5)).json()["result"]
    assert result == [update]

    # the update stays until a later offset confirms it
    again = await call(client, sandbox.token, "getUpdates", offset=update["update_id"])
    assert again.json()["result"] == [update]
    confirmed = await call(client, sandbox.token, "getUpdates", offset=update["update_id"] + 1)
    assert confirmed.json()["result"] == []


async def test_stop_releases_a_pending_long_poll(sandbox: BotApiSandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=60) as http:
        poll = asyncio.create_task(call(http, sandbox.token, "getUpdates", timeout=30))
        done, _ = await asyncio.wait({poll}, timeout=0.3)
        assert not done
        await asyncio.wait_for(sandbox.stop(), 5)
        response = await asyncio.wait_for(poll, 5)
    assert response.json() == {"ok": True, "result": []}


async def test_commands_are_listed_for_the_web_chat(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    commands = (
        '[{"command": "start", "description": "Start"}, {"command": "help", "description": "Help"}]'
    )
    response = await call(client, sandbox.token, "setMyCommands", commands=commands)
    assert response.json() == {"ok": True, "result": True}
    group_only = '[{"command": "watch", "description": "Watch a term"}]'
    scope = '{"type": "all_group_chats"}'
    await call(client, sandbox.token, "setMyCommands", commands=group_only, scope=scope)
    sandbox.inject_message(GROUP, "hi", chat_type="group")

    expected = [
        {"command": "start", "description": "Start"},
        {"command": "help", "description": "Help"},
    ]
    assert (await client.get("/sandbox/commands")).json() == expected
    assert sandbox.commands == expected
    in_group = await client.get("/sandbox/commands", params={"chat_id": GROUP})
    assert in_group.json() == [{"command": "watch", "description": "Watch a term"}]
    got = await call(client, sandbox.token, "getMyCommands")
    assert got.json()["result"] == expected
    bad = await call(client, sandbox.token, "setMyCommands", commands='[{"command": "Bad!"}]')
    assert bad.json()["description"] == "Bad Request: BOT_COMMAND_INVALID"


async def test_test_api_drives_a_chat_and_shows_edits(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    posted = await client.post(
        "/sandbox/messages",
        json={"chat_id": GROUP, "text": "a <b>", "user_id": 7, "chat_type": "group"},
    )
    assert posted.json()["message"]["from"]["id"] == 7
    sent = await call(
        client, sandbox.token, "sendMessage", chat_id=GROUP, text="<b>hi</b>", parse_mode="HTML"
    )
    bot_message = sent.json()["result"]
    listed = (await client.get(f"/sandbox/chats/{GROUP}/messages")).json()
    assert [(m["from_bot"], m["html"]) for m in listed] == [
        (False, "a &lt;b&gt;"),
        (True, "<b>hi</b>"),
    ]
    after = (await client.get(f"/sandbox/chats/{GROUP}/messages", params={"after": 1})).json()
    assert [m["message_id"] for m in after] == [bot_message["message_id"]]

    rev = max(m["rev"] for m in listed)
    waiting = asyncio.create_task(
        client.get(f"/sandbox/chats/{GROUP}/messages", params={"since": rev, "wait": 5})
    )
    await call(
        client,
        sandbox.token,
        "editMessageText",
        chat_id=GROUP,
        message_id=bot_message["message_id"],
        text="<i>edited</i>",
        parse_mode="HTML",
    )
    [changed] = (await asyncio.wait_for(waiting, 5)).json()
    assert (changed["html"], changed["edited"]) == ("<i>edited</i>", True)


async def test_group_creator_and_admins(sandbox: BotApiSandbox, client: httpx.AsyncClient) -> None:
    sandbox.inject_message(GROUP, "first", user_id=5, chat_type="group")
    sandbox.inject_message(GROUP, "second", user_id=6, chat_type="group")
    await client.post("/sandbox/admins", json={"chat_id": GROUP, "user_id": 6})
    async with Bot(sandbox.token, base_url=f"{sandbox.base_url}/bot") as bot:
        assert (await bot.get_chat_member(GROUP, 5)).status == "creator"
        assert (await bot.get_chat_member(GROUP, 6)).status == "administrator"
        assert (await bot.get_chat_member(GROUP, 8)).status == "member"
        admins = await bot.get_chat_administrators(GROUP)
        assert [a.user.id for a in admins][:2] == [5, 6]
        chat = await bot.get_chat(GROUP)
        assert (chat.type, chat.id) == ("group", GROUP)


async def test_web_chat_page_is_served(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="messages"' in page.text
    assert 'id="command-list"' in page.text
    script = await client.get("/static/chat.js")
    assert "DOMParser" in script.text
    assert ".innerHTML" not in script.text
    assert (await client.get("/healthz")).json() == {"ok": True}


@given(st.text())
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    parsed = parse_html(html.escape(text))
    assert parsed.text == text
    assert parsed.entities == ()


@given(st.text(min_size=1), st.text())
def test_bold_entity_covers_the_utf16_span(inner: str, before: str) -> None:
    parsed = parse_html(f"{html.escape(before)}<b>{html.escape(inner)}</b>")
    assert parsed.entities == (
        {"type": "bold", "offset": utf16_len(before), "length": utf16_len(inner)},
    )


async def test_a_newer_poll_ends_an_older_one_with_409(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    older = asyncio.create_task(call(client, sandbox.token, "getUpdates", timeout=10))
    done, _ = await asyncio.wait({older}, timeout=0.3)
    assert not done
    newer = await call(client, sandbox.token, "getUpdates", timeout=0)
    assert newer.json() == {"ok": True, "result": []}
    conflict = await asyncio.wait_for(older, 5)
    assert conflict.status_code == 409
    assert conflict.json()["description"].startswith("Conflict: terminated by other getUpdates")


async def test_commands_fall_back_to_a_language_list(
    sandbox: BotApiSandbox, client: httpx.AsyncClient
) -> None:
    commands = '[{"command": "start", "description": "Начать"}]'
    await call(client, sandbox.token, "setMyCommands", commands=commands, language_code="ru")
    assert sandbox.commands == [{"command": "start", "description": "Начать"}]
    await call(client, sandbox.token, "deleteMyCommands", language_code="ru")
    assert sandbox.commands == []
