"""What the reliability tests share: a feed server on 127.0.0.1 that counts its hits, and a
Pipeline built the way bot.app builds it (real Fetcher, real SQLite file, real matcher)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from aiohttp import web

from bot.clock import FixedClock
from bot.config import PollingSettings
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.models import Source
from bot.pipeline import Pipeline
from bot.sources.fetch import Fetcher, FetchLimits
from bot.store import chats
from bot.store import sources as source_store
from bot.store.db import Database

START = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
CHAT = 777  # subscribed to Belgorod Oblast: every item below would alert it
POLLING = PollingSettings(min_interval=30, max_interval=3600, pause_after_failures=1000)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS document with (guid, title) items, each naming Belgorod Oblast."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title} в Белгородской области</title>"
        f"<link>https://news.example/{guid}</link>"
        f"<description>{title}: подробности.</description></item>"
        for guid, title in items
    )
    return f'<?xml version="1.0"?><rss><channel><title>T</title>{body}</channel></rss>'.encode()


@dataclass
class FeedServer:
    """Routes a test sets up; every request is counted by path."""

    routes: dict[str, Handler]
    base: str = ""
    hits: dict[str, int] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        @web.middleware
        async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
            self.hits[request.path] = self.hits.get(request.path, 0) + 1
            return await handler(request)

        app = web.Application(middlewares=[count])
        for path, handler in self.routes.items():
            app.router.add_get(path, handler)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def source(self, name: str, path: str) -> Source:
        return Source(name=name, title=name.title(), url=f"{self.base}{path}", interval=300)


async def open_pipeline(
    path: Path,
    client: httpx.AsyncClient,
    gazetteer: Gazetteer,
    clock: FixedClock,
    limits: FetchLimits | None = None,
) -> tuple[Database, Pipeline]:
    """A fresh Database object and Pipeline on the file at ``path``: what a restart builds."""
    db = await Database.open(path)
    pipeline = Pipeline(
        db,
        Fetcher(client, limits or FetchLimits(), clock=clock),
        ItemMatcher(gazetteer, KeywordIndex()),
        clock,
        POLLING,
        lambda code, lang: code,
    )
    return db, pipeline


async def prepare(db: Database, sources: list[Source]) -> None:
    """The sources, and one chat subscribed to Belgorod Oblast."""
    async with db.write() as conn:
        await source_store.upsert_sources(conn, sources)
        await chats.ensure_chat(conn, CHAT, chat_type="private", title=None, language="en", now=0)
        await chats.subscribe(conn, CHAT, "RU-BEL", 0)


async def count(db: Database, sql: str, *args: object) -> int:
    async with db.conn.execute(sql, args) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
