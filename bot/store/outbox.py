"""The outbox: messages owed to chats, written in the same transaction as the items behind them.

A row goes pending -> sending -> sent, or back to pending with a later `not_before` (retry),
or to failed (given up, with the error). A row left in `sending` by a crash is returned to
pending with `possible_repeat` set, since Telegram may or may not have received it.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    chat_id: int
    text: str
    attempts: int
    possible_repeat: bool


async def enqueue(
    conn: aiosqlite.Connection,
    *,
    chat_id: int,
    item_id: int | None,
    dedup_key: str,
    text: str,
    now: float,
) -> bool:
    """Queue a message; False when this chat already has one with the same dedup key."""
    cur = await conn.execute(
        """
        INSERT INTO outbox (chat_id, item_id, dedup_key, text, created_at)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, dedup_key) DO NOTHING
        """,
        (chat_id, item_id, dedup_key, text, now),
    )
    return cur.rowcount > 0


async def recover_in_flight(conn: aiosqlite.Connection) -> int:
    """After a restart: sends that were in flight may have arrived; resend them, marked."""
    cur = await conn.execute(
        "UPDATE outbox SET state = 'pending', possible_repeat = 1 WHERE state = 'sending'"
    )
    return cur.rowcount


async def claim_due(conn: aiosqlite.Connection, now: float, limit: int) -> list[OutboxRow]:
    """Mark the oldest due row of up to `limit` active chats as sending and return them.

    One row per chat: a chat's messages go out in order, one at a time.
    """
    async with conn.execute(
        """
        UPDATE outbox SET state = 'sending', attempts = attempts + 1
        WHERE id IN (
            SELECT min(o.id) FROM outbox o JOIN chats c ON c.id = o.chat_id
            WHERE o.state = 'pending' AND o.not_before <= ?1 AND c.active = 1
                AND c.send_after <= ?1
            GROUP BY o.chat_id ORDER BY min(o.id) LIMIT ?2
        )
        RETURNING id, chat_id, text, attempts, possible_repeat
        """,
        (now, limit),
    ) as cur:
        rows = await cur.fetchall()
    claimed = [OutboxRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]
    return sorted(claimed, key=lambda r: r.id)


async def mark_sent(
    conn: aiosqlite.Connection, row_id: int, *, message_id: int, now: float
) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?, last_error = NULL "
        "WHERE id = ?",
        (now, message_id, row_id),
    )


async def retry_later(
    conn: aiosqlite.Connection,
    row_id: int,
    *,
    not_before: float,
    error: str,
    possible_repeat: bool = False,
) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ?, "
        "possible_repeat = max(possible_repeat, ?) WHERE id = ?",
        (not_before, error, int(possible_repeat), row_id),
    )


async def mark_failed(conn: aiosqlite.Connection, row_id: int, *, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (error, row_id)
    )


async def delay_chat(conn: aiosqlite.Connection, chat_id: int, not_before: float) -> None:
    """Flood control for one chat: nothing goes to it before `not_before`, across restarts."""
    await conn.execute(
        "UPDATE chats SET send_after = max(send_after, ?) WHERE id = ?", (not_before, chat_id)
    )


async def pending_count(conn: aiosqlite.Connection) -> int:
    async with conn.execute(
        "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def next_due_at(conn: aiosqlite.Connection) -> float | None:
    async with conn.execute(
        "SELECT min(max(o.not_before, c.send_after)) FROM outbox o "
        "JOIN chats c ON c.id = o.chat_id WHERE o.state = 'pending' AND c.active = 1"
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row and row[0] is not None else None
