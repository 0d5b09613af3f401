"""Outbox rows handed to the database thread without waiting (bot.store.db.WriteBehind): they
land in order, in the caller's transaction, and a failed one fails the transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Item, Source
from bot.store import chats, items, outbox, sources
from bot.store.db import Database, WriteBehind

CHATS = range(1, 41)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    async with database.write() as conn:
        await sources.upsert_sources(conn, [Source(name="s", title="S", url="https://s.example")])
        for chat_id in CHATS:
            await chats.ensure_chat(
                conn, chat_id, chat_type="private", title=None, language="en", now=0
            )
        published = datetime(2024, 5, 10, tzinfo=UTC)
        await items.insert_new_items(
            conn, [Item("s", "k", None, "t", "", published, "ru")], fetched_at=0
        )
    yield database
    await database.close()


def body(story_id: int) -> outbox.AlertBody:
    return outbox.AlertBody(
        item_id=1, dedup_key=f"story:{story_id}", text=f"alert {story_id}", story_id=story_id
    )


async def rows(db: Database) -> list[tuple[int, str]]:
    found = await db.conn.execute_fetchall("SELECT chat_id, dedup_key FROM outbox ORDER BY id")
    return [(int(r[0]), str(r[1])) for r in found]


async def test_rows_handed_over_land_in_order_and_later_reads_see_them(db: Database) -> None:
    owed = [(chat_id, body(story)) for story in range(500) for chat_id in CHATS]
    async with db.write() as conn, WriteBehind() as later:
        # The same INSERT, batch after batch, each handed over while the last may be running
        # and Python work goes on, as in a poll.
        for start in range(0, len(owed), 200):
            await later.submit(outbox.enqueue_many(conn, owed[start : start + 200], 0))
            sum(len(repr(row)) for row in owed[:300])
        assert await outbox.story_chats(conn, 499) == list(CHATS)
        await later.submit(outbox.enqueue_many(conn, owed[:5], 0))  # already owed: none
    assert later.results[-1] == 0
    assert sum(later.results) == len(owed)
    assert await rows(db) == [(chat_id, body.dedup_key) for chat_id, body in owed]


async def test_a_failed_write_fails_the_transaction(db: Database) -> None:
    unknown_chat = 999  # the outbox's foreign key refuses it
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as conn, WriteBehind() as later:
            await later.submit(outbox.enqueue_many(conn, [(1, body(1))], 0))
            await later.submit(outbox.enqueue_many(conn, [(unknown_chat, body(2))], 0))
            await later.submit(outbox.enqueue_many(conn, [(2, body(3))], 0))
    assert await rows(db) == []  # rolled back whole
