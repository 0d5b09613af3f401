"""What the sender makes of a chat's due alerts: folding, the 4096 split, the hourly cap,
group pacing, and the chat's preferences at send time (mutes, quiet hours, urgent, topic)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.delivery.render import utf16_len
from bot.delivery.sender import Sender
from bot.store import chat_prefs, chats, outbox
from bot.store.db import Database
from tests.integration.test_sender import FAST, ScriptedTelegram

CHAT = 7
GROUP = -100500
START = datetime(2024, 6, 4, 12, 0, tzinfo=UTC)  # 12:00 UTC


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    async with database.write() as conn:
        await chats.ensure_chat(conn, CHAT, chat_type="private", title=None, language="en", now=0)
        await chats.ensure_chat(conn, GROUP, chat_type="group", title="g", language="en", now=0)
    yield database
    await database.close()


async def queue(
    db: Database,
    key: str,
    text: str,
    *,
    chat: int = CHAT,
    source: str = "wire-en",
    terms: tuple[str, ...] = (),
    regions: tuple[str, ...] = ("RU-BEL",),
) -> None:
    markup = {"inline_keyboard": [[{"text": "mute", "callback_data": f"mute:s:{source}:24"}]]}
    async with db.write() as conn:
        await outbox.enqueue(
            conn,
            chat_id=chat,
            item_id=None,
            dedup_key=key,
            text=text,
            now=0,
            source=source,
            regions=regions,
            terms=terms,
            reply_markup=markup,
        )


async def test_alerts_due_together_fold_into_one_message_with_every_button(db: Database) -> None:
    telegram = ScriptedTelegram()
    await queue(db, "a", "first alert", source="wire-en")
    await queue(db, "b", "second alert", source="belgorod-today")
    await queue(db, "c", "third alert", source="wire-en")
    sender = Sender(db, telegram, FixedClock(START), replace(FAST, fold_seconds=2))
    await sender.deliver_due()
    assert telegram.sent == [(CHAT, "first alert\n\nsecond alert\n\nthird alert")]
    buttons = [row[0]["callback_data"] for row in telegram.markups[0]["inline_keyboard"]]
    assert buttons == ["mute:s:wire-en:24", "mute:s:belgorod-today:24"]
    assert await outbox.pending_count(db.conn) == 0


async def test_a_burst_over_4096_units_splits_at_alert_boundaries(db: Database) -> None:
    telegram = ScriptedTelegram()
    texts = [f"<b>{n}</b> " + "ж" * 1500 for n in range(5)]
    for n, text in enumerate(texts):
        await queue(db, str(n), text)
    clock = FixedClock(START)
    sender = Sender(db, telegram, clock, replace(FAST, fold_seconds=2))
    for _ in range(5):
        await sender.deliver_due()
        clock.advance(2)
    assert len(telegram.sent) == 3
    assert all(utf16_len(text) <= 4096 for _, text in telegram.sent)
    assert "\n\n".join(text for _, text in telegram.sent) == "\n\n".join(texts)


async def test_the_chat_waits_fold_seconds_between_messages(db: Database) -> None:
    telegram = ScriptedTelegram()
    clock = FixedClock(START)
    sender = Sender(db, telegram, clock, replace(FAST, fold_seconds=3))
    await queue(db, "a", "one")
    await sender.deliver_due()
    await queue(db, "b", "two")
    await queue(db, "c", "three")
    clock.advance(2)
    await sender.deliver_due()
    assert len(telegram.sent) == 1
    clock.advance(1)
    await sender.deliver_due()
    assert telegram.sent[1] == (CHAT, "two\n\nthree")


async def test_over_the_hourly_cap_a_flood_becomes_one_summary(db: Database) -> None:
    telegram = ScriptedTelegram()
    clock = FixedClock(START)
    sender = Sender(db, telegram, clock, replace(FAST, fold_seconds=1, hourly_cap=3))
    for n in range(2):
        await queue(db, f"early{n}", f"alert {n}")
        await sender.deliver_due()
        clock.advance(1)
    for n in range(6):
        await queue(db, f"flood{n}", f"flood {n}")
    await sender.deliver_due()
    assert len(telegram.sent) == 3
    assert "6 more alerts in the last hour" in telegram.sent[2][1]
    assert "/recent" in telegram.sent[2][1]
    clock.advance(1)
    await queue(db, "late", "late alert")
    await sender.deliver_due()
    assert len(telegram.sent) == 3  # held: the hour is full
    clock.advance(3600)
    await sender.deliver_due()
    assert telegram.sent[3] == (CHAT, "late alert")


async def test_a_group_gets_at_most_group_per_minute(db: Database) -> None:
    telegram = ScriptedTelegram()
    clock = FixedClock(START)
    sender = Sender(db, telegram, clock, replace(FAST, group_per_minute=2))
    for n in range(3):
        await queue(db, str(n), f"group {n}", chat=GROUP)
    for _ in range(3):
        await sender.deliver_due()
    assert len(telegram.sent) == 2
    clock.advance(59)
    await sender.deliver_due()
    assert len(telegram.sent) == 2
    clock.advance(1)
    await sender.deliver_due()
    assert telegram.sent[2] == (GROUP, "group 2")


async def skipped(db: Database) -> list[str]:
    async with db.conn.execute(
        "SELECT skipped FROM outbox WHERE skipped IS NOT NULL ORDER BY id"
    ) as cur:
        return [r[0] for r in await cur.fetchall()]


async def test_muted_source_and_term_are_skipped_with_the_reason(db: Database) -> None:
    now = START.timestamp()
    async with db.write() as conn:
        await chat_prefs.mute_source(conn, CHAT, "wire-en", now + 3600)
        await chat_prefs.mute_term(conn, CHAT, "дрон", now + 3600)
    await queue(db, "a", "from a muted source", source="wire-en")
    await queue(db, "b", "only a muted term", source="kursk", terms=("дрон",), regions=())
    await queue(db, "c", "a muted term but a region too", source="kursk", terms=("дрон",))
    telegram = ScriptedTelegram()
    await Sender(db, telegram, FixedClock(START), replace(FAST, fold_seconds=1)).deliver_due()
    assert telegram.sent == [(CHAT, "a muted term but a region too")]
    assert await skipped(db) == ["source muted: wire-en", "term muted: дрон"]


async def test_a_muted_chat_gets_nothing_and_it_is_recorded(db: Database) -> None:
    async with db.write() as conn:
        await chat_prefs.mute_chat(conn, CHAT, START.timestamp() + 60)
    await queue(db, "a", "x")
    telegram = ScriptedTelegram()
    await Sender(db, telegram, FixedClock(START), FAST).deliver_due()
    assert telegram.sent == []
    assert await skipped(db) == ["chat muted"]


async def test_quiet_hours_hold_alerts_and_an_urgent_term_comes_through(db: Database) -> None:
    async with db.write() as conn:
        await chat_prefs.set_timezone(conn, CHAT, "Europe/Moscow")  # 15:00 local at START
        await chat_prefs.set_quiet(conn, CHAT, ("14:00", "16:30"))
        await chats.watch(conn, CHAT, "ракета", 0)
        await chat_prefs.set_urgent(conn, CHAT, "ракета", True, 0)
    await queue(db, "a", "held one")
    await queue(db, "b", "urgent", terms=("ракета",))
    await queue(db, "c", "held two")
    telegram = ScriptedTelegram()
    clock = FixedClock(START)
    sender = Sender(db, telegram, clock, replace(FAST, fold_seconds=1))
    await sender.deliver_due()
    assert telegram.sent == [(CHAT, "urgent")]
    clock.advance(89 * 60)
    await sender.deliver_due()
    assert len(telegram.sent) == 1
    clock.advance(60)  # 16:30 local: quiet hours are over
    await sender.deliver_due()
    assert telegram.sent[1] == (CHAT, "held one\n\nheld two")


async def test_alerts_go_to_the_chats_forum_topic(db: Database) -> None:
    async with db.write() as conn:
        await chat_prefs.set_thread(conn, GROUP, 42)
    await queue(db, "a", "in the topic", chat=GROUP)
    telegram = ScriptedTelegram()
    await Sender(db, telegram, FixedClock(START), FAST).deliver_due()
    assert telegram.threads == [42]
