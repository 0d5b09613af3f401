"""A chat's delivery preferences: language, time zone, mutes, quiet hours, urgent terms, topic.

The read side is `delivery_prefs(conn, chat_id, now)`, one frozen snapshot the pipeline and the
sender consult when they decide whether, when and where to deliver an alert. The write side is
one small function per setting; callers run them inside `Database.write()`. Every write is
idempotent: doing it twice leaves the same row as doing it once.

Times are Unix seconds (UTC). Quiet hours are local "HH:MM" strings in the chat's time zone.
Only this module reads or writes the chat-settings columns of `chats` and the three
`chat_*` tables (schema migration 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite


@dataclass(frozen=True, slots=True)
class DeliveryPrefs:
    chat_id: int
    language: str
    timezone: str  # an IANA name, e.g. "Europe/Kyiv"
    muted_until: float  # 0 when the chat is not muted
    quiet: tuple[str, str] | None  # local ("23:00", "07:00"), or None
    alerts_enabled: bool  # False: digest only
    thread_id: int | None  # the forum topic where the chat subscribed
    muted_sources: frozenset[str]  # source names muted at `now`
    muted_terms: frozenset[str]  # watch terms muted at `now`
    urgent_terms: frozenset[str]  # watch terms that come through quiet hours

    def muted_at(self, now: float) -> bool:
        return self.muted_until > now

    def quiet_at(self, now: float) -> bool:
        """Whether `now` falls in the chat's quiet hours, read in its time zone."""
        if self.quiet is None:
            return False
        return in_quiet_hours(self.quiet, self.timezone, now)


def in_quiet_hours(quiet: tuple[str, str], timezone: str, now: float) -> bool:
    """("23:00", "07:00") spans midnight; an unknown zone counts as UTC."""
    try:
        zone: tzinfo = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    local = datetime.fromtimestamp(now, zone).strftime("%H:%M")
    start, end = quiet
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


@dataclass(frozen=True, slots=True)
class MuteRecord:
    name: str  # a source name or a watch term
    until: float


async def delivery_prefs(conn: aiosqlite.Connection, chat_id: int, now: float) -> DeliveryPrefs:
    """The chat's preferences at `now`; a chat Lookout does not know gets the defaults."""
    async with conn.execute(
        "SELECT language, timezone, muted_until, quiet_start, quiet_end, alerts_enabled, "
        "thread_id FROM chats WHERE id = ?",
        (chat_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return DeliveryPrefs(
            chat_id, "en", "UTC", 0.0, None, True, None, frozenset(), frozenset(), frozenset()
        )
    quiet = (
        (str(row["quiet_start"]), str(row["quiet_end"]))
        if row["quiet_start"] and row["quiet_end"]
        else None
    )
    return DeliveryPrefs(
        chat_id=chat_id,
        language=str(row["language"]),
        timezone=str(row["timezone"]),
        muted_until=float(row["muted_until"]) if row["muted_until"] > now else 0.0,
        quiet=quiet,
        alerts_enabled=bool(row["alerts_enabled"]),
        thread_id=row["thread_id"],
        muted_sources=frozenset(m.name for m in await muted_sources(conn, chat_id, now)),
        muted_terms=frozenset(m.name for m in await muted_terms(conn, chat_id, now)),
        urgent_terms=frozenset(await urgent_terms(conn, chat_id)),
    )


async def muted_sources(conn: aiosqlite.Connection, chat_id: int, now: float) -> list[MuteRecord]:
    async with conn.execute(
        "SELECT source, until FROM chat_muted_sources WHERE chat_id = ? AND until > ? "
        "ORDER BY source",
        (chat_id, now),
    ) as cur:
        return [MuteRecord(str(r[0]), float(r[1])) for r in await cur.fetchall()]


async def muted_terms(conn: aiosqlite.Connection, chat_id: int, now: float) -> list[MuteRecord]:
    async with conn.execute(
        "SELECT term, until FROM chat_muted_terms WHERE chat_id = ? AND until > ? ORDER BY term",
        (chat_id, now),
    ) as cur:
        return [MuteRecord(str(r[0]), float(r[1])) for r in await cur.fetchall()]


async def urgent_terms(conn: aiosqlite.Connection, chat_id: int) -> list[str]:
    async with conn.execute(
        "SELECT u.term FROM chat_urgent_terms u JOIN watch_terms w "
        "ON w.chat_id = u.chat_id AND w.term = u.term WHERE u.chat_id = ? ORDER BY u.term",
        (chat_id,),
    ) as cur:
        return [str(r[0]) for r in await cur.fetchall()]


async def language_chosen(conn: aiosqlite.Connection, chat_id: int) -> bool:
    async with conn.execute("SELECT language_chosen FROM chats WHERE id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    return bool(row[0]) if row else False


# -- writes (inside Database.write()) --------------------------------------------------------


async def set_language(conn: aiosqlite.Connection, chat_id: int, language: str) -> None:
    """The language a chat chose with /lang; it no longer follows the user's Telegram one."""
    await conn.execute(
        "UPDATE chats SET language = ?, language_chosen = 1 WHERE id = ?", (language, chat_id)
    )


async def set_timezone(conn: aiosqlite.Connection, chat_id: int, timezone: str) -> None:
    await conn.execute("UPDATE chats SET timezone = ? WHERE id = ?", (timezone, chat_id))


async def mute_chat(conn: aiosqlite.Connection, chat_id: int, until: float) -> None:
    await conn.execute("UPDATE chats SET muted_until = ? WHERE id = ?", (until, chat_id))


async def unmute_chat(conn: aiosqlite.Connection, chat_id: int) -> bool:
    """Lift the chat's mute and every source and term mute; False when nothing was muted."""
    cur = await conn.execute(
        "UPDATE chats SET muted_until = 0 WHERE id = ? AND muted_until > 0", (chat_id,)
    )
    changed = cur.rowcount > 0
    for table in ("chat_muted_sources", "chat_muted_terms"):
        cur = await conn.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))
        changed = changed or cur.rowcount > 0
    return changed


async def set_quiet(
    conn: aiosqlite.Connection, chat_id: int, quiet: tuple[str, str] | None
) -> None:
    start, end = quiet if quiet else (None, None)
    await conn.execute(
        "UPDATE chats SET quiet_start = ?, quiet_end = ? WHERE id = ?", (start, end, chat_id)
    )


async def set_alerts_enabled(conn: aiosqlite.Connection, chat_id: int, enabled: bool) -> None:
    await conn.execute("UPDATE chats SET alerts_enabled = ? WHERE id = ?", (int(enabled), chat_id))


async def set_thread(conn: aiosqlite.Connection, chat_id: int, thread_id: int | None) -> None:
    await conn.execute("UPDATE chats SET thread_id = ? WHERE id = ?", (thread_id, chat_id))


async def mute_source(conn: aiosqlite.Connection, chat_id: int, source: str, until: float) -> None:
    await conn.execute(
        "INSERT INTO chat_muted_sources (chat_id, source, until) VALUES (?, ?, ?) "
        "ON CONFLICT (chat_id, source) DO UPDATE SET until = excluded.until",
        (chat_id, source, until),
    )


async def mute_term(conn: aiosqlite.Connection, chat_id: int, term: str, until: float) -> None:
    await conn.execute(
        "INSERT INTO chat_muted_terms (chat_id, term, until) VALUES (?, ?, ?) "
        "ON CONFLICT (chat_id, term) DO UPDATE SET until = excluded.until",
        (chat_id, term, until),
    )


async def set_urgent(
    conn: aiosqlite.Connection, chat_id: int, term: str, urgent: bool, now: float
) -> bool:
    """Mark or unmark a watch term urgent; False when it already was (or was not)."""
    if urgent:
        cur = await conn.execute(
            "INSERT INTO chat_urgent_terms (chat_id, term, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (chat_id, term, now),
        )
    else:
        cur = await conn.execute(
            "DELETE FROM chat_urgent_terms WHERE chat_id = ? AND term = ?", (chat_id, term)
        )
    return cur.rowcount > 0


async def move_prefs(conn: aiosqlite.Connection, old_id: int, new_id: int) -> None:
    """A migrated group's preferences onto the chat that already exists under its new id
    (called before the old row is deleted); what the new chat set itself is kept."""
    await conn.execute(
        """
        UPDATE chats SET
            language = CASE WHEN chats.language_chosen THEN chats.language ELSE old.language END,
            language_chosen = max(chats.language_chosen, old.language_chosen),
            timezone = CASE WHEN chats.timezone = 'UTC' THEN old.timezone ELSE chats.timezone END,
            muted_until = max(chats.muted_until, old.muted_until),
            quiet_start = coalesce(chats.quiet_start, old.quiet_start),
            quiet_end = coalesce(chats.quiet_end, old.quiet_end),
            alerts_enabled = min(chats.alerts_enabled, old.alerts_enabled),
            thread_id = coalesce(chats.thread_id, old.thread_id)
        FROM (SELECT * FROM chats WHERE id = ?) AS old
        WHERE chats.id = ?
        """,
        (old_id, new_id),
    )
    for table in ("chat_muted_sources", "chat_muted_terms", "chat_urgent_terms"):
        await conn.execute(
            f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
