"""Twenty writers on one SQLite file at once: every transaction lands, none sees "database is
locked", and the file passes `PRAGMA integrity_check`. Bounded by a transaction count, not time."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store import chats, outbox
from bot.store.db import Database

WRITERS = 20
TRANSACTIONS = 60  # per writer: 1,200 write transactions in all, each several statements


async def writer(database: Database, number: int) -> None:
    chat_id = 1000 + number
    for n in range(TRANSACTIONS):
        async with database.write() as conn:
            await chats.ensure_chat(
                conn, chat_id, chat_type="private", title=None, language="en", now=float(n)
            )
            await chats.watch(conn, chat_id, f"term{n}", float(n))
            await outbox.enqueue(
                conn,
                chat_id=chat_id,
                item_id=None,
                dedup_key=f"w{number}:{n}",
                text=f"alert {n}",
                now=float(n),
            )
            await conn.execute("UPDATE chats SET send_after = ? WHERE id = ?", (float(n), chat_id))
        # A reader between writes, as the sender reads while the poller writes.
        async with database.conn.execute(
            "SELECT count(*) FROM outbox WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == n + 1


async def test_twenty_concurrent_writers_never_see_a_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "lookout.sqlite3"
    first = await Database.open(path)  # migrates; the others find the schema in place
    others = [await Database.open(path) for _ in range(WRITERS - 1)]
    databases = [first, *others]
    try:
        results = await asyncio.gather(
            *(writer(database, n) for n, database in enumerate(databases)),
            return_exceptions=True,
        )
    finally:
        for database in databases:
            await database.close()
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors  # "database is locked" would show up here

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == WRITERS * TRANSACTIONS
        assert conn.execute("SELECT count(*) FROM watch_terms").fetchone()[0] == (
            WRITERS * TRANSACTIONS
        )
        assert conn.execute("SELECT count(*) FROM chats").fetchone()[0] == WRITERS
    finally:
        conn.close()
