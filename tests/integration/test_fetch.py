"""Fetcher against a real HTTP server on 127.0.0.1: caching, redirects, compression, limits."""

from __future__ import annotations

import asyncio
import gc
import gzip
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest
from aiohttp import web

from bot.models import Source
from bot.sources.fetch import Fetcher, FetchLimits, make_client

FEED = b'<?xml version="1.0"?><rss><channel><item><title>x</title></item></channel></rss>'
ETAG = '"v1"'
LAST_MODIFIED = "Fri, 10 May 2024 12:00:00 GMT"
BOMB_MB = 200


def gzip_bomb() -> bytes:
    """200 MB of zeros gzipped (about 200 KB), built a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    megabyte = bytes(1 << 20)
    parts = [packer.compress(megabyte) for _ in range(BOMB_MB)]
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass
class Server:
    base: str
    requests: list[web.Request] = field(default_factory=list)

    def source(self, path: str) -> Source:
        return Source(name="test", title="Test", url=f"{self.base}{path}")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(server: Server, bomb: bytes) -> web.Application:
    async def feed(request: web.Request) -> web.StreamResponse:
        server.requests.append(request)
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        return web.Response(
            body=FEED,
            content_type="application/rss+xml",
            headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
        )

    async def redirect(request: web.Request) -> web.StreamResponse:
        hops = int(request.match_info["hops"])
        target = "/feed" if hops <= 1 else f"/redirect/{hops - 1}"
        raise web.HTTPFound(target)

    async def gzipped(request: web.Request) -> web.StreamResponse:
        return web.Response(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})

    async def deflated(request: web.Request) -> web.StreamResponse:
        return web.Response(body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"})

    async def bombed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Encoding": "gzip"})
        await response.prepare(request)
        for start in range(0, len(bomb), 16384):
            await response.write(bomb[start : start + 16384])
        await response.write_eof()
        return response

    async def big(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * 3000)

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(1)
        return web.Response(body=FEED)

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b" ")
            await asyncio.sleep(0.05)
        return response

    async def missing(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound()

    async def to_ftp(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("ftp://127.0.0.1/feed")

    async def brotli(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"\x00\x01", headers={"Content-Encoding": "br"})

    async def to_loopback(request: web.Request) -> web.StreamResponse:
        server.requests.append(request)
        raise web.HTTPMovedPermanently(f"http://127.0.0.1:{request.url.port}/feed")

    async def to_metadata(request: web.Request) -> web.StreamResponse:
        server.requests.append(request)
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    app = web.Application()
    routes: dict[str, Handler] = {
        "/feed": feed,
        "/redirect/{hops}": redirect,
        "/gzip": gzipped,
        "/deflate": deflated,
        "/bomb": bombed,
        "/big": big,
        "/slow": slow,
        "/trickle": trickle,
        "/missing": missing,
        "/to-ftp": to_ftp,
        "/brotli": brotli,
        "/to-loopback": to_loopback,
        "/to-metadata": to_metadata,
    }
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    return app


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb()


@pytest.fixture
async def server(bomb: bytes) -> AsyncIterator[Server]:
    state = Server(base="")
    runner = web.AppRunner(build_app(state, bomb))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


async def test_200_with_etag_then_304_on_conditional_get(
    server: Server, client: httpx.AsyncClient
) -> None:
    fetcher = Fetcher(client)
    first = await fetcher.fetch(server.source("/feed"), etag=None, last_modified=None)
    assert (first.status, first.body, first.error) == (200, FEED, None)
    assert first.etag == ETAG
    assert first.last_modified == LAST_MODIFIED

    second = await fetcher.fetch(
        server.source("/feed"), etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified
    assert second.body == b""
    assert second.error is None
    assert second.etag == ETAG
    assert server.requests[1].headers["If-None-Match"] == ETAG
    assert server.requests[1].headers["If-Modified-Since"] == LAST_MODIFIED
    assert server.requests[0].headers["User-Agent"].startswith("Lookout/")
    assert server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


async def test_a_fetch_leaves_no_httpx_response_to_the_cycle_collector(
    server: Server, client: httpx.AsyncClient
) -> None:
    """httpx's response and its stream refer to each other; the fetcher breaks that, so
    reference counting frees a response (and its request, headers, pool stream) at once,
    whatever the cycle collector's threshold (bot.collector)."""
    fetcher = Fetcher(client)
    await fetcher.fetch(server.source("/feed"), etag=None, last_modified=None)  # warm the pool
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(3):
            await fetcher.fetch(server.source("/feed"), etag=None, last_modified=None)
            await fetcher.fetch(server.source("/feed"), etag=ETAG, last_modified=None)
            await fetcher.fetch(server.source("/redirect/1"), etag=None, last_modified=None)
        gc.collect()
        left = [
            type(o).__name__ for o in gc.garbage if isinstance(o, httpx.Response | httpx.Request)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


async def test_three_redirects_are_followed(server: Server, client: httpx.AsyncClient) -> None:
    result = await Fetcher(client).fetch(
        server.source("/redirect/3"), etag=None, last_modified=None
    )
    assert (result.status, result.body, result.error) == (200, FEED, None)


async def test_six_redirects_are_too_many(server: Server, client: httpx.AsyncClient) -> None:
    result = await Fetcher(client).fetch(
        server.source("/redirect/6"), etag=None, last_modified=None
    )
    assert result.status == 0
    assert result.error == "too many redirects (more than 5)"


async def test_redirect_to_another_scheme_is_refused(
    server: Server, client: httpx.AsyncClient
) -> None:
    result = await Fetcher(client).fetch(server.source("/to-ftp"), etag=None, last_modified=None)
    assert result.error is not None and "unsupported URL scheme 'ftp'" in result.error


@pytest.mark.parametrize("path", ["/gzip", "/deflate"])
async def test_compressed_bodies_are_inflated(
    server: Server, client: httpx.AsyncClient, path: str
) -> None:
    result = await Fetcher(client).fetch(server.source(path), etag=None, last_modified=None)
    assert (result.status, result.body, result.error) == (200, FEED, None)


async def test_gzip_bomb_stops_at_the_size_cap(server: Server, client: httpx.AsyncClient) -> None:
    limits = FetchLimits(max_body_bytes=1_000_000)
    result = await Fetcher(client, limits).fetch(
        server.source("/bomb"), etag=None, last_modified=None
    )
    assert result.error == "body exceeds 1000000 bytes"
    assert result.body == b""


async def test_plain_body_over_the_cap_is_refused(
    server: Server, client: httpx.AsyncClient
) -> None:
    limits = FetchLimits(max_body_bytes=1000)
    result = await Fetcher(client, limits).fetch(
        server.source("/big"), etag=None, last_modified=None
    )
    assert result.error == "body exceeds 1000 bytes"


async def test_http_error_status_is_reported(server: Server, client: httpx.AsyncClient) -> None:
    result = await Fetcher(client).fetch(server.source("/missing"), etag=None, last_modified=None)
    assert (result.status, result.error) == (404, "HTTP 404 Not Found")


async def test_unsupported_content_encoding_is_reported(
    server: Server, client: httpx.AsyncClient
) -> None:
    result = await Fetcher(client).fetch(server.source("/brotli"), etag=None, last_modified=None)
    assert result.error == "unsupported Content-Encoding 'br'"


async def test_read_timeout_gives_an_error_result(
    server: Server, client: httpx.AsyncClient
) -> None:
    limits = FetchLimits(read_timeout=0.2)
    result = await Fetcher(client, limits).fetch(
        server.source("/slow"), etag=None, last_modified=None
    )
    assert result.status == 0
    assert result.error == "server sent nothing for 0.2s"


async def test_total_deadline_cuts_a_trickling_server(
    server: Server, client: httpx.AsyncClient
) -> None:
    limits = FetchLimits(read_timeout=1, total_timeout=0.5)
    result = await Fetcher(client, limits).fetch(
        server.source("/trickle"), etag=None, last_modified=None
    )
    assert result.status == 0
    assert result.error == "timed out after 0.5s"


async def test_refused_connection_gives_an_error_result(client: httpx.AsyncClient) -> None:
    source = Source(name="down", title="Down", url="http://127.0.0.1:1/feed")
    result = await Fetcher(client).fetch(source, etag=None, last_modified=None)
    assert result.status == 0
    assert result.error is not None and result.error.startswith("cannot connect")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed", "not a url", "http://"])
async def test_bad_urls_give_an_error_result(client: httpx.AsyncClient, url: str) -> None:
    source = Source(name="bad", title="Bad", url=url)
    result = await Fetcher(client).fetch(source, etag=None, last_modified=None)
    assert result.status == 0
    assert result.error


# --- the SSRF guard for untrusted sources ---------------------------------------------------


@pytest.fixture
async def listener() -> AsyncIterator[tuple[int, list[int]]]:
    """A TCP port on 127.0.0.1 that counts the connections it accepts."""
    accepted: list[int] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        writer.close()

    tcp = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = tcp.sockets[0].getsockname()[1]
    yield port, accepted
    tcp.close()
    await tcp.wait_closed()


def untrusted(url: str) -> Source:
    return Source(name="added", title="Added from chat", url=url, trusted=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/feed", "127.0.0.1 is a loopback address"),
        ("http://[::1]:{port}/feed", "::1 is a loopback address"),
        ("http://localhost:{port}/feed", "localhost resolves to"),
        ("http://[::ffff:127.0.0.1]:{port}/feed", "embeds 127.0.0.1, a loopback address"),
        ("http://[64:ff9b::7f00:1]:{port}/feed", "embeds 127.0.0.1, a loopback address"),
        ("http://[2002:7f00:1::]:{port}/feed", "embeds 127.0.0.1, a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1:{port}/", "private"),
        ("http://100.64.0.1:{port}/", "not a public address"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("ftp://127.0.0.1:{port}/feed", "unsupported URL scheme 'ftp'"),
        ("/etc/passwd", "unsupported URL scheme ''"),
    ],
)
async def test_untrusted_sources_to_inward_addresses_never_connect(
    client: httpx.AsyncClient, listener: tuple[int, list[int]], url: str, reason: str
) -> None:
    port, accepted = listener
    result = await Fetcher(client).fetch(
        untrusted(url.format(port=port)), etag=None, last_modified=None
    )
    assert result.error is not None and reason in result.error
    assert result.status == 0
    assert accepted == []


async def test_a_trusted_source_on_loopback_is_fetched(
    server: Server, client: httpx.AsyncClient
) -> None:
    result = await Fetcher(client).fetch(server.source("/feed"), etag=None, last_modified=None)
    assert result.error is None


async def _say_public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-loopback", "refused: 127.0.0.1 is a loopback address"),
        ("/to-metadata", "refused: 169.254.169.254 is a link-local address"),
    ],
)
async def test_every_redirect_hop_is_checked(
    server: Server, client: httpx.AsyncClient, path: str, reason: str
) -> None:
    # "localhost" passes as public here (a stand-in for a public host), and the server behind
    # it redirects inward: the second hop must be refused before it is sent.
    port = httpx.URL(server.base).port
    fetcher = Fetcher(client, resolve=_say_public)
    result = await fetcher.fetch(
        untrusted(f"http://localhost:{port}{path}"), etag=None, last_modified=None
    )
    assert result.error == reason
    assert [r.path for r in server.requests] == [path]


Reply = tuple[int, dict[str, str], bytes]


def recording_client(routes: dict[str, Reply]) -> tuple[httpx.AsyncClient, list[str]]:
    """A client whose transport answers from ``routes`` and records every request sent."""
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        status, headers, body = routes[str(request.url)]
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    return httpx.AsyncClient(transport=httpx.MockTransport(handle)), seen


async def test_https_to_http_redirect_is_refused_for_untrusted_sources() -> None:
    down: Reply = (301, {"Location": "http://feeds.example/feed"}, b"")
    client, seen = recording_client(
        {"https://feeds.example/feed": down, "http://feeds.example/feed": (200, {}, FEED)}
    )
    async with client:
        fetcher = Fetcher(client, resolve=_say_public)
        result = await fetcher.fetch(
            untrusted("https://feeds.example/feed"), etag=None, last_modified=None
        )
    assert result.error == "refused: redirect from https to http (http://feeds.example/feed)"
    assert seen == ["https://feeds.example/feed"]


# --- server hints and permanent redirects ----------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "permanent"),
    [
        ([301], "https://b.example/feed"),
        ([308, 301], "https://c.example/feed"),
        ([301, 302], "https://b.example/feed"),  # only the permanent part of the chain counts
        ([302, 301], None),
        ([307], None),
    ],
)
async def test_permanent_redirects_name_the_new_url(
    chain: list[int], permanent: str | None
) -> None:
    hosts = ["a", "b", "c", "d"]
    routes: dict[str, Reply] = {
        f"https://{hosts[n]}.example/feed": (
            status,
            {"Location": f"https://{hosts[n + 1]}.example/feed"},
            b"",
        )
        for n, status in enumerate(chain)
    }
    routes[f"https://{hosts[len(chain)]}.example/feed"] = (200, {}, FEED)
    client, seen = recording_client(routes)
    async with client:
        source = Source(name="a", title="A", url="https://a.example/feed")
        result = await Fetcher(client).fetch(source, etag=None, last_modified=None)
    assert (result.error, result.permanent_url) == (None, permanent)
    assert len(seen) == len(chain) + 1


async def test_retry_after_and_max_age_are_reported() -> None:
    routes: dict[str, Reply] = {
        "https://a.example/busy": (429, {"Retry-After": "120"}, b""),
        "https://a.example/down": (503, {"Retry-After": "later"}, b""),
        "https://a.example/gone": (404, {"Retry-After": "120"}, b""),
        "https://a.example/fresh": (200, {"Cache-Control": "max-age=600"}, FEED),
        "https://a.example/same": (304, {"Cache-Control": "max-age=60"}, b""),
    }
    client, _ = recording_client(routes)
    results = {}
    async with client:
        for path in ("busy", "down", "gone", "fresh", "same"):
            source = Source(name=path, title=path, url=f"https://a.example/{path}")
            results[path] = await Fetcher(client).fetch(source, etag=None, last_modified=None)
    assert (results["busy"].status, results["busy"].retry_after) == (429, 120)
    assert results["busy"].error == "HTTP 429 Too Many Requests"
    assert results["down"].retry_after is None
    assert results["gone"].retry_after is None  # only 429 and 503 ask us to come back later
    assert (results["fresh"].max_age, results["fresh"].body) == (600, FEED)
    assert (results["same"].status, results["same"].max_age) == (304, 60)
