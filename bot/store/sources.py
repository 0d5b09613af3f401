"""Queries about sources: registering them, their poll state, what is due."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.models import Source


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source with what Lookout remembers of polling it."""

    source: Source
    etag: str | None
    last_modified: str | None
    primed: bool  # a first successful poll stored the backlog without alerting
    next_check_at: float
    last_success_at: float | None
    last_error: str | None
    failures: int
    polls: int
    not_modified: int
    items_seen: int


async def upsert_sources(conn: aiosqlite.Connection, sources: list[Source]) -> None:
    """Add new sources and update the settings of known ones; poll state is kept."""
    await conn.executemany(
        """
        INSERT INTO sources (name, title, url, kind, language, interval, trusted)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET
            title = excluded.title, url = excluded.url, kind = excluded.kind,
            language = excluded.language, interval = excluded.interval,
            trusted = excluded.trusted
        """,
        [(s.name, s.title, s.url, s.kind, s.language, s.interval, int(s.trusted)) for s in sources],
    )


def _state(row: aiosqlite.Row) -> SourceState:
    return SourceState(
        source=Source(
            name=row["name"],
            title=row["title"],
            url=row["url"],
            kind=row["kind"],
            language=row["language"],
            interval=row["interval"],
            trusted=bool(row["trusted"]),
        ),
        etag=row["etag"],
        last_modified=row["last_modified"],
        primed=bool(row["primed"]),
        next_check_at=row["next_check_at"],
        last_success_at=row["last_success_at"],
        last_error=row["last_error"],
        failures=row["failures"],
        polls=row["polls"],
        not_modified=row["not_modified"],
        items_seen=row["items_seen"],
    )


async def all_sources(conn: aiosqlite.Connection) -> list[SourceState]:
    async with conn.execute("SELECT * FROM sources ORDER BY name") as cur:
        return [_state(row) for row in await cur.fetchall()]


async def due_sources(
    conn: aiosqlite.Connection, now: float, names: frozenset[str] | None = None
) -> list[SourceState]:
    async with conn.execute(
        "SELECT * FROM sources WHERE next_check_at <= ? ORDER BY next_check_at", (now,)
    ) as cur:
        rows = [_state(row) for row in await cur.fetchall()]
    return [r for r in rows if names is None or r.source.name in names]


async def get_source(conn: aiosqlite.Connection, name: str) -> SourceState | None:
    async with conn.execute("SELECT * FROM sources WHERE name = ?", (name,)) as cur:
        row = await cur.fetchone()
    return _state(row) if row else None


async def record_success(
    conn: aiosqlite.Connection,
    name: str,
    *,
    now: float,
    next_check_at: float,
    etag: str | None,
    last_modified: str | None,
    new_items: int,
) -> None:
    await conn.execute(
        """
        UPDATE sources SET etag = ?, last_modified = ?, primed = 1, next_check_at = ?,
            last_success_at = ?, failures = 0, polls = polls + 1, items_seen = items_seen + ?
        WHERE name = ?
        """,
        (etag, last_modified, next_check_at, now, new_items, name),
    )


async def record_not_modified(
    conn: aiosqlite.Connection, name: str, *, now: float, next_check_at: float
) -> None:
    await conn.execute(
        """
        UPDATE sources SET next_check_at = ?, last_success_at = ?, failures = 0,
            polls = polls + 1, not_modified = not_modified + 1
        WHERE name = ?
        """,
        (next_check_at, now, name),
    )


async def record_failure(
    conn: aiosqlite.Connection, name: str, *, now: float, next_check_at: float, error: str
) -> None:
    await conn.execute(
        """
        UPDATE sources SET next_check_at = ?, last_error = ?, last_error_at = ?,
            failures = failures + 1, polls = polls + 1
        WHERE name = ?
        """,
        (next_check_at, error, now, name),
    )
