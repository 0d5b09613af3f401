"""One poll of one source, from the network to the outbox:

    due sources | fetch (conditional GET) | parse | normalize | store (dedup: only new rows)
        | match (regions + watch terms) | subscribers | outbox (what each alert says; it is
        rendered when the sender reads the row)

Everything after the fetch lands in one SQLite transaction with the source's new
ETag/Last-Modified: a crash at any point loses no item and saves no ETag without its items.
A source's first successful poll stores its backlog without alerting; only later items alert.
At start-up a poll with items awaits `matching_ready` (every watch query loaded) before that
transaction, so no item is matched against part of the watch queries.
A failing source yields an outcome with its error and the run goes on.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import aiosqlite

from bot.clock import Clock
from bot.config import DeliverySettings, PollingSettings
from bot.delivery.enqueue import enqueue_alerts
from bot.errors import FeedError
from bot.i18n import t
from bot.matching.item_matcher import ItemMatcher
from bot.models import FetchResult, Item, Mention, Source
from bot.sources.normalize import normalize
from bot.sources.parse import parse_feed
from bot.sources.schedule import Bounds, adapt_interval, backoff_delay, feed_ttl, success_delay
from bot.store import chats, items, outbox, sources
from bot.store.db import Database
from bot.store.sources import SourceState
from bot.store.stories import StoryPool, history_size

log = logging.getLogger(__name__)


class Fetcher(Protocol):
    """The port to the network (bot.sources.fetch.Fetcher in production)."""

    async def fetch(
        self, source: Source, *, etag: str | None, last_modified: str | None
    ) -> FetchResult: ...


@dataclass(frozen=True, slots=True)
class PollOutcome:
    source: str
    status: int
    new_items: int = 0
    alerts: int = 0
    error: str | None = None
    matched: list[tuple[Item, list[Mention]]] = field(default_factory=list)


def schedule_bounds(polling: PollingSettings) -> Bounds:
    """The limits bot.sources.schedule works within (it decides every next_check_at)."""
    return Bounds(polling.min_interval, polling.max_interval, polling.max_retry_after)


def freshness_hint(result: FetchResult, ttl: float | None) -> float | None:
    """The longest of the server's Cache-Control/Expires and the feed's own <ttl>."""
    hints = [h for h in (result.max_age, ttl) if h is not None]
    return max(hints) if hints else None


class Pipeline:
    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        matcher: ItemMatcher,
        clock: Clock,
        polling: PollingSettings,
        region_name: Callable[[str, str], str],
        *,
        operators: tuple[int, ...] = (),
        delivery: DeliverySettings | None = None,
        matching_ready: asyncio.Future[None] | None = None,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.matcher = matcher
        self.clock = clock
        self.polling = polling
        self.region_name = region_name
        self.operators = operators  # told when a source is paused
        self.delivery = delivery or DeliverySettings()  # stories, edits, mute buttons
        # recent items' story terms, read incrementally
        self.story_pool = StoryPool(self.delivery.story_pool_items)
        self.matching_ready = matching_ready  # every watch query loaded (bot.watch_loading)
        self._bounds = schedule_bounds(polling)
        self._concurrency = polling.concurrency
        self._semaphore = asyncio.Semaphore(polling.concurrency)  # shared by every poll

    async def poll_due(self, only: frozenset[str] | None = None) -> list[PollOutcome]:
        due = await sources.due_sources(self.db.conn, self.clock.now().timestamp(), only)
        return await self._poll_each(due)

    async def poll_all(self) -> list[PollOutcome]:
        states = await sources.all_sources(self.db.conn, include_paused=False)
        return await self._poll_each(states)

    async def _poll_each(self, states: list[SourceState]) -> list[PollOutcome]:
        """Every source polled, at most `concurrency` at a time, outcomes in `states`' order.

        As many workers as may fetch at once take the next source in turn: not a task per
        source, since 10,000 tasks waiting their turn cost megabytes and one long loop step
        to create."""
        outcomes: list[PollOutcome | None] = [None] * len(states)
        turns = iter(enumerate(states))  # shared: each worker takes the next one

        async def worker() -> None:
            for position, state in turns:
                outcomes[position] = await self._poll_limited(state)

        await asyncio.gather(*(worker() for _ in range(min(self._concurrency, len(states)))))
        return [outcome for outcome in outcomes if outcome is not None]

    async def _poll_limited(self, state: SourceState) -> PollOutcome:
        async with self._semaphore:
            return await self.poll(state)

    async def poll(self, state: SourceState) -> PollOutcome:
        source = state.source
        result = await self.fetcher.fetch(
            source, etag=state.etag, last_modified=state.last_modified
        )
        now = self.clock.now()
        ts = now.timestamp()
        if result.not_modified:
            adaptive = adapt_interval(state.adaptive_interval, source.interval, 0, self._bounds)
            hint = freshness_hint(result, state.feed_ttl)
            async with self.db.write() as conn:
                await sources.record_not_modified(
                    conn,
                    source.name,
                    now=ts,
                    next_check_at=ts + success_delay(adaptive, source.interval, hint, self._bounds),
                    adaptive_interval=adaptive,
                    url=result.permanent_url,
                )
            log.info("source=%s status=304 new=0 alerts=0", source.name)
            return PollOutcome(source.name, 304)
        error = result.error
        entries = []
        if error is None:
            try:
                entries = parse_feed(result.body, url=source.url, kind=source.kind, now=now)
            except FeedError as exc:
                error = f"not a readable feed: {exc}"
        if error is not None:
            failures = state.failures + 1
            pause = failures >= self.polling.pause_after_failures
            delay = backoff_delay(source.interval, failures, result.retry_after, self._bounds)
            async with self.db.write() as conn:
                since = await sources.record_failure(
                    conn,
                    source.name,
                    now=ts,
                    next_check_at=ts + delay,
                    error=error,
                    status=result.status,
                    pause=pause,
                )
                if pause:
                    await self._tell_operators(conn, source, failures, error, since, ts)
            log.warning(
                "source=%s status=%d error=%r failures=%d paused=%s",
                source.name,
                result.status,
                error,
                failures,
                pause,
            )
            return PollOutcome(source.name, result.status, error=error)

        parsed = [normalize(entry, source, now) for entry in entries]
        if self.matching_ready is not None:
            await self.matching_ready
        async with self.db.write() as conn:
            new = await items.insert_new_items(conn, parsed, ts)
            matched, alert_count = await self._enqueue_alerts(
                conn, source, new, state.primed, ts, history_size(len(parsed))
            )
            # A first poll's backlog says nothing about how busy the source is.
            learned = (
                adapt_interval(state.adaptive_interval, source.interval, len(new), self._bounds)
                if state.primed
                else None
            )
            ttl = feed_ttl(result.body)
            delay = success_delay(
                learned or source.interval,
                source.interval,
                freshness_hint(result, ttl),
                self._bounds,
            )
            await sources.record_success(
                conn,
                source.name,
                now=ts,
                next_check_at=ts + delay,
                etag=result.etag,
                last_modified=result.last_modified,
                new_items=len(new),
                status=result.status,
                adaptive_interval=learned,
                feed_ttl=ttl,
                url=result.permanent_url,
            )
        self.story_pool.committed()  # no await since the COMMIT: no other poll has begun
        log.info(
            "source=%s status=%d new=%d matched=%d alerts=%d primed=%s",
            source.name,
            result.status,
            len(new),
            len(matched),
            alert_count,
            state.primed,
        )
        return PollOutcome(source.name, result.status, len(new), alert_count, matched=matched)

    async def _enqueue_alerts(
        self,
        conn: aiosqlite.Connection,
        source: Source,
        new: list[tuple[int, Item]],
        primed: bool,
        now: float,
        history: int,
    ) -> tuple[list[tuple[Item, list[Mention]]], int]:
        """Stories, then one alert per (chat, story); see bot.delivery.enqueue."""
        done = await enqueue_alerts(
            conn,
            source=source,
            new=new,
            primed=primed,
            now=now,
            matcher=self.matcher.found_in([item for _, item in new]),  # the whole batch at once
            region_name=self.region_name,
            settings=self.delivery,
            story_pool=self.story_pool,
            history=history,
        )
        return done.matched, done.alerts + done.edits

    async def _tell_operators(
        self,
        conn: aiosqlite.Connection,
        source: Source,
        failures: int,
        error: str,
        failing_since: float,
        now: float,
    ) -> None:
        """Queue one message per operator; the dedup key makes it once per run of failures."""
        for operator in self.operators:
            if await chats.chat_settings(conn, operator) is None:
                await chats.ensure_chat(
                    conn, operator, chat_type="private", title=None, language="en", now=now
                )
            lang = await chats.chat_language(conn, operator)
            text = t(
                lang,
                "operator_source_paused",
                name=html.escape(source.name),
                failures=failures,
                error=html.escape(error),
            )
            await outbox.enqueue(
                conn,
                chat_id=operator,
                item_id=None,
                dedup_key=f"source-paused:{source.name}:{failing_since:.0f}",
                text=text,
                now=now,
            )
