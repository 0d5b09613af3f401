"""Queries about town subscriptions: a chat that wants alerts only for one town.

A place id is the gazetteer's ("RU-BEL/graivoron"); the region code is stored beside it so
the chat's list and the operator can read it without the gazetteer.
"""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite


async def subscribe_place(
    conn: aiosqlite.Connection, chat_id: int, place_id: str, region: str, now: float
) -> bool:
    """Add a town subscription; False when the chat already had it."""
    cur = await conn.execute(
        "INSERT INTO place_subscriptions (chat_id, place_id, region, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (chat_id, place_id, region, now),
    )
    return cur.rowcount > 0


async def unsubscribe_place(conn: aiosqlite.Connection, chat_id: int, place_id: str) -> bool:
    cur = await conn.execute(
        "DELETE FROM place_subscriptions WHERE chat_id = ? AND place_id = ?", (chat_id, place_id)
    )
    return cur.rowcount > 0


async def chat_places(conn: aiosqlite.Connection, chat_id: int) -> list[str]:
    """The chat's towns, oldest first."""
    async with conn.execute(
        "SELECT place_id FROM place_subscriptions WHERE chat_id = ? ORDER BY created_at, place_id",
        (chat_id,),
    ) as cur:
        return [str(r[0]) for r in await cur.fetchall()]


async def place_subscribers(
    conn: aiosqlite.Connection, places: Iterable[str]
) -> dict[int, set[str]]:
    """Active chats subscribed to any of these towns: chat -> its towns among them."""
    wanted = list(set(places))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    found: dict[int, set[str]] = {}
    async with conn.execute(
        f"SELECT p.chat_id, p.place_id FROM place_subscriptions p JOIN chats c "
        f"ON c.id = p.chat_id WHERE c.active = 1 AND p.place_id IN ({marks})",
        wanted,
    ) as cur:
        for chat_id, place_id in await cur.fetchall():
            found.setdefault(int(chat_id), set()).add(str(place_id))
    return found
