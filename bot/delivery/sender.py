"""The outbox sender: claims due rows, paces them within Telegram's limits, records results.

    claim the oldest due row of each ready chat
        | chat prefs at send time (bot.delivery.fold.decide: skip muted, hold quiet hours)
        | fold the chat's other due alerts into the same message (<= 4096 UTF-16 units), or,
          at the hourly cap, sum them up in one message
        | pace | send (or edit, for "also reported by") | record

Pacing happens before sending: at most `global_rate` messages a second overall (a strict
pacer: consecutive sends are never closer than 1/global_rate), one message per
`per_chat_interval` seconds to any one chat (after an alert a chat waits `fold_seconds`, so a
burst folds), and `group_per_minute` to a group or channel (chat id < 0). A chat's wait is
stored in `chats.send_after`, so a restart keeps it. Telegram's answers decide the rows' fate:

    sent                       -> sent (folded rows: sent, folded_into the carrier)
    429 RetryAfter             -> that chat waits retry_after (stored: a restart honours it)
    403 Forbidden              -> the chat is deactivated; its rows stop
    ChatMigrated               -> the chat's settings and rows move to the new id, resent there
    400 BadRequest             -> failed, recorded, not retried ("not modified" edits: done)
    timeout                    -> retried, marked as a possible repeat
    network error, 5xx, other  -> retried with exponential backoff, failed after max_attempts
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, Protocol

import aiosqlite
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError, TimedOut

from bot.clock import Clock
from bot.config import DeliverySettings
from bot.delivery import fold
from bot.delivery.render import MAX_MESSAGE_UNITS, mark_repeat, utf16_len
from bot.store import chats, outbox
from bot.store.chat_prefs import delivery_prefs
from bot.store.db import Database
from bot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
CLAIM_BATCH = 100
CATCH_UP = 5  # missed pacer slots made up after a late wake-up (Telegram tolerates a burst)
HOUR = 3600.0
REPEAT_ROOM = 64  # UTF-16 units kept free for "(possible repeat)"
NOT_EDITABLE = 999  # `edits` of a summary message: it lists titles, "also" has no place in it


class Telegram(Protocol):
    """The port to the Bot API (Lookout wires python-telegram-bot behind it)."""

    async def send(
        self, chat_id: int, text: str, *, reply_markup: JsonDict | None, thread_id: int | None
    ) -> int: ...

    async def edit(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: JsonDict | None
    ) -> None: ...


PrefsReader = Callable[[aiosqlite.Connection, int, float], Awaitable[fold.Prefs | None]]


class RateLimiter:
    """Spaces events `1/rate` seconds apart on a monotonic schedule."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            # From the scheduled slot, not the (slightly late) wake-up, so the rate holds
            # exactly under load; at most CATCH_UP slots are made up, so no real burst builds.
            start = max(self._next, now - CATCH_UP * self._gap)
            while self._next > now:
                await asyncio.sleep(self._next - now)
                now = time.monotonic()
            self._next = start + self._gap


class Sender:
    def __init__(
        self,
        db: Database,
        telegram: Telegram,
        clock: Clock,
        settings: DeliverySettings,
        *,
        prefs: PrefsReader | None = delivery_prefs,
    ) -> None:
        self.db = db
        self.telegram = telegram
        self.clock = clock
        self.settings = settings
        self.prefs = prefs
        self.wakeup = asyncio.Event()
        self._global = RateLimiter(settings.global_rate)

    async def recover(self) -> None:
        async with self.db.write() as conn:
            count, marked = await outbox.recover_in_flight(conn)
        if count:
            log.warning("event=outbox_recovered rows=%d possible_repeats=%d", count, marked)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; wake early when the pipeline pokes `wakeup`.

        Up to CLAIM_BATCH chats are in flight; more are claimed as soon as half of them are
        done, so the global pacer never waits for a batch to drain.
        """
        in_flight: dict[asyncio.Task[str], int] = {}
        while not stop.is_set():
            self.wakeup.clear()
            if len(in_flight) <= CLAIM_BATCH // 2:
                async with self.db.write() as conn:
                    rows = await outbox.claim_due(
                        conn, self._now(), CLAIM_BATCH - len(in_flight), in_flight.values()
                    )
                for row in rows:
                    in_flight[asyncio.create_task(self._deliver(row))] = row.chat_id
            idle = self.settings.idle_seconds
            if not in_flight:
                next_due = await outbox.next_due_at(self.db.conn)
                if next_due is not None:
                    idle = max(0.01, min(idle, next_due - self._now()))
            stopper = asyncio.ensure_future(stop.wait())
            waker = asyncio.ensure_future(self.wakeup.wait())
            done, _ = await asyncio.wait(
                {stopper, waker, *in_flight}, timeout=idle, return_when=asyncio.FIRST_COMPLETED
            )
            stopper.cancel()
            waker.cancel()
            for task in [task for task in in_flight if task in done]:
                del in_flight[task]
                _log_failure(task)
        # A send in flight finishes and is recorded, so a clean stop causes no repeat.
        if in_flight:
            await asyncio.wait(in_flight)
            for task in in_flight:
                _log_failure(task)

    def _now(self) -> float:
        return self.clock.now().timestamp()

    async def deliver_due(self) -> int:
        """One pass over the due rows; returns how many chats were attempted."""
        async with self.db.write() as conn:
            rows = await outbox.claim_due(conn, self._now(), CLAIM_BATCH)
        if not rows:
            return 0
        # claim_due takes at most one row per chat, so chats proceed side by side.
        await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, head: OutboxRow) -> str:
        if head.kind == "edit":
            return await self._deliver_edit(head)
        now = self._now()
        chat_id = head.chat_id
        rows = [head]
        async with self.db.write() as conn:
            # A digest goes out as it is; alerts are folded only into an alert.
            if self.settings.fold_seconds > 0 and head.kind == "send":
                rows += await outbox.claim_followers(conn, head, now)
            prefs = await self.prefs(conn, chat_id, now) if self.prefs else None
            lang = await chats.chat_language(conn, chat_id)
            keep = await self._apply_prefs(conn, rows, prefs, now)
            if not keep:
                return "skipped"
            times = await outbox.sent_times(conn, chat_id, now - HOUR)
            cap = self.settings.hourly_cap
            if cap > 0 and len(times) >= cap:
                until = times[-cap] + HOUR
                for row in keep:
                    await outbox.release(conn, row.id, not_before=until, reason="hourly cap")
                return "held"
            summary = cap > 0 and len(times) == cap - 1 and len(keep) > 1
            if summary:
                titles = await outbox.item_titles(conn, [r.item_id for r in keep if r.item_id])
                text = fold.flood_summary([titles.get(r.item_id or 0, "—") for r in keep], lang)
                carried, markup = keep, None
            else:
                texts = [fold.alert_text(row, lang) for row in keep]
                count = fold.fits(texts, MAX_MESSAGE_UNITS - REPEAT_ROOM)
                carried = keep[:count]
                for row in keep[count:]:
                    await outbox.release(conn, row.id, not_before=0)
                text = fold.fold(texts[:count])
                markup = fold.merge_keyboards([row.reply_markup for row in carried])
        if any(row.possible_repeat for row in carried):
            text = mark_repeat(text, lang)
        thread_id = prefs.thread_id if prefs is not None else None
        await self._global.wait()
        now = self._now()
        async with self.db.write() as conn:
            await outbox.mark_handed(conn, [row.id for row in carried], now)
        try:
            message_id = await self.telegram.send(
                chat_id, text, reply_markup=markup, thread_id=thread_id
            )
        except TelegramError as exc:
            return await self._failed(carried, exc, self._now())
        async with self.db.write() as conn:
            await outbox.mark_sent(
                conn,
                carried[0].id,
                message_id=message_id,
                now=now,
                folded=tuple(r.id for r in carried[1:]),
            )
            if summary:
                await outbox.count_edit(conn, carried[0].id, NOT_EDITABLE)
            await self._pace_chat(conn, chat_id, now)
        log.info(
            "event=sent outbox=%d chat=%d message=%d alerts=%d summary=%s",
            carried[0].id,
            chat_id,
            message_id,
            len(carried),
            summary,
        )
        return "sent"

    async def _apply_prefs(
        self,
        conn: aiosqlite.Connection,
        rows: Sequence[OutboxRow],
        prefs: fold.Prefs | None,
        now: float,
    ) -> list[OutboxRow]:
        keep = []
        for row in rows:
            decision = fold.decide(row, prefs, now)
            if decision.action == "skip":
                await outbox.mark_skipped(conn, row.id, reason=decision.reason)
                log.info("event=skipped outbox=%d chat=%d reason=%r", row.id, row.chat_id,
                         decision.reason)  # fmt: skip
            elif decision.action == "hold":
                await outbox.release(conn, row.id, not_before=decision.until, reason="quiet hours")
            else:
                keep.append(row)
        return keep

    async def _pace_chat(self, conn: aiosqlite.Connection, chat_id: int, now: float) -> None:
        """The chat's next send: a second later (or `fold_seconds`), and for groups within
        `group_per_minute`."""
        wait = max(self.settings.per_chat_interval, self.settings.fold_seconds)
        not_before = now + wait
        limit = self.settings.group_per_minute
        if chat_id < 0 and limit > 0:
            recent = await outbox.sent_times(conn, chat_id, now - 60.0)
            if len(recent) >= limit:
                not_before = max(not_before, recent[-limit] + 60.0)
        if not_before > now:
            await outbox.delay_chat(conn, chat_id, not_before)

    async def _deliver_edit(self, row: OutboxRow) -> str:
        now = self._now()
        assert row.target_id is not None
        async with self.db.write() as conn:
            state, message_id = await outbox.message_of(conn, row.target_id)
            if state in ("pending", "sending"):
                await outbox.release(conn, row.id, not_before=now + 1.0)
                return "waiting"
            carried = await outbox.carried_rows(conn, row.target_id)
            lang = await chats.chat_language(conn, row.chat_id)
            text = fold.fold([fold.alert_text(r, lang) for r in carried])
            if state != "sent" or message_id is None or utf16_len(text) > MAX_MESSAGE_UNITS:
                await outbox.mark_skipped(conn, row.id, reason=f"nothing to edit ({state})")
                return "skipped"
        markup = fold.merge_keyboards([r.reply_markup for r in carried])
        await self._global.wait()
        now = self._now()
        async with self.db.write() as conn:
            await outbox.mark_handed(conn, [row.id], now)
        try:
            await self.telegram.edit(row.chat_id, message_id, text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                return await self._failed([row], exc, self._now())
        except TelegramError as exc:
            return await self._failed([row], exc, self._now())
        async with self.db.write() as conn:
            await outbox.mark_sent(conn, row.id, message_id=message_id, now=now)
            await outbox.count_edit(conn, row.target_id)
        log.info("event=edited outbox=%d chat=%d message=%d", row.id, row.chat_id, message_id)
        return "edited"

    async def _failed(self, rows: Sequence[OutboxRow], exc: TelegramError, now: float) -> str:
        chat_id = rows[0].chat_id
        ids = [row.id for row in rows]
        if isinstance(exc, RetryAfter):
            wait = _retry_after_seconds(exc)
            async with self.db.write() as conn:
                for row_id in ids:
                    await outbox.retry_later(conn, row_id, not_before=now + wait, error="429")
                await outbox.delay_chat(conn, chat_id, now + wait)
            log.warning("event=flood_wait chat=%d retry_after=%.0f", chat_id, wait)
            return "waiting"
        if isinstance(exc, Forbidden):
            async with self.db.write() as conn:
                await chats.deactivate_chat(conn, chat_id)
                for row_id in ids:
                    await outbox.mark_failed(conn, row_id, error=f"403: {exc.message}")
            log.warning("event=chat_deactivated chat=%d reason=%r", chat_id, exc.message)
            return "gone"
        if isinstance(exc, ChatMigrated):
            async with self.db.write() as conn:
                await chats.migrate_chat(conn, chat_id, exc.new_chat_id)
                for row_id in ids:
                    await outbox.retry_later(conn, row_id, not_before=now, error="chat migrated")
            log.warning("event=chat_migrated chat=%d new_chat=%d", chat_id, exc.new_chat_id)
            return "moved"
        if isinstance(exc, BadRequest):
            async with self.db.write() as conn:
                for row_id in ids:
                    await outbox.mark_failed(conn, row_id, error=f"400: {exc.message}")
            log.error("event=send_rejected outbox=%s chat=%d error=%r", ids, chat_id, exc)
            return "failed"
        repeat = isinstance(exc, TimedOut)
        error = "timeout" if repeat else f"{type(exc).__name__}: {exc.message}"
        attempts = rows[0].attempts
        async with self.db.write() as conn:
            if attempts >= self.settings.max_attempts:
                for row_id in ids:
                    await outbox.mark_failed(conn, row_id, error=f"gave up: {error}")
                log.error("event=send_gave_up outbox=%s chat=%d", ids, chat_id)
                return "failed"
            backoff = min(2.0**attempts, 300.0)
            for row_id in ids:
                await outbox.retry_later(
                    conn, row_id, not_before=now + backoff, error=error, possible_repeat=repeat
                )
            # Hold the whole chat, so its messages keep their order.
            await outbox.delay_chat(conn, chat_id, now + backoff)
        log.warning("event=send_retry outbox=%s chat=%d error=%r", ids, chat_id, error)
        return "retry"


def _log_failure(task: asyncio.Task[str]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("event=deliver_error", exc_info=task.exception())


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after becomes a timedelta; accept either.
        warnings.simplefilter("ignore")
        value: object = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]
