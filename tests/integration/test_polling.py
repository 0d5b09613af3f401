"""Polling as the operator sees it: a real aiohttp server on 127.0.0.1, a real SQLite file, the
real Pipeline and Fetcher. 304s, Retry-After, backoff, pausing (one operator message), resuming,
permanent redirects, per-host concurrency, the CLI's operator view."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.cli import main
from bot.clock import FixedClock
from bot.config import PollingSettings
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.models import Source
from bot.pipeline import Pipeline
from bot.sources.fetch import Fetcher, FetchLimits, make_client
from bot.store import sources as source_store
from bot.store import stories as story_store
from bot.store.db import Database
from bot.store.sources import SourceState

START = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
DEFAULT_LIMITS = FetchLimits()
OPERATOR = 4242
POLLING = PollingSettings(
    min_interval=30, max_interval=3600, max_retry_after=7200, pause_after_failures=3
)


def feed(*titles: str, guids: str = "") -> bytes:
    items = "".join(f"<item><guid>{guids}{t}</guid><title>{t}</title></item>" for t in titles)
    return f'<?xml version="1.0"?><rss><channel><title>T</title>{items}</channel></rss>'.encode()


@dataclass
class Server:
    base: str = ""
    hits: dict[str, int] = field(default_factory=dict)
    titles: list[str] = field(default_factory=lambda: ["a"])
    guids: str = ""  # what each item's guid has before its title
    retry_after: str = "900"
    cache_control: str | None = None
    down: bool = True
    in_flight: int = 0
    most_in_flight: int = 0

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def build_app(server: Server) -> web.Application:
    def hit(request: web.Request) -> None:
        server.hits[request.path] = server.hits.get(request.path, 0) + 1

    async def rss(request: web.Request) -> web.StreamResponse:
        hit(request)
        body = feed(*server.titles, guids=server.guids)
        etag = f'"{zlib.crc32(body)}"' if server.guids else f'"{len(server.titles)}"'
        headers = {"ETag": etag}
        if server.cache_control:
            headers["Cache-Control"] = server.cache_control
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers)

    async def limited(request: web.Request) -> web.StreamResponse:
        hit(request)
        status = int(request.match_info["status"])
        # The server's clock says 12:00, so a Retry-After date is read against that.
        headers = {"Retry-After": server.retry_after, "Date": "Fri, 10 May 2024 12:00:00 GMT"}
        return web.Response(status=status, headers=headers)

    async def flaky(request: web.Request) -> web.StreamResponse:
        hit(request)
        if server.down:
            return web.Response(status=500)
        return web.Response(body=feed("up"))

    async def moved(request: web.Request) -> web.StreamResponse:
        hit(request)
        status = int(request.match_info["status"])
        return web.Response(status=status, headers={"Location": "/feed"})

    async def slow(request: web.Request) -> web.StreamResponse:
        hit(request)
        server.in_flight += 1
        server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            await asyncio.sleep(0.1)
        finally:
            server.in_flight -= 1
        return web.Response(body=feed("x"))

    app = web.Application()
    app.router.add_get("/feed", rss)
    app.router.add_get("/limited/{status}", limited)
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/moved/{status}", moved)
    app.router.add_get("/slow/{n}", slow)
    return app


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    runner = web.AppRunner(build_app(state))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield state
    await runner.cleanup()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    yield database
    await database.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@dataclass
class Rig:
    db: Database
    clock: FixedClock
    pipeline: Pipeline

    @property
    def now(self) -> float:
        return self.clock.now().timestamp()

    async def add(self, *sources: Source) -> None:
        async with self.db.write() as conn:
            await source_store.upsert_sources(conn, list(sources))

    async def state(self, name: str) -> SourceState:
        found = await source_store.get_source(self.db.conn, name)
        assert found is not None
        return found

    async def poll(self, name: str) -> SourceState:
        await self.pipeline.poll(await self.state(name))
        return await self.state(name)

    async def outbox(self) -> list[tuple[int, str, str]]:
        async with self.db.conn.execute(
            "SELECT chat_id, dedup_key, text FROM outbox ORDER BY id"
        ) as cur:
            return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


def make_rig(
    db: Database,
    client: httpx.AsyncClient,
    gazetteer: Gazetteer,
    limits: FetchLimits = DEFAULT_LIMITS,
    polling: PollingSettings = POLLING,
) -> Rig:
    clock = FixedClock(START)
    pipeline = Pipeline(
        db,
        Fetcher(client, limits, clock=clock),
        ItemMatcher(gazetteer, KeywordIndex()),
        clock,
        polling,
        lambda code, lang: code,
        operators=(OPERATOR,),
    )
    return Rig(db, clock, pipeline)


@pytest.fixture
def rig(db: Database, client: httpx.AsyncClient, gazetteer: Gazetteer) -> Rig:
    return make_rig(db, client, gazetteer)


def src(name: str, url: str, interval: int = 300) -> Source:
    return Source(name=name, title=name.title(), url=url, interval=interval)


async def test_304_is_counted_and_quiet_sources_slow_down(rig: Rig, server: Server) -> None:
    await rig.add(src("news", server.url("/feed")))
    first = await rig.poll("news")
    assert (first.polls, first.not_modified, first.items_seen, first.etag) == (1, 0, 1, '"1"')
    assert first.next_check_at == rig.now + 300  # the backlog says nothing about busyness
    second = await rig.poll("news")
    third = await rig.poll("news")
    assert (third.polls, third.not_modified, third.last_status) == (3, 2, 304)
    assert second.next_check_at == rig.now + 375  # quiet: a quarter slower each time
    assert third.next_check_at == rig.now + 468.75
    assert third.not_modified_share == pytest.approx(2 / 3)


async def test_a_busy_source_is_polled_more_often(rig: Rig, server: Server) -> None:
    await rig.add(src("news", server.url("/feed")))
    await rig.poll("news")
    server.titles = ["a", "b"]
    busy = await rig.poll("news")
    assert busy.items_seen == 2
    assert busy.next_check_at == rig.now + 150


async def test_cache_control_max_age_delays_the_next_check(rig: Rig, server: Server) -> None:
    server.cache_control = "public, max-age=900"
    await rig.add(src("news", server.url("/feed")))
    assert (await rig.poll("news")).next_check_at == rig.now + 900
    server.cache_control = "max-age=86400"  # capped at 4x the configured interval
    assert (await rig.poll("news")).next_check_at == rig.now + 1200


@pytest.mark.parametrize(
    ("status", "retry_after", "delay"),
    [
        (429, "900", 900),
        (503, "Fri, 10 May 2024 12:20:00 GMT", 1200),
        (429, "999999", 7200),  # clamped to max_retry_after
        (503, "5", 300),  # shorter than the backoff: the backoff wins
    ],
)
async def test_retry_after_is_honoured(
    rig: Rig, server: Server, status: int, retry_after: str, delay: float
) -> None:
    server.retry_after = retry_after
    await rig.add(src("busy", server.url(f"/limited/{status}")))
    state = await rig.poll("busy")
    assert state.next_check_at == rig.now + delay
    assert state.last_status == status
    assert state.last_error is not None and str(status) in state.last_error


async def test_errors_back_off_then_pause_with_one_operator_message(
    rig: Rig, server: Server
) -> None:
    await rig.add(src("flaky", server.url("/flaky")))
    delays = []
    for _ in range(3):
        state = await rig.poll("flaky")
        delays.append(state.next_check_at - rig.now)
        rig.clock.advance(delays[-1])
    assert delays == [300, 600, 1200]
    assert state.paused and state.failures == 3

    # Paused: never due again, however much time passes.
    rig.clock.advance(10 * 86400)
    assert await rig.pipeline.poll_due() == []
    assert await rig.pipeline.poll_all() == []
    await rig.poll("flaky")  # even a forced poll does not tell the operator twice
    messages = await rig.outbox()
    assert len(messages) == 1
    chat_id, key, text = messages[0]
    assert chat_id == OPERATOR
    assert key.startswith("source-paused:flaky:")
    assert "<b>flaky</b>" in text and "HTTP 500" in text and "resume-source flaky" in text
    assert server.hits["/flaky"] == 4

    # Resumed: due at once, and a new run of failures is a new message.
    async with rig.db.write() as conn:
        assert await source_store.resume_source(conn, "flaky", now=rig.now)
    assert [s.source.name for s in await source_store.due_sources(rig.db.conn, rig.now)] == [
        "flaky"
    ]
    server.down = False
    outcomes = await rig.pipeline.poll_due()
    assert [o.error for o in outcomes] == [None]
    resumed = await rig.state("flaky")
    assert (resumed.paused, resumed.failures, resumed.failing_since) == (False, 0, None)
    server.down = True
    for _ in range(3):
        rig.clock.advance(86400)
        await rig.poll("flaky")
    assert len(await rig.outbox()) == 2


async def test_pause_and_resume_from_the_command_line(
    rig: Rig, server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await rig.add(src("news", server.url("/feed")), src("other", server.url("/feed")))
    await rig.poll("news")
    await rig.poll("news")
    await rig.poll("other")
    database = str(rig.db.path)
    assert await asyncio.to_thread(main, ["pause-source", "news", "--database", database]) == 0
    assert (await rig.state("news")).paused
    assert await asyncio.to_thread(main, ["pause-source", "nope", "--database", database]) == 1
    capsys.readouterr()

    assert await asyncio.to_thread(main, ["sources", "--database", database]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:2] == ["source", "state"]
    news = next(line for line in table if line.startswith("news"))
    assert "PAUSED" in news and "50%" in news
    other = next(line for line in table if line.startswith("other"))
    assert "active" in other and "due" in other  # polled in 2024 by the test's clock

    assert await asyncio.to_thread(main, ["sources", "--json", "--database", database]) == 0
    records = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["news"]["paused"] is True
    assert records["news"]["not_modified_share"] == 0.5
    assert records["news"]["items_seen"] == 1
    assert records["other"]["last_success_at"] == "2024-05-10T12:00:00Z"

    assert await asyncio.to_thread(main, ["resume-source", "news", "--database", database]) == 0
    assert not (await rig.state("news")).paused


async def test_a_permanent_redirect_updates_the_stored_url(rig: Rig, server: Server) -> None:
    await rig.add(
        src("moved", server.url("/moved/301")),
        src("moved-308", server.url("/moved/308")),
        src("visiting", server.url("/moved/302")),
    )
    for name in ("moved", "moved-308", "visiting"):
        await rig.poll(name)
    assert (await rig.state("moved")).source.url == server.url("/feed")
    assert (await rig.state("moved-308")).source.url == server.url("/feed")
    assert (await rig.state("visiting")).source.url == server.url("/moved/302")

    # Reading the same config again keeps the followed URL; a changed config wins.
    await rig.add(src("moved", server.url("/moved/301")))
    assert (await rig.state("moved")).source.url == server.url("/feed")
    await rig.add(src("moved", server.url("/flaky")))
    assert (await rig.state("moved")).source.url == server.url("/flaky")


@pytest.mark.parametrize("per_host", [1, 3])
async def test_per_host_concurrency_is_respected(
    db: Database, client: httpx.AsyncClient, gazetteer: Gazetteer, server: Server, per_host: int
) -> None:
    limits = FetchLimits(per_host_concurrency=per_host)
    rig = make_rig(db, client, gazetteer, limits, replace(POLLING, concurrency=16))
    await rig.add(*(src(f"s{n}", server.url(f"/slow/{n}")) for n in range(8)))
    outcomes = await rig.pipeline.poll_due()
    assert [o.error for o in outcomes] == [None] * 8
    assert server.most_in_flight == per_host


async def test_global_concurrency_is_respected(
    db: Database, client: httpx.AsyncClient, gazetteer: Gazetteer, server: Server
) -> None:
    limits = FetchLimits(per_host_concurrency=10)
    rig = make_rig(db, client, gazetteer, limits, replace(POLLING, concurrency=2))
    await rig.add(*(src(f"s{n}", server.url(f"/slow/{n}")) for n in range(6)))
    outcomes = await rig.pipeline.poll_due()
    assert server.most_in_flight == 2
    due = [state.source.name for state in await source_store.all_sources(db.conn)]
    assert [o.source for o in outcomes] == due  # every source once, in order
    assert [o.error for o in outcomes] == [None] * 6


async def test_an_untrusted_source_to_loopback_is_refused_and_recorded(
    rig: Rig, server: Server
) -> None:
    await rig.add(replace(src("sneaky", server.url("/feed")), trusted=False))
    state = await rig.poll("sneaky")
    assert state.last_error == "refused: 127.0.0.1 is a loopback address"
    assert state.failures == 1
    assert server.hits == {}


async def test_a_document_republished_under_new_guids_is_seen_as_such(
    rig: Rig, server: Server
) -> None:
    """The reissue check reads as many of the source's latest items as its documents call for
    (story_store.history_size), kept between polls: a whole document under new GUIDs, after
    several polls of news, is all reissues, and marks the source."""
    await rig.add(src("news", server.url("/feed")))
    server.guids = "first-"  # each document its own ETag
    for first in range(0, 40, 10):
        server.titles = [f"Сводка {n}" for n in range(first, first + 30)]
        await rig.poll("news")
        rig.clock.advance(600)
    server.guids = "rotated-"
    await rig.poll("news")
    assert await story_store.rotating_since(rig.db.conn, "news") is not None
    async with rig.db.conn.execute("SELECT reissued_items FROM sources WHERE name = 'news'") as cur:
        assert tuple(await cur.fetchone() or ()) == (30,)
