"""Queries for digests: the chats' schedules, the stories that matched a chat, digest rows.

What matched a chat is read from its outbox: every alert it was owed (sent, folded, held or
skipped because alerts were off or muted) is one `send` row per story with the regions and
terms that matched (`reasons`). So a digest sees exactly what alerts would have said, towns
and story clustering included, without matching anything again.

A digest is enqueued as `kind = 'digest'` rows (the sender never skips them for "alerts
off" and never folds alerts into them) with the dedup keys `digest:<chat>:<period>` and
`digest:<chat>:<period>:<part>`, in the same transaction that records the period in
`chats.digest_last_period`: one digest per chat and period, across restarts. Only this module
reads or writes the `digest_*` columns of `chats` (schema migration 6).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from bot.digest import DigestStory, Schedule

MAX_STORIES = 5000


@dataclass(frozen=True, slots=True)
class DigestChat:
    chat_id: int
    language: str
    timezone: str
    schedule: Schedule | None
    last_period: str | None
    covered_until: float | None  # the end of what the previous digest covered (UTC seconds)


def _chat(row: aiosqlite.Row) -> DigestChat:
    at = row["digest_at"]
    weekday = row["digest_weekday"]
    return DigestChat(
        chat_id=int(row["id"]),
        language=str(row["language"]),
        timezone=str(row["timezone"]),
        schedule=Schedule(str(at), None if weekday is None else int(weekday)) if at else None,
        last_period=row["digest_last_period"],
        covered_until=row["digest_covered_until"],
    )


_SELECT = (
    "SELECT id, language, timezone, digest_at, digest_weekday, digest_last_period, "
    "digest_covered_until FROM chats"
)


async def scheduled_chats(conn: aiosqlite.Connection) -> list[DigestChat]:
    """Active chats that asked for a digest."""
    async with conn.execute(
        f"{_SELECT} WHERE digest_at IS NOT NULL AND active = 1 ORDER BY id"
    ) as cur:
        return [_chat(row) for row in await cur.fetchall()]


async def digest_chat(conn: aiosqlite.Connection, chat_id: int) -> DigestChat | None:
    async with conn.execute(f"{_SELECT} WHERE id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    return _chat(row) if row else None


async def matched_stories(
    conn: aiosqlite.Connection, chat_id: int, since: float, until: float
) -> list[DigestStory]:
    """The stories the chat was owed an alert for in [since, until), by when they were queued."""
    async with conn.execute(
        """
        SELECT o.story_id, i.id, coalesce(b.reasons, o.reasons), i.title, i.link,
            i.published_at,
            (SELECT count(DISTINCT s.source) FROM items s WHERE s.story_id = o.story_id)
        FROM outbox o LEFT JOIN alert_bodies b ON b.id = o.body_id
            JOIN items i ON i.id = coalesce(b.item_id, o.item_id)
        WHERE o.chat_id = ? AND o.kind = 'send' AND o.created_at >= ? AND o.created_at < ?
        ORDER BY o.id LIMIT ?
        """,
        (chat_id, since, until, MAX_STORIES),
    ) as cur:
        rows = await cur.fetchall()
    stories = []
    for story_id, item_id, reasons, title, link, published, sources in rows:
        matched = json.loads(reasons) if reasons else {}
        stories.append(
            DigestStory(
                story_id=int(story_id) if story_id is not None else -int(item_id),
                title=str(title),
                link=link,
                published=float(published),
                sources=max(1, int(sources or 0)),
                regions=tuple(matched.get("regions", ())),
                terms=tuple(matched.get("terms", ())),
            )
        )
    return stories


async def chat_places(conn: aiosqlite.Connection, chat_id: int) -> list[str]:
    """The chat's town subscriptions (place ids), in the order it made them."""
    async with conn.execute(
        "SELECT place_id FROM place_subscriptions WHERE chat_id = ? ORDER BY created_at, place_id",
        (chat_id,),
    ) as cur:
        return [str(r[0]) for r in await cur.fetchall()]


# -- writes (inside Database.write()) --------------------------------------------------------


async def set_schedule(
    conn: aiosqlite.Connection, chat_id: int, schedule: Schedule | None, current_period: str | None
) -> None:
    """Set (or clear) the chat's digest. `current_period` (the latest scheduled moment now)
    counts as done, so a new schedule starts with its next moment, not at once."""
    if schedule is None:
        await conn.execute(
            "UPDATE chats SET digest_at = NULL, digest_weekday = NULL WHERE id = ?", (chat_id,)
        )
        return
    await conn.execute(
        "UPDATE chats SET digest_at = ?, digest_weekday = ?, digest_last_period = ? WHERE id = ?",
        (schedule.at, schedule.weekday, current_period, chat_id),
    )


async def enqueue_digest(
    conn: aiosqlite.Connection,
    *,
    chat_id: int,
    period: str,
    texts: list[str],
    now: float,
) -> int:
    """Queue the period's digest messages and record the period; returns rows queued (0 when
    this chat already has this period's digest)."""
    queued = 0
    for part, text in enumerate(texts, start=1):
        key = f"digest:{chat_id}:{period}" + (f":{part}" if part > 1 else "")
        cur = await conn.execute(
            "INSERT INTO outbox (chat_id, kind, dedup_key, text, created_at) "
            "VALUES (?, 'digest', ?, ?, ?) ON CONFLICT (chat_id, dedup_key) DO NOTHING",
            (chat_id, key, text, now),
        )
        queued += cur.rowcount
    await conn.execute(
        "UPDATE chats SET digest_last_period = ?, digest_covered_until = ? WHERE id = ?",
        (period, now, chat_id),
    )
    return queued


async def digest_rows(conn: aiosqlite.Connection, chat_id: int) -> list[tuple[str, str, str]]:
    """(dedup key, state, text) of the chat's digest rows, oldest first (tests, /stats)."""
    async with conn.execute(
        "SELECT dedup_key, state, text FROM outbox WHERE chat_id = ? AND kind = 'digest' "
        "ORDER BY id",
        (chat_id,),
    ) as cur:
        return [(str(r[0]), str(r[1]), str(r[2])) for r in await cur.fetchall()]
