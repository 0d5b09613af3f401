"""Queries for operators and chat commands: removing a source, the figures /stats shows, and
the items /recent reads.

Reads only columns of the first migration, so it keeps working as other areas add theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.models import Item
from bot.store import outbox

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Stats:
    sources: int
    failing: int
    paused: int
    chats: int
    inactive_chats: int
    items: int
    items_day: int
    alerts_day: int
    outbox_waiting: int
    failed_day: int


async def _count(conn: aiosqlite.Connection, sql: str, *params: object) -> int:
    async with conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return int(row[0] or 0) if row else 0


async def remove_source(conn: aiosqlite.Connection, name: str) -> bool:
    """Delete a source and (by cascade) its items; alerts already queued keep their text
    (rendered now, as their items go)."""
    await outbox.keep_texts(conn, name)
    cur = await conn.execute("DELETE FROM sources WHERE name = ?", (name,))
    return cur.rowcount > 0


async def stats(conn: aiosqlite.Connection, now: float) -> Stats:
    since = now - DAY
    async with conn.execute("PRAGMA table_info(sources)") as cur:
        columns = {row[1] for row in await cur.fetchall()}
    paused = (
        await _count(conn, "SELECT count(*) FROM sources WHERE paused = 1")
        if "paused" in columns
        else 0
    )
    return Stats(
        sources=await _count(conn, "SELECT count(*) FROM sources"),
        failing=await _count(conn, "SELECT count(*) FROM sources WHERE failures > 0"),
        paused=paused,
        chats=await _count(conn, "SELECT count(*) FROM chats WHERE active = 1"),
        inactive_chats=await _count(conn, "SELECT count(*) FROM chats WHERE active = 0"),
        items=await _count(conn, "SELECT count(*) FROM items"),
        items_day=await _count(conn, "SELECT count(*) FROM items WHERE fetched_at >= ?", since),
        alerts_day=await _count(conn, "SELECT count(*) FROM outbox WHERE created_at >= ?", since),
        outbox_waiting=await _count(
            conn, "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
        ),
        failed_day=await _count(
            conn, "SELECT count(*) FROM outbox WHERE state = 'failed' AND created_at >= ?", since
        ),
    )


async def items_stored_since(conn: aiosqlite.Connection, since: float, limit: int) -> list[Item]:
    """Items stored at or after `since`, newest publication first (at most `limit`)."""
    async with conn.execute(
        "SELECT source, key, link, title, text, language, published_at FROM items "
        "WHERE fetched_at >= ? ORDER BY published_at DESC, id DESC LIMIT ?",
        (since, limit),
    ) as cur:
        return [
            Item(
                source=row["source"],
                key=row["key"],
                link=row["link"],
                title=row["title"],
                text=row["text"],
                published=datetime.fromtimestamp(row["published_at"], UTC),
                language=row["language"],
            )
            for row in await cur.fetchall()
        ]
