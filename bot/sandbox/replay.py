"""Feed replay: a local HTTP server that serves the sample feeds in ``seeds/`` as if they were live.

    seeds/*.xml, seeds/telegram/*.html --read once--> documents, items sorted oldest first
    --> each feed shows its ``initial`` oldest items
    --> every ``interval`` seconds one more item is revealed (round-robin over feeds, oldest first)
    --> GET /feeds/<file> serves the document cut down to its revealed items, with ETag and
        Last-Modified, answering 304 to a matching If-None-Match / If-Modified-Since.

Items keep their original dates; once every item is shown the feed stops changing. Last-Modified
is the newest revealed item's date, so it grows with every reveal. Time comes from the injected
``clock`` and is only read when a request arrives or a caller publishes, so tests drive it with
a fake clock and never sleep. Seed files are read when FeedReplay is built; nothing else touches
the disk. For the demo and tests only: it binds 127.0.0.1 and trusts its (our own) seed files.

    python -m bot.sandbox.replay --port 8090
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Literal

from aiohttp import web
from lxml import etree, html

from bot.models import Source

__all__ = ["FeedReplay", "ReplayFeed", "main", "sources_for"]

logger = logging.getLogger(__name__)

_ATOM = "{http://www.w3.org/2005/Atom}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANGUAGE_PART = re.compile(r"[a-z]{2}")
_TELEGRAM_WRAPS = etree.XPath(
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message_wrap ')]"
)
_CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "telegram": "text/html; charset=utf-8",
}

FeedKind = Literal["feed", "telegram"]
_Format = Literal["rss", "atom", "telegram"]


@dataclass(frozen=True, slots=True)
class ReplayFeed:
    """One seed file served by the replay, as a source would be configured for it."""

    name: str  # file name up to the first dot: "belgorod-today.ru.rss.xml" -> "belgorod-today"
    path: Path
    kind: FeedKind
    language: str
    title: str


@dataclass(frozen=True, slots=True)
class _Rendered:
    body: bytes
    etag: str
    last_modified: datetime | None


@dataclass(slots=True)
class _FeedState:
    feed: ReplayFeed
    format: _Format
    raw: bytes
    dates: list[datetime]  # one per item, in document order
    order: list[int]  # document-order indexes, oldest first
    revealed: int = 0
    cached: tuple[int, _Rendered] | None = field(default=None)

    @property
    def exhausted(self) -> bool:
        return self.revealed >= len(self.order)


class FeedReplay:
    """Serves every seed feed over HTTP, revealing one more item every ``interval`` seconds."""

    def __init__(
        self,
        seeds_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        interval: float = 5.0,
        initial: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._host = host
        self._port = port
        self._interval = interval
        self._clock = clock
        states = [_load(path, initial) for path in _seed_paths(seeds_dir)]
        self._states = {state.feed.name: state for state in states}
        if len(self._states) != len(states):
            raise ValueError(f"two seed files in {seeds_dir} share a feed name")
        self._by_file = {state.feed.path.name: state for state in states}
        self._cursor = 0
        self._started_at: float | None = None
        self._ticks = 0
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("replay already started")
        app = web.Application()
        app.router.add_get("/", self._index)
        app.router.add_get("/feeds/{filename}", self._serve_file)
        app.router.add_get("/s/{channel}", self._serve_channel)  # mimics t.me/s/<channel>
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._runner = runner
        self._bound_port = int(runner.addresses[0][1])
        self._started_at = self._clock()
        self._ticks = 0
        logger.info("replay_started url=%s feeds=%d", self.base_url, len(self._states))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._bound_port = None

    async def __aenter__(self) -> FeedReplay:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._bound_port is None:
            raise RuntimeError("replay not started")
        return f"http://{self._host}:{self._bound_port}"

    def feeds(self) -> list[ReplayFeed]:
        return [state.feed for state in self._states.values()]

    def url_for(self, name: str) -> str:
        return f"{self.base_url}/feeds/{self._state(name).feed.path.name}"

    def revealed(self, name: str) -> int:
        """How many of the feed's items are being served now."""
        self._advance()
        return self._state(name).revealed

    def reveal_all(self) -> None:
        for state in self._states.values():
            self._reveal(state, len(state.order) - state.revealed)

    def publish_next(self, name: str | None = None) -> None:
        """Reveal one more item of ``name``, or of the next feed round-robin; no-op when shown."""
        self._advance()
        if name is not None:
            self._reveal(self._state(name), 1)
        else:
            self._reveal_round_robin()

    def _state(self, name: str) -> _FeedState:
        try:
            return self._states[name]
        except KeyError:
            raise KeyError(f"no replay feed named {name!r}") from None

    def _advance(self) -> None:
        """Catch up with the clock: one reveal per elapsed interval since start()."""
        if self._started_at is None or self._interval <= 0:
            return
        due = int((self._clock() - self._started_at) // self._interval)
        while self._ticks < due:
            self._ticks += 1
            if not self._reveal_round_robin():
                self._ticks = due
                break

    def _reveal_round_robin(self) -> bool:
        states = list(self._states.values())
        for step in range(len(states)):
            index = (self._cursor + step) % len(states)
            if not states[index].exhausted:
                self._reveal(states[index], 1)
                self._cursor = index + 1
                return True
        return False

    def _reveal(self, state: _FeedState, count: int) -> None:
        before = state.revealed
        state.revealed = min(len(state.order), state.revealed + max(count, 0))
        if state.revealed != before:
            logger.info(
                "replay_reveal feed=%s shown=%d/%d",
                state.feed.name,
                state.revealed,
                len(state.order),
            )

    async def _index(self, request: web.Request) -> web.Response:
        self._advance()
        listing = [
            {
                "name": state.feed.name,
                "kind": state.feed.kind,
                "url": self.url_for(state.feed.name),
                "shown": state.revealed,
                "total": len(state.order),
            }
            for state in self._states.values()
        ]
        return web.json_response(listing)

    async def _serve_file(self, request: web.Request) -> web.Response:
        state = self._by_file.get(request.match_info["filename"])
        if state is None:
            raise web.HTTPNotFound()
        return self._respond(request, state)

    async def _serve_channel(self, request: web.Request) -> web.Response:
        state = self._states.get(request.match_info["channel"])
        if state is None or state.feed.kind != "telegram":
            raise web.HTTPNotFound()
        return self._respond(request, state)

    def _respond(self, request: web.Request, state: _FeedState) -> web.Response:
        self._advance()
        if state.cached is None or state.cached[0] != state.revealed:
            state.cached = (state.revealed, _render(state))
        rendered = state.cached[1]
        headers = {"ETag": rendered.etag, "Cache-Control": "no-cache"}
        if rendered.last_modified is not None:
            headers["Last-Modified"] = format_datetime(rendered.last_modified, usegmt=True)
        if _not_modified(request, rendered):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = _CONTENT_TYPES[state.format]
        return web.Response(body=rendered.body, headers=headers)


def sources_for(replay: FeedReplay, *, interval: int = 30) -> list[Source]:
    """A trusted Source for every feed the replay serves."""
    return [
        Source(
            name=feed.name,
            title=feed.title,
            url=replay.url_for(feed.name),
            kind=feed.kind,
            language=feed.language,
            interval=interval,
            trusted=True,
        )
        for feed in replay.feeds()
    ]


def _seed_paths(seeds_dir: Path) -> list[Path]:
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds directory not found: {seeds_dir}")
    paths = [*seeds_dir.glob("*.xml"), *(seeds_dir / "telegram").glob("*.html")]
    return sorted(paths, key=lambda path: path.name)


def _load(path: Path, initial: int) -> _FeedState:
    raw = path.read_bytes()
    name, *suffixes = path.name.split(".")
    file_language = suffixes[0] if len(suffixes) >= 2 else ""
    if path.suffix == ".html":
        root = _parse(raw, fmt="telegram")
        fmt: _Format = "telegram"
        title = _first(root.xpath("//meta[@property='og:title']/@content"))
        title = title or (root.findtext(".//title") or name)
        doc_language = root.get("lang", "")
    else:
        root = _parse(raw, fmt="rss")
        fmt = "atom" if root.tag == f"{_ATOM}feed" else "rss"
        if fmt == "atom":
            title = root.findtext(f"{_ATOM}title") or name
            doc_language = root.get(_XML_LANG, "")
        else:
            title = root.findtext("channel/title") or name
            doc_language = root.findtext("channel/language") or ""
    language = file_language if _LANGUAGE_PART.fullmatch(file_language) else doc_language
    if not language:
        raise ValueError(f"{path}: no language in the file name or the document")
    dates = [_item_date(fmt, item, path) for item in _items(fmt, root)]
    order = sorted(range(len(dates)), key=lambda index: dates[index])
    feed = ReplayFeed(
        name=name,
        path=path,
        kind="telegram" if fmt == "telegram" else "feed",
        language=language.split("-")[0].lower(),
        title=title.strip(),
    )
    return _FeedState(
        feed=feed,
        format=fmt,
        raw=raw,
        dates=dates,
        order=order,
        revealed=min(max(initial, 0), len(order)),
    )


def _parse(raw: bytes, *, fmt: _Format) -> etree._Element:
    if fmt == "telegram":
        return html.document_fromstring(raw, parser=html.HTMLParser(encoding="utf-8"))
    return etree.fromstring(raw, parser=etree.XMLParser(resolve_entities=False))


def _first(found: object) -> str:
    return str(found[0]) if isinstance(found, list) and found else ""


def _items(fmt: _Format, root: etree._Element) -> list[etree._Element]:
    if fmt == "telegram":
        found = _TELEGRAM_WRAPS(root)
        return [item for item in found if isinstance(item, etree._Element)]  # type: ignore[union-attr]
    if fmt == "atom":
        return root.findall(f"{_ATOM}entry")
    return root.findall("channel/item")


def _item_date(fmt: _Format, item: etree._Element, path: Path) -> datetime:
    if fmt == "rss":
        text = item.findtext("pubDate")
        moment = parsedate_to_datetime(text) if text else None
    elif fmt == "atom":
        text = item.findtext(f"{_ATOM}published") or item.findtext(f"{_ATOM}updated")
        moment = datetime.fromisoformat(text) if text else None
    else:
        text = _first(item.xpath(".//time/@datetime"))
        moment = datetime.fromisoformat(text) if text else None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{path}: an item has no date with a time zone")
    return moment


def _render(state: _FeedState) -> _Rendered:
    """The seed document with only the revealed items, dated by the newest of them."""
    root = _parse(state.raw, fmt=state.format)
    shown = set(state.order[: state.revealed])
    for index, item in enumerate(_items(state.format, root)):
        if index not in shown:
            parent = item.getparent()
            if parent is not None:
                parent.remove(item)
    newest = max((state.dates[index] for index in shown), default=None)
    if newest is not None:
        _stamp_updated(state.format, root, newest)
    if state.format == "telegram":
        body = html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8")
    else:
        body = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return _Rendered(
        body=body,
        etag=etag,
        last_modified=newest.astimezone(UTC) if newest is not None else None,
    )


def _stamp_updated(fmt: _Format, root: etree._Element, newest: datetime) -> None:
    if fmt == "rss":
        element = root.find("channel/lastBuildDate")
        if element is not None:
            element.text = format_datetime(newest)
    elif fmt == "atom":
        element = root.find(f"{_ATOM}updated")
        if element is not None:
            element.text = newest.isoformat()


def _not_modified(request: web.Request, rendered: _Rendered) -> bool:
    # RFC 9110 13.2.2: If-None-Match, when present, decides alone.
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or rendered.etag in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if not if_modified_since or rendered.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return rendered.last_modified.replace(microsecond=0) <= since


async def _serve_forever(replay: FeedReplay, interval: float) -> None:
    await replay.start()
    try:
        for feed in replay.feeds():
            print(f"{feed.name:<16} {feed.kind:<8} {replay.url_for(feed.name)}", flush=True)
        while True:  # reveals are lazy; poke the clock so the log shows them as they happen
            await asyncio.sleep(max(min(interval, 1.0), 0.1))
            replay.revealed(replay.feeds()[0].name)
    finally:
        await replay.stop()


def main(argv: Sequence[str] | None = None) -> None:
    default_seeds = Path(__file__).resolve().parents[2] / "seeds"
    parser = argparse.ArgumentParser(
        prog="python -m bot.sandbox.replay", description="Serve the seed feeds as live sources."
    )
    parser.add_argument("--seeds", type=Path, default=default_seeds, help="seed directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between reveals")
    parser.add_argument("--initial", type=int, default=3, help="items shown from the start")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    replay = FeedReplay(
        args.seeds,
        host=args.host,
        port=args.port,
        interval=args.interval,
        initial=args.initial,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(replay, args.interval))


if __name__ == "__main__":
    main()
