"""Queries about items. Storage decides what is new: only rows the INSERT returns flow on."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.models import Item


async def insert_new_items(
    conn: aiosqlite.Connection, items: list[Item], fetched_at: float
) -> list[tuple[int, Item]]:
    """Insert items; return (id, item) for those not stored before, in feed order."""
    new: list[tuple[int, Item]] = []
    for item in items:
        async with conn.execute(
            """
            INSERT INTO items (source, key, link, title, text, language, published_at, fetched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, key) DO NOTHING
            RETURNING id
            """,
            (
                item.source,
                item.key,
                item.link,
                item.title,
                item.text,
                item.language,
                item.published.timestamp(),
                fetched_at,
            ),
        ) as cur:
            row = await cur.fetchone()
        if row is not None:
            new.append((int(row[0]), item))
    return new


def _item(row: aiosqlite.Row) -> Item:
    return Item(
        source=row["source"],
        key=row["key"],
        link=row["link"],
        title=row["title"],
        text=row["text"],
        published=datetime.fromtimestamp(row["published_at"], UTC),
        language=row["language"],
    )


async def count_items(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT count(*) FROM items") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def recent_items(conn: aiosqlite.Connection, since: float) -> list[tuple[int, Item]]:
    async with conn.execute(
        "SELECT * FROM items WHERE published_at >= ? ORDER BY published_at DESC", (since,)
    ) as cur:
        return [(int(row["id"]), _item(row)) for row in await cur.fetchall()]
