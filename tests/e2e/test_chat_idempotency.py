"""Telegram may deliver an update again after a crash: every handler, given the same update
twice, leaves the chat exactly as once."""

from __future__ import annotations

import json
from typing import Any

from bot.app import Lookout
from bot.sandbox.botapi import BotApiSandbox
from bot.store import chat_prefs
from tests.e2e.chat_support import Talk, buttons, prefs
from tests.e2e.conftest import LocalFeed, LookoutFactory

CHAT = 601


async def snapshot(lookout: Lookout, chat_id: int) -> tuple[Any, ...]:
    """Everything a chat has set, as plain values."""
    settings = await lookout.subscriptions.settings(chat_id)
    seen = await prefs(lookout, chat_id)
    conn = lookout.db.conn
    mutes = (
        await chat_prefs.muted_sources(conn, chat_id, 0),
        await chat_prefs.muted_terms(conn, chat_id, 0),
    )
    async with conn.execute("SELECT count(*) FROM sources") as cur:
        row = await cur.fetchone()
    return (settings, seen, [(m.name, m.until) for group in mutes for m in group], row)


COMMANDS = [
    "/subscribe Белгород",
    "/unsubscribe Белгород",
    "/subscribe Курск",
    "/watch дрон",
    "/urgent дрон",
    "/unwatch дрон",
    "/watch ракета",
    "/mute 2h",
    "/unmute",
    "/mute 45m",
    "/quiet 23:00-07:00",
    "/tz +3",
    "/lang ru",
    '/import {"lookout": 1, "regions": ["UA-63"], "watch_terms": ["обстріл"], '
    '"urgent_terms": ["обстріл"], "quiet": ["22:00", "06:00"]}',
    "/settings",
    "/recent",
    "/export",
]


async def test_every_command_twice_is_the_same_as_once(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, CHAT, lang="en")
    for command in COMMANDS:
        await user.say(command)
        once = await snapshot(lookout, CHAT)
        await user.redeliver()
        assert await snapshot(lookout, CHAT) == once, command

    exported = (await user.say("/export"))["text"]
    document = json.loads(exported[exported.index("{") :])
    assert document["regions"] == ["RU-KRS", "UA-63"]
    assert document["watch_terms"] == ["ракета", "обстріл"]
    assert document["urgent_terms"] == ["обстріл"]
    assert document["quiet"] == ["22:00", "06:00"]


async def test_a_button_press_delivered_twice(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, CHAT, lang="en")
    welcome = await user.say("/start")
    assert "sub:RU-BEL" in buttons(welcome)
    update = sandbox.press_button(CHAT, welcome["message_id"], "sub:RU-BEL", user_id=CHAT)
    query_id = update["callback_query"]["id"]
    await sandbox.state.wait_until(lambda: sandbox.callback_answer(query_id) is not None, 10.0)
    await user.say("/list")
    once = await snapshot(lookout, CHAT)

    sandbox.state.queue_update({"callback_query": update["callback_query"]})
    listing = await user.say("/list")  # handled after the repeated press
    assert await snapshot(lookout, CHAT) == once
    assert listing["text"].count("RU-BEL") == 1
