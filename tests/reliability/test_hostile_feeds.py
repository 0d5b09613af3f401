"""Hostile feed documents: entity bombs, XXE, external DTDs and XInclude, absurd nesting.

The parser (lxml with no DTD, no entity resolution, no network) must parse or refuse each
within bounds, reading no file and no URL. The documents go through parse_feed in a child
process, which reports how much its peak RSS grew (ru_maxrss) and the CPU time it took; the
secret file's text must never come out, and the hit-counting server on 127.0.0.1 must see no
request. A JSON Feed nested 200,000 levels deep is then polled through the Pipeline with
another source: it records a clean error and the other source is still polled.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.clock import FixedClock
from bot.matching.gazetteer import Gazetteer
from bot.sources.fetch import make_client
from bot.store import sources as source_store
from tests.reliability.rig import START, FeedServer, count, open_pipeline, prepare, rss

SECRET = "LOOKOUT-SECRET-7f3a9c"
MAX_GROWTH_KB = 50 * 1024  # the bound: 50 MB for the whole set
CHILD_TIMEOUT = 60  # a generous limit for the child; its CPU seconds are reported, not asserted

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from bot.errors import FeedError
from bot.sources.parse import parse_feed

def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

documents = json.loads(Path(sys.argv[1]).read_text())
parse_feed(b"<rss><channel><item><title>warm</title></item></channel></rss>")
parse_feed(b'{"items": []}')
parse_feed(b"<div class='tgme_widget_message' data-post='c/1'>x</div>", kind="telegram")
base = peak_kb()
report = {}
for name, (kind, text) in documents.items():
    started = time.process_time()
    try:
        entries = parse_feed(text.encode("utf-8"), url="http://example.com/feed", kind=kind)
        outcome = "parsed " + repr([(e.guid, e.link, e.title, e.text) for e in entries])
    except FeedError as exc:
        outcome = "FeedError " + str(exc)
    report[name] = {"outcome": outcome[:20000], "cpu": time.process_time() - started,
                    "growth_kb": peak_kb() - base}
print(json.dumps(report))
"""


def billion_laughs() -> str:
    lines = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = f"&lol{level - 1};" if level > 1 else "&lol;"
        lines.append(f'<!ENTITY lol{level} "{previous * 10}">')
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(lines)}]>'
        "<rss><channel><item><title>&lol9;</title><description>&lol9;</description>"
        "</item></channel></rss>"
    )


def quadratic_blowup() -> str:
    # One 50 kB entity referenced 50,000 times: 2.5 GB if anything expanded it.
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"x" * 50_000}">]>'
        f"<rss><channel><item><title>t</title><description>{'&a;' * 50_000}</description>"
        "</item></channel></rss>"
    )


def hostile_documents(secret_file: Path, base: str) -> dict[str, tuple[str, str]]:
    file_url = secret_file.as_uri()
    deep_objects = '{"items": [' + '{"a":' * 200_000 + "1" + "}" * 200_000 + "]}"
    item = "<rss><channel><item><guid>g</guid><title>{0}</title><description>{0}</description>"
    item += "<link>http://example.com/x</link></item></channel></rss>"
    xinclude = (
        '<rss xmlns:xi="http://www.w3.org/2001/XInclude"><channel><item><title>'
        '<xi:include href="{}" parse="text"/></title></item></channel></rss>'
    )
    return {
        "billion laughs": ("feed", billion_laughs()),
        "quadratic blowup": ("feed", quadratic_blowup()),
        "xxe file": ("feed", f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{file_url}">]>' + item.format("&x;")),  # noqa: E501
        "xxe file (Atom)": (
            "feed",
            f'<!DOCTYPE feed [<!ENTITY x SYSTEM "{file_url}">]>'
            "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>1</id><title>&x;</title>"
            "<content type='html'>&x;</content></entry></feed>",
        ),
        "xxe url": ("feed", f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{base}/e">]>{item.format("&x;")}'),
        "parameter entity": (
            "feed",
            f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{base}/parameter"> %p;]>' + item.format("&e;"),
        ),
        "external dtd": ("feed", f'<!DOCTYPE rss SYSTEM "{base}/dtd">' + item.format("&e;")),
        "public dtd": (
            "feed",
            f'<!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{base}/public">' + item.format("t"),
        ),
        "xinclude file": ("feed", xinclude.format(file_url)),
        "xinclude url": ("feed", xinclude.format(f"{base}/xinclude")),
        "stylesheet": ("feed", f'<?xml-stylesheet href="{base}/xsl"?>' + item.format("t")),
        "xml:base file": (
            "feed",
            f"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='{file_url}'><entry><id>1</id>"
            "<title>t</title><link href='x'/></entry></feed>",
        ),
        "deep xml": ("feed", "<rss><channel><item><title>" + "<b>" * 200_000 + "t</title></item>"),
        "deep json": ("feed", '{"items": ' + "[" * 200_000 + "]" * 200_000 + "}"),
        "deep json objects": ("feed", deep_objects),
        "channel page xxe": (
            "telegram",
            f'<!DOCTYPE html [<!ENTITY x SYSTEM "{file_url}">]>'
            "<div class='tgme_widget_message' data-post='c/1'>"
            f"<div class='tgme_widget_message_text'>&x;<iframe src='{base}/iframe'></iframe>"
            f"<img src='{base}/img'><link rel='stylesheet' href='{base}/css'></div></div>",
        ),
        "channel page laughs": ("telegram", billion_laughs().replace("rss", "html")),
    }  # fmt: skip


@pytest.fixture
async def trap() -> AsyncIterator[FeedServer]:
    """Answers anything with the secret, so a fetch would show; counts every hit."""

    async def bait(request: web.Request) -> web.StreamResponse:
        return web.Response(text=f'<!ENTITY e "{SECRET}">{SECRET}')

    server = FeedServer(routes={"/{tail:.*}": bait})
    await server.start()
    yield server
    await server.stop()


async def test_entity_bombs_xxe_and_deep_nesting_stay_within_bounds(
    tmp_path: Path, trap: FeedServer
) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    documents = hostile_documents(secret_file, trap.base)
    (tmp_path / "documents.json").write_text(json.dumps(documents))
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, str(tmp_path / "documents.json"),
        cwd=Path(__file__).resolve().parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(child.communicate(), CHILD_TIMEOUT)
    assert child.returncode == 0, err.decode()[-3000:]
    report = json.loads(out)
    assert set(report) == set(documents)
    for name, found in report.items():
        assert SECRET not in found["outcome"], name  # no file was read
        assert found["outcome"].startswith(("parsed", "FeedError")), name
    assert trap.hits == {}  # no URL was fetched
    assert max(found["growth_kb"] for found in report.values()) < MAX_GROWTH_KB
    assert report["billion laughs"]["outcome"].count("lol") < 100  # nothing was expanded
    assert "FeedError" in report["deep json"]["outcome"]
    figures = {name: (round(f["cpu"], 3), f["growth_kb"]) for name, f in report.items()}
    print("cpu seconds, peak RSS growth kB:", figures)


# --- the deep JSON Feed through the Pipeline, next to a good source ---------------------------


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


async def test_a_json_feed_nested_200000_deep_is_refused_and_polling_goes_on(
    tmp_path: Path, client: httpx.AsyncClient, gazetteer: Gazetteer
) -> None:
    deep = ('{"items": ' + "[" * 200_000 + "]" * 200_000 + "}").encode()

    async def nested(request: web.Request) -> web.StreamResponse:
        return web.Response(body=deep, content_type="application/feed+json")

    async def good(request: web.Request) -> web.StreamResponse:
        return web.Response(body=rss(("a", "Взрыв")), content_type="application/rss+xml")

    server = FeedServer(routes={"/deep.json": nested, "/good.xml": good})
    await server.start()
    try:
        db, pipeline = await open_pipeline(
            tmp_path / "lookout.sqlite3", client, gazetteer, FixedClock(START)
        )
        sources = [server.source("deep", "/deep.json"), server.source("good", "/good.xml")]
        await prepare(db, sources)
        outcomes = {o.source: o for o in await pipeline.poll_all()}
        assert (
            outcomes["deep"].error
            == "not a readable feed: not a readable JSON feed: it is nested too deeply"
        )
        assert outcomes["good"].error is None and outcomes["good"].new_items == 1
        state = await source_store.get_source(db.conn, "deep")
        assert state is not None and state.failures == 1 and state.last_error
        assert await count(db, "SELECT count(*) FROM items WHERE source = 'good'") == 1
        await db.close()
    finally:
        await server.stop()
