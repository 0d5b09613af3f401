"""Fetch limits against hostile servers on 127.0.0.1: a 1 GiB gzip bomb, an endless plain body,
a server that sends one byte a second.

The bodies are made as they are sent, a mebibyte at a time, so the test never holds them. The
fetch runs in a child process that reports its peak memory growth (tracemalloc's peak of Python
allocations, where the body's chunks live, and ru_maxrss); both must stay under three times the
size cap. The trickling server is polled by the Pipeline next to fast sources: it is cut at
the fetch deadline, and the fast sources finish first instead of waiting behind it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.clock import FixedClock
from bot.matching.gazetteer import Gazetteer
from bot.models import FetchResult, Source
from bot.pipeline import Fetcher
from bot.sources.fetch import FetchLimits, make_client
from tests.reliability.rig import START, FeedServer, count, open_pipeline, prepare, rss

MIB = 1 << 20
GIB_IN_MIB = 1024
CAP = 5_000_000  # FetchLimits' default max_body_bytes
CHILD_TIMEOUT = 120  # a generous limit for the child process, not a timing assertion

CHILD = r"""
import asyncio, json, resource, sys, tracemalloc
from bot.models import Source
from bot.sources.fetch import Fetcher, FetchLimits, make_client

async def main(base, cap):
    report = {}
    async with make_client() as client:
        fetcher = Fetcher(client, FetchLimits(max_body_bytes=cap, total_timeout=60))
        warm = await fetcher.fetch(Source("w", "W", base + "/small.gz"), etag=None,
                                   last_modified=None)
        assert warm.error is None and warm.body, warm
        for path in ("/bomb.gz", "/endless"):
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            result = await fetcher.fetch(Source("s", "S", base + path), etag=None,
                                         last_modified=None)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            report[path] = {"error": result.error, "body": len(result.body),
                            "peak": peak, "rss_growth": (rss_after - rss_before) * 1024}
    print(json.dumps(report))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def gzip_of_zeros(request: web.Request) -> web.StreamResponse:
    """1 GiB of zeros, gzipped a mebibyte at a time as it is sent (about 1 MB on the wire)."""
    response = web.StreamResponse(headers={"Content-Encoding": "gzip"})
    await response.prepare(request)
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    try:
        for _ in range(GIB_IN_MIB):
            await response.write(packer.compress(zeros))
        await response.write(packer.flush())
    except (ConnectionError, RuntimeError):
        pass  # the client hung up at its cap
    return response


async def endless_plain(request: web.Request) -> web.StreamResponse:
    """1 GiB of plain text, chunked (no Content-Length to refuse it by)."""
    response = web.StreamResponse()
    await response.prepare(request)
    chunk = b"x" * MIB
    try:
        for _ in range(GIB_IN_MIB):
            await response.write(chunk)
    except (ConnectionError, RuntimeError):
        pass
    return response


async def small_gzip(request: web.Request) -> web.StreamResponse:
    return web.Response(body=zlib.compress(b"<rss/>" * 1000, wbits=16 + zlib.MAX_WBITS),
                        headers={"Content-Encoding": "gzip"})  # fmt: skip


@pytest.fixture
async def bombs() -> AsyncIterator[FeedServer]:
    server = FeedServer(
        routes={"/bomb.gz": gzip_of_zeros, "/endless": endless_plain, "/small.gz": small_gzip}
    )
    await server.start()
    yield server
    await server.stop()


async def test_a_1_gib_gzip_bomb_and_an_endless_body_stop_at_the_cap(bombs: FeedServer) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, bombs.base, str(CAP),
        cwd=Path(__file__).resolve().parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(child.communicate(), CHILD_TIMEOUT)
    assert child.returncode == 0, err.decode()[-3000:]
    report = json.loads(out)
    print("fetch of hostile bodies:", report)
    for path in ("/bomb.gz", "/endless"):
        found = report[path]
        assert found["error"] == f"body exceeds {CAP} bytes"
        assert found["body"] == 0
        assert found["peak"] < 3 * CAP, path  # Python allocations: the body's chunks
        assert found["rss_growth"] < 3 * CAP, path  # the whole process
    assert bombs.hits["/bomb.gz"] == 1


# --- a trickling server does not hold up the others --------------------------------------


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


class RecordingFetcher:
    """The real fetcher, noting the order in which sources' fetches end."""

    def __init__(self, inner: Fetcher) -> None:
        self.inner = inner
        self.finished: list[str] = []

    async def fetch(
        self, source: Source, *, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        result = await self.inner.fetch(source, etag=etag, last_modified=last_modified)
        self.finished.append(source.name)
        return result


async def test_a_server_sending_a_byte_a_second_is_cut_without_delaying_others(
    tmp_path: Path, client: httpx.AsyncClient, gazetteer: Gazetteer
) -> None:
    trickled: list[int] = []

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        try:
            for byte in rss(("slow", "Медленно")):
                await response.write(bytes([byte]))
                trickled.append(byte)
                await asyncio.sleep(1)
        except (ConnectionError, RuntimeError):
            pass
        return response

    async def fast(request: web.Request) -> web.StreamResponse:
        name = request.match_info["n"]
        return web.Response(body=rss((f"fast-{name}", f"Новость {name}")))

    server = FeedServer(routes={"/trickle": trickle, "/fast/{n}": fast})
    await server.start()
    try:
        limits = FetchLimits(read_timeout=5, total_timeout=3)  # each byte comes within read_timeout
        db, pipeline = await open_pipeline(
            tmp_path / "lookout.sqlite3", client, gazetteer, FixedClock(START), limits
        )
        recorder = RecordingFetcher(pipeline.fetcher)
        pipeline.fetcher = recorder
        sources = [server.source("slow", "/trickle")]
        sources += [server.source(f"fast{n}", f"/fast/{n}") for n in range(5)]
        await prepare(db, sources)
        outcomes = {o.source: o for o in await pipeline.poll_all()}
        assert outcomes["slow"].error == "timed out after 3s"
        assert 1 <= len(trickled) <= 5  # it was sending, slowly, when it was cut
        assert recorder.finished[-1] == "slow"  # the fast sources did not wait behind it
        assert sorted(recorder.finished[:-1]) == [f"fast{n}" for n in range(5)]
        for n in range(5):
            assert outcomes[f"fast{n}"].error is None and outcomes[f"fast{n}"].new_items == 1
        assert await count(db, "SELECT count(*) FROM items WHERE source LIKE 'fast%'") == 5
        await db.close()
    finally:
        await server.stop()
