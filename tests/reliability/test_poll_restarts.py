"""Polling across crashes and restarts, on one SQLite file, with real HTTP on 127.0.0.1.

A child process polls a source whose feed has three new items and is SIGKILLed at a point
between the HTTP 200 and the commit (after the fetch, after the items are inserted, after the
alerts are queued, after the source's new ETag is written). Nothing of that poll may remain:
no item, no alert, and above all no ETag, which would make the next poll a 304 and lose the
items. A normal poll afterwards stores every item and queues each alert once.

Then 100 re-polls of unchanged feeds, each after a restart (a new Database, fetcher, client and
Pipeline on the same file), queue no alert.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.clock import FixedClock
from bot.matching.gazetteer import Gazetteer
from bot.models import Source
from bot.sources.fetch import make_client
from bot.store import sources as source_store
from tests.reliability.rig import CHAT, START, FeedServer, count, open_pipeline, prepare, rss

ROOT = Path(__file__).resolve().parents[2]
OLD = [("old", "Погода")]
NEW = [("n1", "Взрыв у вокзала"), ("n2", "Дроны над городом"), ("n3", "Отключение света")]
KILL_POINTS = ["fetched", "inserted", "enqueued", "recorded"]

CHILD = r"""
import asyncio, os, signal, sys
from datetime import timedelta
from pathlib import Path
import bot.pipeline
from bot.clock import FixedClock
from bot.matching.gazetteer import Gazetteer
from bot.sources.fetch import make_client
from bot.store import items, sources
from tests.reliability.rig import START, open_pipeline

database, point = Path(sys.argv[1]), sys.argv[2]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def kill_after(module, name):
    real = getattr(module, name)
    async def hooked(*args, **kwargs):
        result = await real(*args, **kwargs)
        die()
        return result
    setattr(module, name, hooked)

async def main():
    async with make_client() as client:
        db, pipeline = await open_pipeline(
            database, client, Gazetteer.load(), FixedClock(START + timedelta(hours=1))
        )
        if point == "fetched":
            kill_after(pipeline.fetcher, "fetch")
        elif point == "inserted":
            kill_after(items, "insert_new_items")
        elif point == "enqueued":
            kill_after(bot.pipeline, "enqueue_alerts")
        elif point == "recorded":  # the last write before COMMIT
            kill_after(sources, "record_success")
        state = await sources.get_source(db.conn, "news")
        await pipeline.poll(state)
    print("not killed")

asyncio.run(main())
"""


class ChangingFeed:
    """A feed whose items a test sets; ETag from the content, 304 when it matches."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = list(OLD)
        self.conditional: list[str | None] = []

    @staticmethod
    def etag(items: list[tuple[str, str]]) -> str:
        return '"' + hashlib.sha256(rss(*items)).hexdigest()[:16] + '"'

    async def serve(self, request: web.Request) -> web.StreamResponse:
        body = rss(*self.items)
        etag = self.etag(self.items)
        self.conditional.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag})


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


async def poll_news(path: Path, client: httpx.AsyncClient, gazetteer: Gazetteer) -> int:
    """One normal poll of the "news" source in this process; returns the new items."""
    db, pipeline = await open_pipeline(path, client, gazetteer, FixedClock(START))
    try:
        state = await source_store.get_source(db.conn, "news")
        assert state is not None
        return (await pipeline.poll(state)).new_items
    finally:
        await db.close()


@pytest.mark.parametrize("point", KILL_POINTS)
async def test_a_kill_between_the_200_and_the_commit_loses_nothing(
    point: str, tmp_path: Path, client: httpx.AsyncClient, gazetteer: Gazetteer
) -> None:
    feed = ChangingFeed()
    server = FeedServer(routes={"/feed.xml": feed.serve})
    await server.start()
    path = tmp_path / "lookout.sqlite3"
    try:
        db, _ = await open_pipeline(path, client, gazetteer, FixedClock(START))
        await prepare(db, [server.source("news", "/feed.xml")])
        await db.close()
        assert await poll_news(path, client, gazetteer) == 1  # the backlog, primed, no alert
        feed.items += NEW

        # on the plain modules: the kill points are patched in, and calls between compiled
        # modules (bot.native) would not see the patches
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, str(path), point, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "LOOKOUT_NATIVE": "0"},
        )  # fmt: skip
        out, err = await asyncio.wait_for(child.communicate(), 60)
        assert child.returncode == -9, (out + err).decode()[-3000:]  # SIGKILLed at the point

        db, _ = await open_pipeline(path, client, gazetteer, FixedClock(START))
        state = await source_store.get_source(db.conn, "news")
        assert state is not None
        assert await count(db, "SELECT count(*) FROM items") == 1  # the killed poll left nothing
        assert await count(db, "SELECT count(*) FROM outbox") == 0
        assert state.etag == ChangingFeed.etag(OLD)  # still the backlog's: no ETag without items
        assert await count(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
                               "integrity_check = 'ok'") == 1  # fmt: skip
        await db.close()

        assert await poll_news(path, client, gazetteer) == len(NEW)  # a 200, not a 304
        assert feed.conditional[-1] == ChangingFeed.etag(OLD)
        assert await poll_news(path, client, gazetteer) == 0  # now a 304
        db, _ = await open_pipeline(path, client, gazetteer, FixedClock(START))
        assert await count(db, "SELECT count(*) FROM items") == 1 + len(NEW)
        assert await count(db, "SELECT count(*) FROM outbox WHERE chat_id = ?", CHAT) == len(NEW)
        assert await count(
            db,
            "SELECT count(DISTINCT b.item_id) FROM outbox o "
            "JOIN alert_bodies b ON b.id = o.body_id",
        ) == len(NEW)
        await db.close()
    finally:
        await server.stop()


# --- 100 re-polls of unchanged feeds, a restart before each -------------------------------


def unchanged_feeds() -> dict[str, bytes]:
    """Feeds that never change, keyed by path, each needing a different dedup key."""
    dated = "Fri, 10 May 2024 06:00:00 +0300"
    no_guid = "".join(
        f"<item><title>{t} в Белгородской области</title><link>https://n.example/{g}?utm_source=x"
        f"</link><pubDate>{dated}</pubDate></item>"
        for g, t in NEW
    )
    bare = "".join(
        f"<item><title>{t} в Белгородской области</title><description>{t}.</description></item>"
        for _, t in NEW
    )
    channel = "<rss><channel><title>T</title>{}</channel></rss>"
    return {
        "/etag.xml": rss(*NEW),  # answered with 304 when unchanged
        "/no-validators.xml": rss(*NEW),  # a 200 with the full body every time
        "/links.xml": channel.format(no_guid).encode(),  # deduplicated by canonical link
        "/bare.xml": channel.format(bare).encode(),  # by a hash of title and text
    }


async def test_100_repolls_of_unchanged_feeds_with_restarts_alert_nobody(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bodies = unchanged_feeds()

    async def serve(request: web.Request) -> web.StreamResponse:
        body = bodies[request.path]
        if request.path != "/etag.xml":
            return web.Response(body=body)
        if request.headers.get("If-None-Match") == '"same"':
            return web.Response(status=304, headers={"ETag": '"same"'})
        return web.Response(body=body, headers={"ETag": '"same"'})

    server = FeedServer(routes={path: serve for path in [*bodies, "/new.xml"]})
    await server.start()
    path = tmp_path / "lookout.sqlite3"
    clock = FixedClock(START)
    sources = [server.source(p.strip("/").split(".")[0], p) for p in bodies]
    try:
        for restart in range(101):  # the priming poll, then 100 re-polls
            async with make_client() as client:
                db, pipeline = await open_pipeline(path, client, gazetteer, clock)
                if restart == 0:
                    await prepare(db, sources)
                outcomes = await pipeline.poll_all()
                assert all(o.error is None for o in outcomes), outcomes
                assert sum(o.new_items for o in outcomes) == (12 if restart == 0 else 0)
                assert await count(db, "SELECT count(*) FROM outbox") == 0, restart
                await db.close()
            clock.advance(600)  # ten minutes between polls: 100 re-polls span about 17 hours
        assert server.hits["/etag.xml"] == 101
        # The same setup does alert: a source with one new item tells the subscribed chat.
        bodies["/new.xml"] = rss(("fresh", "Пожар на складе"))
        async with make_client() as client:
            db, pipeline = await open_pipeline(path, client, gazetteer, clock)
            fresh = Source(name="fresh", title="Fresh", url=f"{server.base}/new.xml")
            await prepare(db, [fresh])
            async with db.write() as conn:
                await conn.execute("UPDATE sources SET primed = 1 WHERE name = 'fresh'")
            await pipeline.poll_all()
            assert await count(db, "SELECT count(*) FROM outbox WHERE chat_id = ?", CHAT) == 1
            await db.close()
    finally:
        await server.stop()
