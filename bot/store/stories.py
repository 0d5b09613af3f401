"""Queries about story clusters and reissued items. The decisions are in bot.stories.

An item's story terms (and the regions it names, as `@CODE` tokens) are stored on the item,
so later items compare against them without re-reading text; `items.story_id` links an item
to its cluster in `stories`.
"""

from __future__ import annotations

import aiosqlite

from bot.stories import Candidate, decode_terms, encode_terms

RECENT_PER_SOURCE = 500


def encode(terms: frozenset[str], regions: frozenset[str]) -> str:
    return encode_terms(terms | frozenset(f"@{code}" for code in regions))


def decode(stored: str | None) -> tuple[frozenset[str], frozenset[str]]:
    tokens = decode_terms(stored)
    regions = frozenset(token[1:] for token in tokens if token.startswith("@"))
    return frozenset(token for token in tokens if not token.startswith("@")), regions


async def candidates(
    conn: aiosqlite.Connection, language: str, since: float, after_id: int = 0
) -> list[Candidate]:
    """Items of one language fetched since `since` (and stored after `after_id`) that belong
    to a story, oldest first."""
    async with conn.execute(
        "SELECT id, story_id, source, story_terms, fetched_at FROM items "
        "WHERE language = ? AND fetched_at >= ? AND id > ? AND story_id IS NOT NULL ORDER BY id",
        (language, since, after_id),
    ) as cur:
        rows = await cur.fetchall()
    found = []
    for item_id, story_id, source, stored, fetched_at in rows:
        terms, regions = decode(stored)
        found.append(
            Candidate(int(item_id), int(story_id), str(source), terms, regions, float(fetched_at))
        )
    return found


class StoryPool:
    """The recent candidates per language, kept between polls and read incrementally.

    Only rows already committed with their story are read (a poll's own new items are added
    to that poll's copy, never here), so a rolled-back poll leaves no trace.
    """

    def __init__(self) -> None:
        self._pools: dict[str, list[Candidate]] = {}
        self._last_id: dict[str, int] = {}

    async def candidates(
        self, conn: aiosqlite.Connection, language: str, since: float
    ) -> list[Candidate]:
        pool = [c for c in self._pools.get(language, []) if c.fetched_at >= since]
        fresh = await candidates(conn, language, since, self._last_id.get(language, 0))
        pool.extend(fresh)
        if fresh:
            self._last_id[language] = fresh[-1].item_id
        self._pools[language] = pool
        return list(pool)


async def source_terms(
    conn: aiosqlite.Connection, source: str, before_id: int
) -> list[frozenset[str]]:
    """The story terms of the source's latest items stored before this poll."""
    async with conn.execute(
        "SELECT story_terms FROM items WHERE source = ? AND id < ? AND story_terms IS NOT NULL "
        "ORDER BY id DESC LIMIT ?",
        (source, before_id, RECENT_PER_SOURCE),
    ) as cur:
        return [decode(r[0])[0] for r in await cur.fetchall()]


async def new_story(conn: aiosqlite.Connection, language: str, item_id: int, now: float) -> int:
    async with conn.execute(
        "INSERT INTO stories (language, first_item_id, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?) RETURNING id",
        (language, item_id, now, now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def join_story(conn: aiosqlite.Connection, story_id: int, now: float) -> None:
    await conn.execute("UPDATE stories SET last_seen_at = ? WHERE id = ?", (now, story_id))


async def set_item_story(
    conn: aiosqlite.Connection, item_id: int, story_id: int | None, stored_terms: str
) -> None:
    await conn.execute(
        "UPDATE items SET story_id = ?, story_terms = ? WHERE id = ?",
        (story_id, stored_terms, item_id),
    )


async def other_sources(
    conn: aiosqlite.Connection, story_id: int, source: str
) -> list[tuple[str, str]]:
    """(name, title) of the other sources that told the story, earliest first."""
    async with conn.execute(
        "SELECT i.source, s.title FROM items i JOIN sources s ON s.name = i.source "
        "WHERE i.story_id = ? AND i.source != ? GROUP BY i.source ORDER BY min(i.id)",
        (story_id, source),
    ) as cur:
        return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]


async def record_reissues(
    conn: aiosqlite.Connection, source: str, count: int, *, rotating: bool, now: float
) -> None:
    """Count a source's reissued items; mark it when a poll was mostly reissues."""
    await conn.execute(
        "UPDATE sources SET reissued_items = reissued_items + ?, "
        "rotating_guids_at = CASE WHEN ? THEN ? ELSE rotating_guids_at END WHERE name = ?",
        (count, int(rotating), now, source),
    )


async def rotating_since(conn: aiosqlite.Connection, source: str) -> float | None:
    async with conn.execute(
        "SELECT rotating_guids_at FROM sources WHERE name = ?", (source,)
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row and row[0] is not None else None
