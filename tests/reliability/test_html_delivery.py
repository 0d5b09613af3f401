"""Hostile titles through the whole path: feed on 127.0.0.1 -> Lookout -> the real PTB Bot ->
the sandbox Bot API, which rejects malformed HTML and over-long text as Telegram does.

Every alert must arrive (none refused with "can't parse entities" or "message is too long")
and show the source's strings character for character.
"""

from __future__ import annotations

import asyncio
import html
from xml.sax.saxutils import escape

from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.state import ChatRecord
from bot.store import chats
from tests.e2e.conftest import LocalFeed, LookoutFactory, feed, make_lookout, rss_item, sandbox

__all__ = ["feed", "make_lookout", "sandbox"]  # fixtures used by name

HOSTILE = [
    '</b><a href="https://evil.example">Белгородской области</a><b>',
    "Tom & Jerry &amp; &lt;Белгородской области&gt; &#60;",
    "1 < 2 > 0 в Белгородской области",
    'В Белгородской области сказали "тревога" 🙂🇺🇦',
    "<tg-spoiler>Белгородской области</tg-spoiler><pre>",
    "Белгородской области " + "&<🙂" * 400,  # swells when escaped; emoji count two units
]
CHAT = 4242


async def test_hostile_titles_are_delivered_literally_through_the_sandbox(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = [rss_item("old", "Погода", "Дождь.")]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)  # the backlog: stored, not alerted
    async with lookout.db.write() as conn:
        sandbox.state.chats[CHAT] = ChatRecord(CHAT, "private", "reader", "T")
        await chats.ensure_chat(conn, CHAT, chat_type="private", title=None, language="ru", now=0)
        await chats.subscribe(conn, CHAT, "RU-BEL", 0)
    feed.items += [
        # A literal "<" in an RSS title is written "&amp;lt;": the title is HTML inside XML.
        rss_item(f"h{n}", escape(html.escape(title)), escape(html.escape(f"{title} — текст")))
        for n, title in enumerate(HOSTILE)
    ]
    assert await lookout.poll_once(every_source=True) == len(HOSTILE)
    shown = ""
    for _ in range(100):
        shown = "\n".join(m["text"] for m in sandbox.sent_messages(CHAT))
        if all(title[:200] in shown for title in HOSTILE):
            break
        await asyncio.sleep(0.1)
    for title in HOSTILE:
        assert title[:200] in shown  # long titles are cut, never mangled
    states: dict[str, int] = {}
    for _ in range(100):  # a message shown is recorded as sent once the send call returns
        async with lookout.db.conn.execute(
            "SELECT state, count(*) FROM outbox WHERE chat_id = ? GROUP BY state", (CHAT,)
        ) as cursor:
            states = {row[0]: row[1] for row in await cursor.fetchall()}
        if not {"pending", "sending"} & set(states):
            break
        await asyncio.sleep(0.1)
    assert set(states) <= {"sent"}, states  # nothing failed with a 400 from the sandbox
    assert all(len(m["text"].encode("utf-16-le")) // 2 <= 4096 for m in sandbox.sent_messages(CHAT))
