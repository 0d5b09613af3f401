"""Queries about chats, their region subscriptions and watch terms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from bot.store import chat_prefs
from bot.store import places as place_store


@dataclass(frozen=True, slots=True)
class ChatSettings:
    chat_id: int
    language: str
    active: bool
    regions: tuple[str, ...]
    watch_terms: tuple[str, ...]


async def ensure_chat(
    conn: aiosqlite.Connection,
    chat_id: int,
    *,
    chat_type: str,
    title: str | None,
    language: str,
    now: float,
) -> None:
    """Register a chat on first contact; a chat that blocked us and came back is active again."""
    await conn.execute(
        """
        INSERT INTO chats (id, type, title, language, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title, active = 1
        """,
        (chat_id, chat_type, title, language, now),
    )


async def subscribe(conn: aiosqlite.Connection, chat_id: int, region: str, now: float) -> bool:
    """Add a region subscription; False when the chat already had it."""
    cur = await conn.execute(
        "INSERT INTO region_subscriptions (chat_id, region, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (chat_id, region, now),
    )
    return cur.rowcount > 0


async def unsubscribe(conn: aiosqlite.Connection, chat_id: int, region: str) -> bool:
    cur = await conn.execute(
        "DELETE FROM region_subscriptions WHERE chat_id = ? AND region = ?", (chat_id, region)
    )
    return cur.rowcount > 0


async def watch(conn: aiosqlite.Connection, chat_id: int, term: str, now: float) -> bool:
    cur = await conn.execute(
        "INSERT INTO watch_terms (chat_id, term, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (chat_id, term, now),
    )
    return cur.rowcount > 0


async def watch_state(conn: aiosqlite.Connection, chat_id: int, term: str) -> tuple[int, bool]:
    """How many terms the chat watches, and whether `term` is one of them (one round trip)."""
    rows = list(
        await conn.execute_fetchall(
            "SELECT (SELECT count(*) FROM watch_terms WHERE chat_id = ?1), "
            "EXISTS (SELECT 1 FROM watch_terms WHERE chat_id = ?1 AND term = ?2)",
            (chat_id, term),
        )
    )
    return (int(rows[0][0]), bool(rows[0][1])) if rows else (0, False)


async def followed_count(conn: aiosqlite.Connection, chat_id: int) -> int:
    """The chat's regions and towns together."""
    async with conn.execute(
        "SELECT (SELECT count(*) FROM region_subscriptions WHERE chat_id = ?1) "
        "+ (SELECT count(*) FROM place_subscriptions WHERE chat_id = ?1)",
        (chat_id,),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def unwatch(conn: aiosqlite.Connection, chat_id: int, term: str) -> bool:
    cur = await conn.execute(
        "DELETE FROM watch_terms WHERE chat_id = ? AND term = ?", (chat_id, term)
    )
    return cur.rowcount > 0


async def term_is_watched(conn: aiosqlite.Connection, term: str) -> bool:
    async with conn.execute("SELECT 1 FROM watch_terms WHERE term = ? LIMIT 1", (term,)) as cur:
        return await cur.fetchone() is not None


async def chat_settings(conn: aiosqlite.Connection, chat_id: int) -> ChatSettings | None:
    async with conn.execute("SELECT language, active FROM chats WHERE id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    async with conn.execute(
        "SELECT region FROM region_subscriptions WHERE chat_id = ? ORDER BY created_at, region",
        (chat_id,),
    ) as cur:
        regions = tuple(r[0] for r in await cur.fetchall())
    async with conn.execute(
        "SELECT term FROM watch_terms WHERE chat_id = ? ORDER BY created_at, term", (chat_id,)
    ) as cur:
        terms = tuple(r[0] for r in await cur.fetchall())
    return ChatSettings(chat_id, row["language"], bool(row["active"]), regions, terms)


async def all_watch_terms(conn: aiosqlite.Connection) -> list[str]:
    async with conn.execute("SELECT DISTINCT term FROM watch_terms") as cur:
        return [r[0] for r in await cur.fetchall()]


async def subscribers(
    conn: aiosqlite.Connection,
    regions: Iterable[str],
    terms: Iterable[str],
    places: Iterable[str] = (),
) -> dict[int, tuple[set[str], set[str]]]:
    """Active chats interested in any of these regions or terms: chat -> (regions, terms).

    A chat subscribed to one of the mentioned towns (`places`, ids like "RU-BEL/graivoron")
    is interested too: the town's place id stands among its regions.
    """
    wanted: dict[int, tuple[set[str], set[str]]] = {}
    for chat_id, towns in (await place_store.place_subscribers(conn, places)).items():
        wanted.setdefault(chat_id, (set(), set()))[0].update(towns)
    region_list, term_list = list(set(regions)), list(set(terms))
    if region_list:
        marks = ",".join("?" * len(region_list))
        async with conn.execute(
            f"SELECT s.chat_id, s.region FROM region_subscriptions s JOIN chats c "
            f"ON c.id = s.chat_id WHERE c.active = 1 AND s.region IN ({marks})",
            region_list,
        ) as cur:
            for chat_id, region in await cur.fetchall():
                wanted.setdefault(chat_id, (set(), set()))[0].add(region)
    if term_list:
        marks = ",".join("?" * len(term_list))
        async with conn.execute(
            f"SELECT w.chat_id, w.term FROM watch_terms w JOIN chats c "
            f"ON c.id = w.chat_id WHERE c.active = 1 AND w.term IN ({marks})",
            term_list,
        ) as cur:
            for chat_id, term in await cur.fetchall():
                wanted.setdefault(chat_id, (set(), set()))[1].add(term)
    return wanted


async def chat_language(conn: aiosqlite.Connection, chat_id: int) -> str:
    async with conn.execute("SELECT language FROM chats WHERE id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else "en"


async def chat_languages(conn: aiosqlite.Connection, chat_ids: Iterable[int]) -> dict[int, str]:
    """chat_language for many chats in one query ("en" for an unknown chat)."""
    wanted = sorted(set(chat_ids))
    found = {chat_id: "en" for chat_id in wanted}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT id, language FROM chats WHERE id IN ({marks})", chunk
        )
        found.update((int(r[0]), str(r[1])) for r in rows)
    return found


async def deactivate_chat(conn: aiosqlite.Connection, chat_id: int) -> None:
    await conn.execute("UPDATE chats SET active = 0 WHERE id = ?", (chat_id,))


async def migrate_chat(conn: aiosqlite.Connection, old_id: int, new_id: int) -> None:
    """A group became a supergroup: its settings and owed messages follow it (ON UPDATE CASCADE)."""
    async with conn.execute("SELECT 1 FROM chats WHERE id = ?", (new_id,)) as cur:
        exists = await cur.fetchone() is not None
    if exists:
        await conn.execute(
            "UPDATE OR IGNORE region_subscriptions SET chat_id = ? WHERE chat_id = ?",
            (new_id, old_id),
        )
        await conn.execute(
            "UPDATE OR IGNORE watch_terms SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await conn.execute(
            "UPDATE OR IGNORE place_subscriptions SET chat_id = ? WHERE chat_id = ?",
            (new_id, old_id),
        )
        await conn.execute(
            "UPDATE OR IGNORE outbox SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await chat_prefs.move_prefs(conn, old_id, new_id)
        await conn.execute("DELETE FROM chats WHERE id = ?", (old_id,))
    else:
        await conn.execute(
            "UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?", (new_id, old_id)
        )
