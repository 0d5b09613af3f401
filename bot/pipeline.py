"""One poll of one source, from the network to the outbox:

    due sources | fetch (conditional GET) | parse | normalize | store (dedup: only new rows)
        | match (regions + watch terms) | subscribers | render | outbox

Everything after the fetch lands in one SQLite transaction with the source's new
ETag/Last-Modified: a crash at any point loses no item and saves no ETag without its items.
A source's first successful poll stores its backlog without alerting; only later items alert.
A failing source yields an outcome with its error and the run goes on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import aiosqlite

from bot.clock import Clock
from bot.config import PollingSettings
from bot.delivery.render import render_alert
from bot.errors import FeedError
from bot.matching.item_matcher import ItemMatcher
from bot.models import Alert, FetchResult, Item, Mention, Source
from bot.sources.normalize import normalize
from bot.sources.parse import parse_feed
from bot.store import chats, items, outbox, sources
from bot.store.db import Database
from bot.store.sources import SourceState

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


def next_check_at(source: Source, now: float, failures: int, polling: PollingSettings) -> float:
    """When to poll again: the source's interval within bounds, backing off on failures."""
    interval = min(max(source.interval, polling.min_interval), polling.max_interval)
    if failures:
        interval = min(interval * 2 ** min(failures, 10), polling.max_interval * 4)
    return now + interval


def alerts_for(
    item_id: int,
    item: Item,
    mentions: list[Mention],
    interested: dict[int, tuple[set[str], set[str]]],
    source_title: str,
) -> list[Alert]:
    """One alert per interested chat, saying which of its regions and terms matched."""
    return [
        Alert(
            chat_id=chat_id,
            item_id=item_id,
            source_title=source_title,
            item=item,
            regions=tuple(sorted(regions)),
            terms=tuple(sorted(terms)),
            mentions=tuple(mentions),
        )
        for chat_id, (regions, terms) in sorted(interested.items())
    ]


class Pipeline:
    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        matcher: ItemMatcher,
        clock: Clock,
        polling: PollingSettings,
        region_name: Callable[[str, str], str],
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.matcher = matcher
        self.clock = clock
        self.polling = polling
        self.region_name = region_name
        self._semaphore = asyncio.Semaphore(polling.concurrency)

    async def poll_due(self, only: frozenset[str] | None = None) -> list[PollOutcome]:
        due = await sources.due_sources(self.db.conn, self.clock.now().timestamp(), only)
        return list(await asyncio.gather(*(self._poll_limited(state) for state in due)))

    async def poll_all(self) -> list[PollOutcome]:
        states = await sources.all_sources(self.db.conn)
        return list(await asyncio.gather(*(self._poll_limited(state) for state in states)))

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
            async with self.db.write() as conn:
                await sources.record_not_modified(
                    conn, source.name, now=ts, next_check_at=self._next(source, ts, 0)
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
            async with self.db.write() as conn:
                await sources.record_failure(
                    conn,
                    source.name,
                    now=ts,
                    next_check_at=self._next(source, ts, state.failures + 1),
                    error=error,
                )
            log.warning("source=%s status=%d error=%r", source.name, result.status, error)
            return PollOutcome(source.name, result.status, error=error)

        parsed = [normalize(entry, source, now) for entry in entries]
        async with self.db.write() as conn:
            new = await items.insert_new_items(conn, parsed, ts)
            matched, alert_count = await self._enqueue_alerts(conn, source, new, state.primed, ts)
            await sources.record_success(
                conn,
                source.name,
                now=ts,
                next_check_at=self._next(source, ts, 0),
                etag=result.etag,
                last_modified=result.last_modified,
                new_items=len(new),
            )
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
    ) -> tuple[list[tuple[Item, list[Mention]]], int]:
        matched: list[tuple[Item, list[Mention]]] = []
        count = 0
        for item_id, item in new:
            mentions = self.matcher.find(item)
            if not mentions:
                continue
            matched.append((item, mentions))
            if not primed:
                continue  # a new source's backlog is stored, not announced
            interested = await chats.subscribers(
                conn,
                regions=(m.value for m in mentions if m.kind == "region"),
                terms=(m.value for m in mentions if m.kind == "term"),
            )
            for alert in alerts_for(item_id, item, mentions, interested, source.title):
                lang = await chats.chat_language(conn, alert.chat_id)
                text = render_alert(
                    alert, lang=lang, region_name=functools.partial(self._region_name, lang=lang)
                )
                if await outbox.enqueue(
                    conn,
                    chat_id=alert.chat_id,
                    item_id=item_id,
                    dedup_key=f"item:{item_id}",
                    text=text,
                    now=now,
                ):
                    count += 1
        return matched, count

    def _region_name(self, code: str, lang: str) -> str:
        return self.region_name(code, lang)

    def _next(self, source: Source, now: float, failures: int) -> float:
        return next_check_at(source, now, failures, self.polling)
