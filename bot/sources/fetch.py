"""Fetching a source's document over HTTP(S), politely and within hard limits.

    GET url (If-None-Match / If-Modified-Since, Accept-Encoding: gzip, deflate)
      -> 301/302/303/307/308: follow Location ourselves, at most ``max_redirects`` hops, http(s);
         when every hop so far was permanent (301/308), the result names the new URL
      -> 304: FetchResult(status=304), no body
      -> 2xx: body read raw and inflated here, chunk by chunk, never past ``max_body_bytes``
      -> 429/503: an error result with ``retry_after`` (seconds; from delta-seconds or a date)
      -> anything else: FetchResult(status=<code>, error="HTTP 404 Not Found")

Every answer's Cache-Control max-age / Expires becomes ``max_age``. At most
``per_host_concurrency`` requests go to one host at a time (the global limit is the caller's).
A source that is not ``trusted`` passes the SSRF guard (bot.sources.ssrf) before every hop,
the first included, and may not be redirected from https to http.

The whole exchange, redirects included, runs under one ``total_timeout`` deadline. Failures of
the network, the server or the limits never raise: they come back as a FetchResult whose
``error`` says what went wrong in words an operator understands, with ``status`` 0 when no
response arrived. A result with ``error`` set is a failure whatever its status. Only bugs raise.

Decompression is ours, not httpx's, because httpx inflates a whole network chunk at once (a
64 KiB gzip chunk of zeros becomes 64 MiB before anyone can count it).

Parses nothing, stores nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from bot.clock import Clock, SystemClock
from bot.config import FetchSettings
from bot.errors import FetchError
from bot.models import FetchResult, Source
from bot.sources.schedule import freshness_lifetime, retry_after_seconds
from bot.sources.ssrf import Resolver, SsrfRefused, check_url, system_resolve

__all__ = ["DEFAULT_USER_AGENT", "FetchLimits", "Fetcher", "make_client"]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "Lookout/0.1 (+https://github.com/lookout-bot)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_RETRY_LATER = frozenset({429, 503})
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much one fetch may take. Seconds and bytes."""

    connect_timeout: float = 5
    read_timeout: float = 15
    total_timeout: float = 30
    max_body_bytes: int = 5_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 4

    @classmethod
    def from_settings(cls, fetch: FetchSettings) -> FetchLimits:
        return cls(
            connect_timeout=fetch.connect_timeout,
            read_timeout=fetch.read_timeout,
            total_timeout=fetch.total_timeout,
            max_body_bytes=fetch.max_body_bytes,
            per_host_concurrency=fetch.per_host_concurrency,
        )


def make_client() -> httpx.AsyncClient:
    """The shared HTTP client: pooled connections, no automatic redirects or decompression."""
    return httpx.AsyncClient(
        follow_redirects=False,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16, keepalive_expiry=30),
        timeout=httpx.Timeout(15.0, connect=5.0),
    )


class _Failed(FetchError):
    """A fetch that ended with an error result; carries the HTTP status seen, if any."""

    def __init__(self, message: str, status: int = 0, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Fetcher:
    """Fetches sources with one shared ``httpx.AsyncClient``; see the module docstring."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        limits: FetchLimits = FetchLimits(),  # frozen, so sharing the default is safe
        user_agent: str = DEFAULT_USER_AGENT,
        *,
        clock: Clock | None = None,
        resolve: Resolver = system_resolve,
    ) -> None:
        self._client = client
        self._limits = limits
        self._user_agent = user_agent
        self._clock = clock or SystemClock()
        self._resolve = resolve
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._timeout = httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.connect_timeout,
        )

    async def fetch(
        self, source: Source, *, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        """The source's document, or why it could not be had. Never raises for I/O problems."""
        try:
            async with asyncio.timeout(self._limits.total_timeout):
                result = await self._follow(source, etag, last_modified)
        except TimeoutError:
            result = self._failure(source, f"timed out after {self._limits.total_timeout:g}s")
        except _Failed as exc:
            result = self._failure(source, str(exc), exc.status, exc.retry_after)
        except SsrfRefused as exc:
            result = self._failure(source, str(exc))
        except httpx.TimeoutException as exc:
            result = self._failure(source, _describe_timeout(exc, self._limits))
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            result = self._failure(source, f"{_describe_transport(exc)}: {exc}".rstrip(": "))
        logger.debug(
            "event=fetch source=%s status=%d bytes=%d error=%s",
            source.name,
            result.status,
            len(result.body),
            result.error,
        )
        return result

    async def _follow(
        self, source: Source, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers = {
            "User-Agent": self._user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        url = httpx.URL(source.url)
        previous: httpx.URL | None = None
        permanent: str | None = None
        all_permanent = True
        for _hop in range(self._limits.max_redirects + 1):
            if url.scheme not in ("http", "https"):
                raise _Failed(f"unsupported URL scheme {url.scheme!r} in {url}")
            if not source.trusted:
                if previous is not None and previous.scheme == "https" and url.scheme == "http":
                    raise _Failed(f"refused: redirect from https to http ({url})")
                await check_url(url, self._resolve)
            request = self._client.build_request("GET", url, headers=headers, timeout=self._timeout)
            async with self._host_slot(url.host):
                response = await self._client.send(request, stream=True)
                try:
                    if response.status_code in _REDIRECTS:
                        previous, url = url, _redirect_target(response)
                        all_permanent = all_permanent and response.status_code in _PERMANENT
                        if all_permanent:
                            permanent = str(url)
                        continue
                    result = await self._result(source, response, etag, last_modified)
                finally:
                    await response.aclose()
                    # httpx's response and its stream refer to each other: without the stream,
                    # reference counting frees both and what they hold (about 40 objects a
                    # request) at once, not the cycle collector later (bot/collector.py)
                    response.stream = httpx.ByteStream(b"")
            if permanent is not None and permanent != source.url:
                return dataclasses.replace(result, permanent_url=permanent)
            return result
        raise _Failed(f"too many redirects (more than {self._limits.max_redirects})")

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self._limits.per_host_concurrency)
        async with slot:
            yield

    async def _result(
        self,
        source: Source,
        response: httpx.Response,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        status = response.status_code
        new_etag = response.headers.get("etag") or None
        new_last_modified = response.headers.get("last-modified") or None
        headers = response.headers
        now = self._clock.now()
        if status == 304:
            return FetchResult(
                source=source.name,
                status=304,
                etag=new_etag or etag,
                last_modified=new_last_modified or last_modified,
                max_age=freshness_lifetime(
                    headers.get("cache-control"), headers.get("expires"), headers.get("date"), now
                ),
            )
        if not 200 <= status < 300:
            reason = response.reason_phrase or ""
            retry_after = None
            if status in _RETRY_LATER:
                retry_after = retry_after_seconds(
                    headers.get("retry-after"), headers.get("date"), now
                )
            raise _Failed(f"HTTP {status} {reason}".strip(), status, retry_after)
        body = await self._read_body(response)
        return FetchResult(
            source=source.name,
            status=status,
            body=body,
            etag=new_etag,
            last_modified=new_last_modified,
            max_age=freshness_lifetime(
                headers.get("cache-control"), headers.get("expires"), headers.get("date"), now
            ),
        )

    async def _read_body(self, response: httpx.Response) -> bytes:
        cap = self._limits.max_body_bytes
        too_big = _Failed(f"body exceeds {cap} bytes", response.status_code)
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity") and declared.isdigit() and int(declared) > cap:
            raise too_big
        inflater = _Inflater(encoding, response.status_code)
        chunks: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw(_CHUNK):
            for piece in inflater.feed(raw):
                size += len(piece)
                if size > cap:
                    raise too_big
                chunks.append(piece)
        inflater.finish()
        return b"".join(chunks)

    @staticmethod
    def _failure(
        source: Source, message: str, status: int = 0, retry_after: float | None = None
    ) -> FetchResult:
        return FetchResult(
            source=source.name, status=status, error=message, retry_after=retry_after
        )


class _Inflater:
    """Content-Encoding undone in bounded steps: no single step yields more than 64 KiB."""

    def __init__(self, encoding: str, status: int) -> None:
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise _Failed(f"unsupported Content-Encoding {encoding!r}", status)
        self._encoding = encoding
        self._status = status
        self._inflate: zlib._Decompress | None = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._encoding in ("", "identity"):
            yield data
            return
        try:
            yield from self._inflate_all(data)
        except zlib.error as exc:
            raise _Failed(f"body is not valid {self._encoding} data: {exc}", self._status) from exc

    def _inflate_all(self, data: bytes) -> Iterator[bytes]:
        if self._inflate is None:
            if not data:
                return
            self._inflate = zlib.decompressobj(self._wbits(data))
        while data:
            piece = self._inflate.decompress(data, _CHUNK)
            if piece:
                yield piece
            data = self._inflate.unconsumed_tail
            if self._inflate.eof:
                data = self._inflate.unused_data
                if not data or self._encoding == "deflate":
                    return  # trailing bytes after a deflate stream are ignored
                self._inflate = zlib.decompressobj(self._wbits(data))  # next gzip member

    def _wbits(self, head: bytes) -> int:
        if self._encoding != "deflate":
            return 16 + zlib.MAX_WBITS
        # "deflate" should be zlib-wrapped, but some servers send a raw deflate stream.
        zlib_header = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS

    def finish(self) -> None:
        if self._inflate is not None and not self._inflate.eof:
            raise _Failed(f"body ends in the middle of its {self._encoding} data", self._status)


def _redirect_target(response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise _Failed(f"HTTP {response.status_code} redirect without a Location header")
    try:
        return response.url.join(location)
    except httpx.InvalidURL as exc:
        raise _Failed(f"redirect to an invalid URL {location!r}") from exc


def _describe_timeout(exc: httpx.TimeoutException, limits: FetchLimits) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect within {limits.connect_timeout:g}s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"server sent nothing for {limits.read_timeout:g}s"
    return f"timed out ({type(exc).__name__})"


def _describe_transport(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "unsupported URL"
    if isinstance(exc, httpx.InvalidURL):
        return "invalid URL"
    return f"HTTP transport error ({type(exc).__name__})"
