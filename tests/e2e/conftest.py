"""End-to-end fixtures: a local feed server, the sandbox Bot API, and Lookout wired to both."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import Lookout
from bot.config import LimitSettings, PollingSettings, Settings
from bot.models import Source
from bot.sandbox.botapi import BotApiSandbox

RSS_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Белгород сегодня</title>
<link>https://belgorod-today.example/</link><description>Новости</description>
"""


def rss_item(
    guid: str, title: str, text: str, date: str = "Fri, 10 May 2024 06:00:00 +0300"
) -> str:
    return (
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<link>https://belgorod-today.example/news/{guid}</link>"
        f"<description>{text}</description><pubDate>{date}</pubDate></item>\n"
    )


class LocalFeed:
    """A feed on 127.0.0.1 whose items a test adds; answers conditional GETs with 304."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.requests = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def body(self) -> bytes:
        return (RSS_HEAD + "".join(reversed(self.items)) + "</channel></rss>").encode()

    async def _serve(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = self.body
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/feed.xml", self._serve)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/feed.xml"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


@pytest.fixture
async def feed() -> AsyncIterator[LocalFeed]:
    server = LocalFeed()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def sandbox() -> AsyncIterator[BotApiSandbox]:
    server = BotApiSandbox()
    await server.start()
    yield server
    await server.stop()


LookoutFactory = Callable[[], Awaitable[Lookout]]


@pytest.fixture
async def make_lookout(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed
) -> AsyncIterator[LookoutFactory]:
    """Builds and starts a Lookout on one database file; every one started is stopped."""
    started: list[Lookout] = []
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        # Tests poll by hand: the background poll loop only ticks once an hour.
        polling=replace(PollingSettings(), tick_seconds=3600),
    )
    settings = replace(settings, delivery=replace(settings.delivery, idle_seconds=0.1))
    # Tests type faster than people: the 30-a-minute default is tested in test_abuse_limits.py.
    settings = replace(settings, limits=LimitSettings(commands_per_minute=600))

    async def factory() -> Lookout:
        source = Source(
            name="belgorod-today", title="Белгород сегодня", url=feed.url, language="ru"
        )
        lookout = Lookout(
            settings, token=sandbox.token, sources=[source], bot_api_base=sandbox.base_url
        )
        await lookout.start()
        started.append(lookout)
        return lookout

    yield factory
    for lookout in started:
        if not lookout.stopped:
            await lookout.stop()
