"""What Lookout forgets, and when: the database stays the size of `keep_days` of news.

    outbox rows created before the cutoff (any state but one being sent right now)
        | the alert bodies only they used | items no feed has listed since the cutoff
        | stories last seen before it

Without it a busy deployment's file grows by the day (its outbox by a row per chat an
alert reaches) on a small VPS's disk. An item still listed by its feed stays, however old
(`items.listed_at`, which a poll brings up to date once a day): forgetting it would make it
new again, and alert again, at the next poll. An item no feed lists any more can go: a
feed that lists it again after `keep_days` is republishing it. A chat's daily or weekly
digest reads at most a week of its outbox, so `keep_days` is at least `MIN_KEEP_DAYS`.

Each table is walked in id order, oldest first, `CHUNK` rows a transaction, so polls and the
sender go on between two chunks; no walk reads past the first row made after the cutoff (ids
grow with time), so a sweep with nothing to forget reads a row or a few (and the old items
that feeds still list). Freed pages are reused by later rows: the file stops growing rather
than shrinking. Each table's newest row stays whatever its age: ids are handed out after the
highest one stored (by SQLite, or by Lookout for stories and bodies), and an id given out
again could meet an old reference to it (a story's dedup key `story:<id>` in a row being
sent, say).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.config import MIN_KEEP_DAYS
from bot.store.db import Database

log = logging.getLogger(__name__)

Row = tuple[Any, ...]

CHUNK = 2000  # rows read (and at most deleted) per transaction
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Forgotten:
    outbox_rows: int = 0
    alert_bodies: int = 0
    items: int = 0
    stories: int = 0


async def forget_before(db: Database, cutoff: float, *, chunk: int = CHUNK) -> Forgotten:
    """Delete what was made before `cutoff` (UTC seconds) and is no longer needed.

    All rows of one alert body are made together (one poll, one `now`), so a body whose rows
    went is used by none, unless one of its rows was being sent: that one keeps it."""
    bodies: set[int] = set()
    kept_bodies: set[int] = set()

    def note_bodies(old: list[Row]) -> None:
        for row in old:
            if row[3] is not None:
                (bodies if row[2] else kept_bodies).add(int(row[3]))

    rows = await _walk(
        db,
        "SELECT id, created_at, state != 'sending', body_id FROM outbox "
        "WHERE id > ?1 AND id < (SELECT max(id) FROM outbox) ORDER BY id LIMIT ?3",
        "outbox",
        cutoff,
        chunk,
        note_bodies,
    )
    body_count = await _forget_bodies(db, bodies - kept_bodies, chunk)
    item_count = await _walk(
        db,
        "SELECT id, fetched_at, coalesce(listed_at, fetched_at) < ?2 FROM items "
        "WHERE id > ?1 AND id < (SELECT max(id) FROM items) ORDER BY id LIMIT ?3",
        "items",
        cutoff,
        chunk,
    )
    story_count = await _walk(
        db,
        "SELECT id, created_at, last_seen_at < ?2 FROM stories "
        "WHERE id > ?1 AND id < (SELECT max(id) FROM stories) ORDER BY id LIMIT ?3",
        "stories",
        cutoff,
        chunk,
    )
    return Forgotten(rows, body_count, item_count, story_count)


async def forget_old(db: Database, now: float, keep_days: int) -> Forgotten:
    """`forget_before` the start of the last `keep_days` days (0: keep everything)."""
    if keep_days <= 0:
        return Forgotten()
    keep_days = max(keep_days, MIN_KEEP_DAYS)
    forgotten = await forget_before(db, now - keep_days * DAY)
    if forgotten != Forgotten():
        log.info(
            "event=forgotten outbox_rows=%d alert_bodies=%d items=%d stories=%d keep_days=%d",
            forgotten.outbox_rows,
            forgotten.alert_bodies,
            forgotten.items,
            forgotten.stories,
            keep_days,
        )
    return forgotten


async def _forget_bodies(db: Database, bodies: set[int], chunk: int) -> int:
    ordered = sorted(bodies)
    deleted = 0
    for start in range(0, len(ordered), chunk):
        async with db.write() as conn:
            kept = await _fetch(  # the newest body, and the newest row's (which stays)
                conn,
                "SELECT max(id) FROM alert_bodies UNION ALL "
                "SELECT body_id FROM outbox WHERE id = (SELECT max(id) FROM outbox)",
                (),
            )
            newest = {row[0] for row in kept}
            ids = [i for i in ordered[start : start + chunk] if i not in newest]
            deleted += await _delete(conn, "alert_bodies", ids)
        await asyncio.sleep(0)
    return deleted


async def _walk(
    db: Database,
    select: str,
    table: str,
    cutoff: float,
    chunk: int,
    seen: Callable[[list[Row]], None] | None = None,
) -> int:
    """Delete the rows `select` finds made before the cutoff (its second column) and
    marked as done with (its third); stop at the first made after. `seen` is shown each
    chunk's rows made before the cutoff, deleted or not."""
    deleted = 0
    after = 0
    while True:
        async with db.write() as conn:
            found = await _fetch(conn, select, (after, cutoff, chunk))
            old = _before(found, cutoff)
            if seen is not None:
                seen(old)
            deleted += await _delete(conn, table, [r[0] for r in old if r[2]])
        if len(old) < len(found) or len(found) < chunk:
            return deleted
        after = int(old[-1][0])
        await asyncio.sleep(0)


def _before(rows: list[Row], cutoff: float) -> list[Row]:
    """The leading rows made before the cutoff (their second column)."""
    for n, row in enumerate(rows):
        if float(row[1]) >= cutoff:
            return rows[:n]
    return rows


async def _fetch(conn: aiosqlite.Connection, sql: str, args: Row) -> list[Row]:
    async with conn.execute(sql, args) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def _delete(conn: aiosqlite.Connection, table: str, ids: Sequence[object]) -> int:
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    async with conn.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids) as cur:
        return max(cur.rowcount, 0)
