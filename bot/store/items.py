"""Queries about items. Storage decides what is new: only rows the INSERT returns flow on."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.models import Item
from bot.store.db import MAX_VARIABLES

_COLUMNS = 8
_CHUNK = min(500, MAX_VARIABLES // _COLUMNS)  # rows per statement
_LISTED_CHUNK = min(500, MAX_VARIABLES - 3)  # keys per UPDATE of listed_at
LISTED_EVERY = 86_400.0  # seconds: how stale an item's listed_at may be before a poll writes it


async def insert_new_items(
    conn: aiosqlite.Connection, items: list[Item], fetched_at: float
) -> list[tuple[int, Item]]:
    """Insert items; return (id, item) for those not stored before, in feed order.

    The items stored before that the feed lists again have their `listed_at` brought up to
    date, at most once a day (`LISTED_EVERY`): bot.store.retention forgets only items no
    feed lists any more, so a feed that keeps an old item never brings it back as new.

    One multi-row INSERT per chunk: a round trip per item through aiosqlite's thread costs
    more than the insert itself. `listed_at` is written by a statement of its own, only in
    polls that list known items, so the INSERT every new item goes through stays as it was
    (an upsert doing both, whose RETURNING told inserted rows by their fetched_at, was no
    faster in bench_ingest's alternating runs)."""
    ids: dict[tuple[str, str], int] = {}
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        marks = ",".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in chunk)
        rows = await conn.execute_fetchall(
            f"""
            INSERT INTO items (source, key, link, title, text, language, published_at, fetched_at)
            VALUES {marks}
            ON CONFLICT (source, key) DO NOTHING
            RETURNING id, source, key
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
            ],
        )
        ids.update(((str(r[1]), str(r[2])), int(r[0])) for r in rows)
    new: list[tuple[int, Item]] = []
    # stored before (or twice in the document: the row just made, which the UPDATE's own
    # condition leaves alone)
    listed: dict[tuple[str, str], None] = {}
    for item in items:
        key = (item.source, item.key)
        item_id = ids.pop(key, None)  # a repeated key: its first row only
        if item_id is not None:
            new.append((item_id, item))
        else:
            listed[key] = None
    if listed:
        await _still_listed(conn, list(listed), fetched_at)
    return new


async def _still_listed(
    conn: aiosqlite.Connection, keys: list[tuple[str, str]], now: float
) -> None:
    """Items stored before and listed again: `listed_at` = now, where it is a day old."""
    by_source: dict[str, list[str]] = {}
    for source, key in keys:
        by_source.setdefault(source, []).append(key)
    for source, source_keys in by_source.items():
        for start in range(0, len(source_keys), _LISTED_CHUNK):
            chunk = source_keys[start : start + _LISTED_CHUNK]
            async with conn.execute(
                "UPDATE items SET listed_at = ? WHERE source = ? AND key IN "
                f"({','.join('?' * len(chunk))}) AND coalesce(listed_at, fetched_at) < ?",
                [now, source, *chunk, now - LISTED_EVERY],
            ):
                pass


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
