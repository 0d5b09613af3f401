"""Queries about sources: registering them, their poll state, what is due, pausing.

A source's `url` starts as the configured one (`config_url`) and follows permanent redirects;
re-reading an unchanged config keeps the followed URL, a changed one replaces it. Paused sources
are never due; resuming makes one due at once with a clean failure count.
"""

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
    paused: bool = False
    paused_at: float | None = None
    failing_since: float | None = None  # when the current run of failures began
    adaptive_interval: float | None = None  # seconds; None until the first success
    feed_ttl: float | None = None  # the feed's own <ttl>, seconds
    last_status: int | None = None  # HTTP status of the last poll, 0 when none came
    last_error_at: float | None = None

    @property
    def not_modified_share(self) -> float | None:
        """Share of polls answered 304, or None before the first poll."""
        return self.not_modified / self.polls if self.polls else None


async def upsert_sources(conn: aiosqlite.Connection, sources: list[Source]) -> None:
    """Add new sources and update the settings of known ones; poll state is kept."""
    await conn.executemany(
        """
        INSERT INTO sources (name, title, url, config_url, kind, language, interval, trusted)
        VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)
        ON CONFLICT (name) DO UPDATE SET
            title = excluded.title, kind = excluded.kind,
            url = CASE WHEN sources.config_url IS excluded.config_url
                  THEN sources.url ELSE excluded.url END,
            config_url = excluded.config_url,
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
        paused=bool(row["paused"]),
        paused_at=row["paused_at"],
        failing_since=row["failing_since"],
        adaptive_interval=row["adaptive_interval"],
        feed_ttl=row["feed_ttl"],
        last_status=row["last_status"],
        last_error_at=row["last_error_at"],
    )


async def all_sources(
    conn: aiosqlite.Connection, *, include_paused: bool = True
) -> list[SourceState]:
    where = "" if include_paused else " WHERE paused = 0"
    async with conn.execute(f"SELECT * FROM sources{where} ORDER BY name") as cur:
        return [_state(row) for row in await cur.fetchall()]


async def due_sources(
    conn: aiosqlite.Connection, now: float, names: frozenset[str] | None = None
) -> list[SourceState]:
    async with conn.execute(
        "SELECT * FROM sources WHERE paused = 0 AND next_check_at <= ? ORDER BY next_check_at",
        (now,),
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
    status: int = 200,
    adaptive_interval: float | None = None,
    feed_ttl: float | None = None,
    url: str | None = None,
) -> None:
    """A document was read and its items stored; `url` is a permanent redirect's target."""
    await conn.execute(
        """
        UPDATE sources SET etag = ?, last_modified = ?, primed = 1, next_check_at = ?,
            last_success_at = ?, failures = 0, failing_since = NULL, polls = polls + 1,
            items_seen = items_seen + ?, last_status = ?,
            adaptive_interval = coalesce(?, adaptive_interval), feed_ttl = ?,
            url = coalesce(?, url)
        WHERE name = ?
        """,
        (
            etag,
            last_modified,
            next_check_at,
            now,
            new_items,
            status,
            adaptive_interval,
            feed_ttl,
            url,
            name,
        ),
    )


async def record_not_modified(
    conn: aiosqlite.Connection,
    name: str,
    *,
    now: float,
    next_check_at: float,
    adaptive_interval: float | None = None,
    url: str | None = None,
) -> None:
    await conn.execute(
        """
        UPDATE sources SET next_check_at = ?, last_success_at = ?, failures = 0,
            failing_since = NULL, polls = polls + 1, not_modified = not_modified + 1,
            last_status = 304, adaptive_interval = coalesce(?, adaptive_interval),
            url = coalesce(?, url)
        WHERE name = ?
        """,
        (next_check_at, now, adaptive_interval, url, name),
    )


async def record_failure(
    conn: aiosqlite.Connection,
    name: str,
    *,
    now: float,
    next_check_at: float,
    error: str,
    status: int = 0,
    pause: bool = False,
) -> float:
    """Count a failure (pausing the source if told to); returns when the failures began."""
    async with conn.execute(
        """
        UPDATE sources SET next_check_at = ?2, last_error = ?3, last_error_at = ?1,
            failures = failures + 1, polls = polls + 1, last_status = ?4,
            failing_since = coalesce(failing_since, ?1),
            paused = CASE WHEN ?5 THEN 1 ELSE paused END,
            paused_at = CASE WHEN ?5 THEN ?1 ELSE paused_at END
        WHERE name = ?6
        RETURNING failing_since
        """,
        (now, next_check_at, error, status, int(pause), name),
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row else now


async def pause_source(conn: aiosqlite.Connection, name: str, *, now: float) -> bool:
    """Stop polling a source until it is resumed; False when there is no such source."""
    cur = await conn.execute(
        "UPDATE sources SET paused = 1, paused_at = coalesce(paused_at, ?) WHERE name = ?",
        (now, name),
    )
    return cur.rowcount > 0


async def resume_source(conn: aiosqlite.Connection, name: str, *, now: float) -> bool:
    """Poll a paused source again, at once and with its failure count cleared."""
    cur = await conn.execute(
        """
        UPDATE sources SET paused = 0, paused_at = NULL, failures = 0, failing_since = NULL,
            next_check_at = ?
        WHERE name = ?
        """,
        (now, name),
    )
    return cur.rowcount > 0
