"""The outbox sender against a scripted Telegram: results, flood waits, blocked and moved chats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TimedOut

from bot.clock import FixedClock
from bot.config import DeliverySettings
from bot.delivery.sender import Sender
from bot.store import chats, outbox
from bot.store.db import Database

JsonDict = dict[str, Any]

FAST = DeliverySettings(
    idle_seconds=0.01,
    global_rate=1000,
    per_chat_interval=0,
    max_attempts=3,
    fold_seconds=0,
    hourly_cap=0,
)


class ScriptedTelegram:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.markups: list[JsonDict | None] = []
        self.threads: list[int | None] = []
        self.edits: list[tuple[int, int, str]] = []
        self.failures: dict[int, list[Exception]] = {}

    async def send(
        self, chat_id: int, text: str, *, reply_markup: JsonDict | None, thread_id: int | None
    ) -> int:
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, text))
        self.markups.append(reply_markup)
        self.threads.append(thread_id)
        return len(self.sent)

    async def edit(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: JsonDict | None
    ) -> None:
        self.edits.append((chat_id, message_id, text))


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    async with database.write() as conn:
        for chat_id in (1, 2, 3):
            await chats.ensure_chat(
                conn, chat_id, chat_type="private", title=None, language="en", now=0
            )
            for n in range(2):
                await outbox.enqueue(
                    conn,
                    chat_id=chat_id,
                    item_id=None,
                    dedup_key=f"k{n}",
                    text=f"{chat_id}/{n}",
                    now=0,
                )
    yield database  # type: ignore[misc]
    await database.close()


def clock() -> FixedClock:
    return FixedClock(datetime(2024, 5, 10, tzinfo=UTC))


async def drain(sender: Sender, passes: int = 10) -> None:
    for _ in range(passes):
        await sender.deliver_due()


async def test_everything_is_sent_in_order_per_chat(db: Database) -> None:
    telegram = ScriptedTelegram()
    await drain(Sender(db, telegram, clock(), FAST))
    assert [text for chat, text in telegram.sent if chat == 1] == ["1/0", "1/1"]
    assert len(telegram.sent) == 6
    assert await outbox.pending_count(db.conn) == 0


async def test_429_holds_only_that_chat_until_retry_after(db: Database) -> None:
    telegram = ScriptedTelegram()
    telegram.failures[1] = [RetryAfter(30)]
    fixed = clock()
    sender = Sender(db, telegram, fixed, FAST)
    await drain(sender)
    assert {chat for chat, _ in telegram.sent} == {2, 3}
    fixed.advance(29)
    await drain(sender)
    assert not [c for c, _ in telegram.sent if c == 1]
    fixed.advance(1)
    await drain(sender)
    assert [text for chat, text in telegram.sent if chat == 1] == ["1/0", "1/1"]


async def test_403_deactivates_the_chat_with_no_more_attempts(db: Database) -> None:
    telegram = ScriptedTelegram()
    telegram.failures[2] = [Forbidden("Forbidden: bot was blocked by the user")]
    await drain(Sender(db, telegram, clock(), FAST))
    assert not [c for c, _ in telegram.sent if c == 2]
    settings = await chats.chat_settings(db.conn, 2)
    assert settings is not None and not settings.active


async def test_chat_migrated_moves_and_resends(db: Database) -> None:
    telegram = ScriptedTelegram()
    telegram.failures[3] = [ChatMigrated(-1003)]
    await drain(Sender(db, telegram, clock(), FAST))
    assert [text for chat, text in telegram.sent if chat == -1003] == ["3/0", "3/1"]


async def test_timeout_is_retried_and_marked_as_possible_repeat(db: Database) -> None:
    telegram = ScriptedTelegram()
    telegram.failures[1] = [TimedOut()]
    fixed = clock()
    sender = Sender(db, telegram, fixed, FAST)
    await drain(sender)
    fixed.advance(10)
    await drain(sender)
    first = next(text for chat, text in telegram.sent if chat == 1)
    assert first.startswith("1/0") and "possible repeat" in first


async def test_bad_request_fails_the_row_but_not_the_chat(db: Database) -> None:
    telegram = ScriptedTelegram()
    telegram.failures[1] = [BadRequest("Bad Request: can't parse entities")]
    await drain(Sender(db, telegram, clock(), FAST))
    assert [text for chat, text in telegram.sent if chat == 1] == ["1/1"]
