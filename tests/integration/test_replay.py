"""The feed replay over real HTTP on 127.0.0.1, and the seed files it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from lxml import etree, html

from bot.sandbox.replay import FeedReplay, sources_for

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FILES = sorted([*SEEDS.glob("*.xml"), *(SEEDS / "telegram").glob("*.html")])
ATOM = "{http://www.w3.org/2005/Atom}"
INTERVAL = 10.0
INITIAL = 3


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def seed_items(body: bytes, *, telegram: bool) -> list[tuple[str, datetime]]:
    """(guid, date) of every item in a feed document, in document order."""
    if telegram:
        root = html.document_fromstring(body)
        return [
            (post.get("data-post", ""), datetime.fromisoformat(post.xpath(".//time/@datetime")[0]))
            for post in root.xpath("//div[@data-post]")
        ]
    root = etree.fromstring(body)
    if root.tag == f"{ATOM}feed":
        return [
            (
                entry.findtext(f"{ATOM}id", ""),
                datetime.fromisoformat(entry.findtext(f"{ATOM}published", "")),
            )
            for entry in root.findall(f"{ATOM}entry")
        ]
    return [
        (item.findtext("guid", ""), parsedate_to_datetime(item.findtext("pubDate", "")))
        for item in root.findall("channel/item")
    ]


def oldest_guids(path: Path, count: int) -> list[str]:
    items = seed_items(path.read_bytes(), telegram=path.suffix == ".html")
    return [guid for guid, _ in sorted(items, key=lambda item: item[1])[:count]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def replay(clock: FakeClock) -> AsyncIterator[FeedReplay]:
    async with FeedReplay(SEEDS, interval=INTERVAL, initial=INITIAL, clock=clock) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


async def served_guids(http: httpx.AsyncClient, replay: FeedReplay, name: str) -> list[str]:
    response = await http.get(replay.url_for(name))
    assert response.status_code == 200
    kind = next(feed.kind for feed in replay.feeds() if feed.name == name)
    return [guid for guid, _ in seed_items(response.content, telegram=kind == "telegram")]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.name)
def test_seed_file_is_well_formed_with_unique_guids_and_dates(path: Path) -> None:
    items = seed_items(path.read_bytes(), telegram=path.suffix == ".html")
    guids = [guid for guid, _ in items]
    dates = [date for _, date in items]
    assert 8 <= len(items) <= 15
    assert all(guids) and len(set(guids)) == len(guids)
    # Unique dates keep Last-Modified strictly growing as items are revealed.
    assert len(set(dates)) == len(dates)
    assert all(date.tzinfo is not None and date.year == 2024 for date in dates)


def test_seed_stories_repeat_across_sources_for_dedup_tests() -> None:
    text = {path.name.split(".")[0]: path.read_text(encoding="utf-8") for path in SEED_FILES}
    raid = {"belgorod-today": "Грайворон", "kharkiv-news": "Грайворона", "wire-en": "Graivoron"}
    drones = {
        "belgorod-today": "дроны атаковали жилые дома в Белгородской области",
        "kharkiv-news": "На Бєлгородщині вночі дрони",
        "wire-en": "MOSCOW – Drones damaged five private houses",
        "belgorod_gov": "беспилотники атаковали два села",
    }
    for name, phrase in [*raid.items(), *drones.items()]:
        assert phrase in text[name], (name, phrase)


def test_feeds_are_discovered_with_names_kinds_and_languages(clock: FakeClock) -> None:
    replay = FeedReplay(SEEDS, clock=clock)
    found = {feed.name: (feed.kind, feed.language) for feed in replay.feeds()}
    assert found == {
        "belgorod-today": ("feed", "ru"),
        "belgorod_gov": ("telegram", "ru"),
        "kharkiv-news": ("feed", "uk"),
        "kursk-channel": ("feed", "ru"),
        "moscow-city": ("feed", "ru"),
        "wire-en": ("feed", "en"),
    }
    assert all(feed.title for feed in replay.feeds())


async def test_each_feed_starts_with_its_oldest_items(
    replay: FeedReplay, http: httpx.AsyncClient
) -> None:
    for feed in replay.feeds():
        served = await served_guids(http, replay, feed.name)
        assert sorted(served) == sorted(oldest_guids(feed.path, INITIAL)), feed.name


async def test_publish_next_reveals_the_next_oldest_item_of_that_feed_only(
    replay: FeedReplay, http: httpx.AsyncClient
) -> None:
    wire = next(feed for feed in replay.feeds() if feed.name == "wire-en")
    replay.publish_next("wire-en")
    served = await served_guids(http, replay, "wire-en")
    assert sorted(served) == sorted(oldest_guids(wire.path, INITIAL + 1))
    assert len(await served_guids(http, replay, "belgorod-today")) == INITIAL


async def test_publish_next_without_a_name_goes_round_robin(replay: FeedReplay) -> None:
    names = [feed.name for feed in replay.feeds()]
    for _ in names:
        replay.publish_next()
    assert {name: replay.revealed(name) for name in names} == dict.fromkeys(names, INITIAL + 1)


async def test_the_clock_reveals_one_item_per_interval(
    replay: FeedReplay, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    names = [feed.name for feed in replay.feeds()]
    clock.now += INTERVAL * 0.9
    assert sum(replay.revealed(name) for name in names) == INITIAL * len(names)
    clock.now += INTERVAL * 1.2  # two intervals since start
    assert len(await served_guids(http, replay, names[0])) == INITIAL + 1
    assert len(await served_guids(http, replay, names[1])) == INITIAL + 1
    assert sum(replay.revealed(name) for name in names) == INITIAL * len(names) + 2


async def test_unchanged_feed_answers_304_to_its_etag_and_date(
    replay: FeedReplay, http: httpx.AsyncClient
) -> None:
    url = replay.url_for("kharkiv-news")
    first = await http.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    by_etag = await http.get(url, headers={"If-None-Match": etag})
    by_date = await http.get(url, headers={"If-Modified-Since": last_modified})
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag.headers["ETag"] == etag
    assert by_date.status_code == 304
    other = await http.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_changed_feed_gets_a_new_etag_and_later_last_modified(
    replay: FeedReplay, http: httpx.AsyncClient
) -> None:
    url = replay.url_for("kharkiv-news")
    before = await http.get(url)
    replay.publish_next("kharkiv-news")
    conditional = {
        "If-None-Match": before.headers["ETag"],
        "If-Modified-Since": before.headers["Last-Modified"],
    }
    after = await http.get(url, headers=conditional)
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    by_date = await http.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert by_date.status_code == 200
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )


async def test_reveal_all_serves_every_item_then_stops_changing(
    replay: FeedReplay, http: httpx.AsyncClient
) -> None:
    replay.reveal_all()
    for feed in replay.feeds():
        every = seed_items(feed.path.read_bytes(), telegram=feed.kind == "telegram")
        assert len(await served_guids(http, replay, feed.name)) == len(every)
    etag = (await http.get(replay.url_for("wire-en"))).headers["ETag"]
    replay.publish_next()
    replay.publish_next("wire-en")
    again = await http.get(replay.url_for("wire-en"), headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("belgorod-today", "application/rss+xml; charset=utf-8"),
        ("kharkiv-news", "application/atom+xml; charset=utf-8"),
        ("belgorod_gov", "text/html; charset=utf-8"),
    ],
)
async def test_content_type_matches_the_format(
    replay: FeedReplay, http: httpx.AsyncClient, name: str, content_type: str
) -> None:
    response = await http.get(replay.url_for(name))
    assert response.headers["Content-Type"] == content_type


async def test_telegram_channel_is_also_served_at_a_t_me_style_path(
    replay: FeedReplay, http: httpx.AsyncClient
) -> None:
    by_file = await http.get(replay.url_for("belgorod_gov"))
    by_channel = await http.get(f"{replay.base_url}/s/belgorod_gov")
    assert by_channel.status_code == 200
    assert by_channel.content == by_file.content


async def test_unknown_feeds_are_not_found(replay: FeedReplay, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{replay.base_url}/feeds/nope.rss.xml")
    assert response.status_code == 404
    with pytest.raises(KeyError):
        replay.publish_next("nope")


async def test_sources_for_gives_settings_for_every_feed(replay: FeedReplay) -> None:
    sources = sources_for(replay)
    assert [source.name for source in sources] == [feed.name for feed in replay.feeds()]
    for source in sources:
        assert source.url == replay.url_for(source.name)
        assert source.url.startswith("http://127.0.0.1:")
        assert (source.interval, source.trusted) == (30, True)
