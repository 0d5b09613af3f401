"""The digest scheduler: on each tick (and at start-up) every chat whose digest period is due
gets that period's digest enqueued in the outbox, once.

    chats with a digest | due_period (bot.digest; from chats.digest_last_period, so a bot that
        was down at digest time catches up when it comes back, with the latest period only)
        | matched stories since the previous digest (bot.store.digests) | render_digest
        | outbox rows + digest_last_period, one transaction per chat

Nothing here relies on a scheduler's misfire handling: the database says what was sent, the
clock says what is due. The sender delivers the rows like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import aiosqlite

from bot.clock import Clock
from bot.digest import Schedule, due_period, render_digest
from bot.store import chats
from bot.store import digests as digest_store
from bot.store.db import Database
from bot.store.digests import DigestChat

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
RegionName = Callable[[str, str], str]  # (code or place id, language) -> name


async def compose(
    conn: aiosqlite.Connection,
    chat: DigestChat,
    schedule: Schedule,
    *,
    until: float,
    due_at: float,
    region_name: RegionName,
) -> tuple[float, list[str]]:
    """(since, messages) of the chat's digest: what matched since the previous digest, or
    since one span (a day, a week) before the scheduled moment."""
    since = due_at - schedule.span
    if chat.covered_until is not None:
        since = max(since, min(chat.covered_until, until))
    settings = await chats.chat_settings(conn, chat.chat_id)
    regions = list(settings.regions if settings else ())
    regions += await digest_store.chat_places(conn, chat.chat_id)
    terms = list(settings.watch_terms if settings else ())
    stories = await digest_store.matched_stories(conn, chat.chat_id, since, until)

    def names(code: str) -> str:
        return region_name(code, chat.language)

    messages = render_digest(
        stories,
        regions=regions,
        terms=terms,
        lang=chat.language,
        zone_name=chat.timezone,
        since=since,
        weekly=schedule.weekday is not None,
        region_name=names,
    )
    return since, messages


class DigestScheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        region_name: RegionName,
        *,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.region_name = region_name
        self.wakeup = wakeup  # the sender's, poked when digests were queued

    async def tick(self) -> int:
        """Enqueue every due digest; returns how many chats got one."""
        now = self.clock.now()
        due = []
        for chat in await digest_store.scheduled_chats(self.db.conn):
            assert chat.schedule is not None
            schedule = chat.schedule
            if due_period(now, chat.timezone, schedule.at, schedule.weekday, chat.last_period):
                due.append(chat.chat_id)
        sent = 0
        for chat_id in due:
            async with self.db.write() as conn:
                # Read again inside the transaction: another tick may have just done it.
                current = await digest_store.digest_chat(conn, chat_id)
                if current is None or current.schedule is None:
                    continue
                schedule = current.schedule
                period = due_period(
                    now, current.timezone, schedule.at, schedule.weekday, current.last_period
                )
                if period is None:
                    continue
                stamp = now.timestamp()
                _, texts = await compose(
                    conn,
                    current,
                    schedule,
                    until=stamp,
                    due_at=period.due_at.timestamp(),
                    region_name=self.region_name,
                )
                rows = await digest_store.enqueue_digest(
                    conn, chat_id=chat_id, period=period.key, texts=texts, now=stamp
                )
            sent += 1
            log.info(
                "event=digest_queued chat=%d period=%s messages=%d late=%.0f",
                chat_id,
                period.key,
                rows,
                stamp - period.due_at.timestamp(),
            )
        if sent and self.wakeup is not None:
            self.wakeup.set()
        return sent

    async def run(self, stop: asyncio.Event, tick_seconds: float = TICK_SECONDS) -> None:
        """Tick at once (catching up after downtime), then every `tick_seconds` until `stop`."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("event=digest_loop_error")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick_seconds)
