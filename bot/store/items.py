"""Queries about items. Storage decides what is new: only rows the INSERT returns flow on."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.models import Item
from bot.store.db import MAX_VARIABLES

_COLUMNS = 8
_CHUNK = min(500, (MAX_VARIABLES - 1) // _COLUMNS)  # rows per statement
LISTED_EVERY = 86_400.0  # seconds: how stale an item's listed_at may be before a poll writes it


async def insert_new_items(
    conn: aiosqlite.Connection, items: list[Item], fetched_at: float
) -> list[tuple[int, Item]]:
    """Insert items; return (id, item) for those not stored before, in feed order.

    An item stored before and listed again has its `listed_at` brought up to date, at most
    once a day (`LISTED_EVERY`): bot.store.retention forgets only items no feed lists any
    more, so a feed that keeps an old item never brings it back as new. Such a row comes
    back from RETURNING too, with its own (earlier) fetched_at: only rows fetched now are new.

    One multi-row INSERT per chunk: a round trip per item through aiosqlite's thread costs
    more than the insert itself."""
    ids: dict[tuple[str, str], int] = {}
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        marks = ",".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in chunk)
        rows = await conn.execute_fetchall(
            f"""
            INSERT INTO items (source, key, link, title, text, language, published_at, fetched_at)
            VALUES {marks}
            ON CONFLICT (source, key) DO UPDATE SET listed_at = excluded.fetched_at
                WHERE coalesce(items.listed_at, items.fetched_at) < excluded.fetched_at - ?
            RETURNING id, source, key, fetched_at
            """,
            [
                value
                for item in chunk
                for value in (
                    item.source,
                    item.key,
                    item.link,
                    item.title,
                    item.text,
                    item.language,
                    item.published.timestamp(),
                    fetched_at,
                )
            ]
            + [LISTED_EVERY],
        )
        ids.update(((str(r[1]), str(r[2])), int(r[0])) for r in rows if r[3] == fetched_at)
    new: list[tuple[int, Item]] = []
    for item in items:
        item_id = ids.pop((item.source, item.key), None)  # a repeated key: its first row only
        if item_id is not None:
            new.append((item_id, item))
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
