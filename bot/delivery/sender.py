"""The outbox sender: claims due rows, paces them within Telegram's limits, records results.

Pacing happens before sending: at most `global_rate` messages a second overall and one
message per `per_chat_interval` seconds to any one chat. Telegram's answers decide a row's fate:

    sent                       -> sent
    429 RetryAfter             -> that chat waits retry_after (stored: a restart honours it)
    403 Forbidden              -> the chat is deactivated; its rows stop
    ChatMigrated               -> the chat's settings and rows move to the new id, resent there
    400 BadRequest             -> failed, recorded, not retried
    timeout                    -> retried, marked as a possible repeat
    network error, 5xx, other  -> retried with exponential backoff, failed after max_attempts
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError, TimedOut

from bot.clock import Clock
from bot.config import DeliverySettings
from bot.delivery.render import mark_repeat
from bot.store import chats, outbox
from bot.store.db import Database
from bot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

SendMessage = Callable[[int, str], Awaitable[int]]  # (chat_id, html) -> message_id
CLAIM_BATCH = 100


class RateLimiter:
    """Spaces events at least `1/rate` seconds apart (monotonic time)."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
                now = self._next
            self._next = now + self._gap


class Sender:
    def __init__(
        self, db: Database, send: SendMessage, clock: Clock, settings: DeliverySettings
    ) -> None:
        self.db = db
        self.send = send
        self.clock = clock
        self.settings = settings
        self.wakeup = asyncio.Event()
        self._global = RateLimiter(settings.global_rate)
        self._last_sent: dict[int, float] = {}  # chat -> monotonic time of its last send

    async def recover(self) -> None:
        async with self.db.write() as conn:
            count = await outbox.recover_in_flight(conn)
        if count:
            log.warning("event=outbox_recovered rows=%d possible_repeats=%d", count, count)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; wake early when the pipeline pokes `wakeup`."""
        while not stop.is_set():
            sent = await self.deliver_due()
            if sent:
                continue
            self.wakeup.clear()
            next_due = await outbox.next_due_at(self.db.conn)
            idle = self.settings.idle_seconds
            if next_due is not None:
                idle = max(0.05, min(idle, next_due - self.clock.now().timestamp()))
            stopper = asyncio.ensure_future(stop.wait())
            waker = asyncio.ensure_future(self.wakeup.wait())
            await asyncio.wait({stopper, waker}, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            waker.cancel()

    async def deliver_due(self) -> int:
        """One pass over the due rows; returns how many were attempted."""
        async with self.db.write() as conn:
            rows = await outbox.claim_due(conn, self.clock.now().timestamp(), CLAIM_BATCH)
        if not rows:
            return 0
        # claim_due takes at most one row per chat, so chats proceed side by side.
        await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _pace(self, chat_id: int) -> None:
        last = self._last_sent.get(chat_id)
        if last is not None:
            wait = last + self.settings.per_chat_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        await self._global.wait()
        self._last_sent[chat_id] = time.monotonic()

    async def _deliver(self, row: OutboxRow) -> str:
        text = row.text
        if row.possible_repeat:
            text = mark_repeat(text, await chats.chat_language(self.db.conn, row.chat_id))
        await self._pace(row.chat_id)
        now = self.clock.now().timestamp()
        try:
            message_id = await self.send(row.chat_id, text)
        except RetryAfter as exc:
            wait = _retry_after_seconds(exc)
            async with self.db.write() as conn:
                await outbox.retry_later(conn, row.id, not_before=now + wait, error="429")
                await outbox.delay_chat(conn, row.chat_id, now + wait)
            log.warning("event=flood_wait chat=%d retry_after=%.0f", row.chat_id, wait)
            return "waiting"
        except Forbidden as exc:
            async with self.db.write() as conn:
                await chats.deactivate_chat(conn, row.chat_id)
                await outbox.mark_failed(conn, row.id, error=f"403: {exc.message}")
            log.warning("event=chat_deactivated chat=%d reason=%r", row.chat_id, exc.message)
            return "gone"
        except ChatMigrated as exc:
            async with self.db.write() as conn:
                await chats.migrate_chat(conn, row.chat_id, exc.new_chat_id)
                await outbox.retry_later(conn, row.id, not_before=now, error="chat migrated")
            log.warning("event=chat_migrated chat=%d new_chat=%d", row.chat_id, exc.new_chat_id)
            return "moved"
        except BadRequest as exc:
            async with self.db.write() as conn:
                await outbox.mark_failed(conn, row.id, error=f"400: {exc.message}")
            log.error("event=send_rejected outbox=%d chat=%d error=%r", row.id, row.chat_id, exc)
            return "failed"
        except TimedOut:
            await self._retry(row, now, "timeout", possible_repeat=True)
            return "retry"
        except TelegramError as exc:  # NetworkError, 5xx and the rest
            await self._retry(row, now, f"{type(exc).__name__}: {exc.message}")
            return "retry"
        async with self.db.write() as conn:
            await outbox.mark_sent(conn, row.id, message_id=message_id, now=now)
        log.info("event=sent outbox=%d chat=%d message=%d", row.id, row.chat_id, message_id)
        return "sent"

    async def _retry(
        self, row: OutboxRow, now: float, error: str, *, possible_repeat: bool = False
    ) -> None:
        async with self.db.write() as conn:
            if row.attempts >= self.settings.max_attempts:
                await outbox.mark_failed(conn, row.id, error=f"gave up: {error}")
                log.error("event=send_gave_up outbox=%d chat=%d", row.id, row.chat_id)
                return
            backoff = min(2.0**row.attempts, 300.0)
            await outbox.retry_later(
                conn, row.id, not_before=now + backoff, error=error, possible_repeat=possible_repeat
            )
            # Hold the whole chat, so its messages keep their order.
            await outbox.delay_chat(conn, row.chat_id, now + backoff)
        log.warning("event=send_retry outbox=%d chat=%d error=%r", row.id, row.chat_id, error)


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after becomes a timedelta; accept either.
        warnings.simplefilter("ignore")
        value: object = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]
