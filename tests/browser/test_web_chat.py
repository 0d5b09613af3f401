"""The web chat as a person meets it in Chromium: typing, Enter, the command menu, buttons,
a group chat, and the bubbles' layout at phone and desktop sizes."""

from __future__ import annotations

from tests.browser.chromium import require_browser

require_browser()

from pathlib import Path  # noqa: E402
from urllib.parse import parse_qs, urlparse  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import DESKTOP, PHONE, OpenChat  # noqa: E402
from tests.browser.layout import assert_laid_out  # noqa: E402
from tests.browser.sandbox import Sandbox  # noqa: E402

expect.set_options(timeout=15_000)


def say(page: Page, text: str) -> None:
    page.locator("#input").fill(text)
    page.locator("#input").press("Enter")


def menu_from_the_bot(sandbox: Sandbox, page: Page) -> list[str]:
    """The command names the bot set with setMyCommands for this page's private chat."""
    user = parse_qs(urlparse(page.url).query)["user"][0]
    url = f"{sandbox.url}/sandbox/commands?chat_id={user}&language_code=en"
    return [f"/{command['command']}" for command in httpx.get(url, timeout=5).json()]


def test_enter_sends_and_the_bot_answers_with_formatting(open_chat: OpenChat) -> None:
    page = open_chat()
    expect(page.locator("#empty-hint")).to_be_visible()
    say(page, "/start")

    expect(page.locator(".msg.me .body")).to_have_text("/start")
    expect(page.locator("#input")).to_have_value("")
    reply = page.locator(".msg.bot").first
    expect(reply).to_contain_text("Lookout watches news sources")
    # The bot's HTML is rendered as elements, not shown as tags.
    expect(reply.locator(".body b").first).to_have_text("Lookout")
    expect(reply.locator(".body code").first).to_contain_text("/subscribe")
    expect(reply).not_to_contain_text("<b>")
    expect(page.locator("#empty-hint")).to_be_hidden()


def test_shift_enter_adds_a_line_instead_of_sending(open_chat: OpenChat) -> None:
    page = open_chat()
    page.locator("#input").fill("/watch")
    page.locator("#input").press("Shift+Enter")
    page.locator("#input").press_sequentially("дрон")
    expect(page.locator("#input")).to_have_value("/watch\nдрон")
    expect(page.locator(".msg")).to_have_count(0)


def test_typing_a_slash_offers_the_bots_command_list(
    open_chat: OpenChat, sandbox: Sandbox, artifacts: Path
) -> None:
    page = open_chat()
    names = page.locator("#command-list li .cmd")
    page.locator("#input").press_sequentially("/")
    expect(names.first).to_be_visible()
    expected = menu_from_the_bot(sandbox, page)
    assert "/subscribe" in expected and "/start" in expected, expected
    expect(names).to_have_text(expected)
    page.screenshot(path=str(artifacts / "web-chat-commands-phone.png"))

    page.locator("#input").press_sequentially("subs")
    expect(names).to_have_text([n for n in expected if n.startswith("/subs")])
    page.locator("#input").press("Tab")
    expect(page.locator("#input")).to_have_value("/subscribe ")
    expect(page.locator("#command-list")).to_be_hidden()

    page.locator("#input").fill("")
    page.locator("#input").press_sequentially("/lis")
    names.filter(has_text="/list").click()
    expect(page.locator("#input")).to_have_value("/list ")


def test_the_command_list_speaks_the_users_language(open_chat: OpenChat) -> None:
    page = open_chat(lang="ru")
    page.locator("#input").press_sequentially("/subs")
    description = page.locator("#command-list li .desc").first
    expect(description).not_to_be_empty()
    text = description.inner_text().lower()
    assert any("а" <= ch <= "я" for ch in text), text


def test_pressing_an_inline_button_subscribes(open_chat: OpenChat) -> None:
    page = open_chat()
    say(page, "/subscribe Kyiv")
    question = page.locator(".msg.bot").first
    expect(question.get_by_role("button", name="Kyiv", exact=True)).to_be_visible()

    question.get_by_role("button", name="Kyiv Oblast", exact=True).click()
    # The bot edits its question into the answer and drops the buttons, as in Telegram.
    expect(question.locator(".kb-btn")).to_have_count(0)
    expect(question).to_contain_text("Kyiv Oblast")
    expect(question.locator(".meta")).to_contain_text("edited")

    say(page, "/list")
    expect(page.locator(".msg.bot").nth(1)).to_contain_text("Kyiv Oblast")


def test_the_chat_selector_acts_as_a_group(open_chat: OpenChat, sandbox: Sandbox) -> None:
    page = open_chat()
    say(page, "/help")
    expect(page.locator(".msg.bot")).to_have_count(1)

    page.locator("#chat-select").select_option("group")
    expect(page.locator("#chat-name")).to_have_text("Test group")
    expect(page.locator(".msg")).to_have_count(0)
    say(page, "/help")
    reply = page.locator(".msg.bot").first
    expect(reply.locator(".sender")).to_have_text("Lookout")
    expect(reply).to_contain_text("/subscribe")

    chats = httpx.get(f"{sandbox.url}/sandbox/chats", timeout=5).json()
    assert any(c.get("type") == "group" and c.get("title") == "Test group" for c in chats), chats

    page.locator("#chat-select").select_option("private")
    expect(page.locator("#chat-name")).to_have_text("Lookout")
    expect(page.locator(".msg.me .body")).to_have_text(["/help"])
    expect(page.locator(".msg.bot .sender")).to_have_count(0)


@pytest.mark.parametrize(("name", "size"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_bubbles_are_laid_out_on_screen(
    open_chat: OpenChat, artifacts: Path, name: str, size: dict[str, int]
) -> None:
    page = open_chat(viewport=size)
    say(page, "/start")
    expect(page.locator(".msg.bot")).to_have_count(1)
    say(page, "/subscribe Moscow")
    expect(page.get_by_role("button", name="Moscow Oblast", exact=True)).to_be_visible()
    say(page, "https://example.org/" + "a-very-long-link-without-spaces-" * 6)
    say(page, "/help")
    expect(page.locator(".msg.me")).to_have_count(4)
    expect(page.locator(".msg").last).to_contain_text("/unsubscribe")
    page.screenshot(path=str(artifacts / f"web-chat-{name}.png"))
    assert_laid_out(page)
