"""Ingest end to end: feed bytes -> stored items -> matches -> outbox rows, on a real SQLite file.

    python -m bench.bench_ingest [--scale 1.0]

A fake fetcher hands the real Pipeline feed documents of fresh items (a mix of Belgorod,
Kharkiv, Kursk and unrelated news, like the seeds); 1,000 chats follow regions and watch
terms (each chat one region of all ~110 and one of 1,000 terms), so matched items become
outbox rows for a handful of chats each, as in a real deployment. Target: at least 10,000 items/s,
the median of three runs, each on a new database. (The rate falls as the database grows: a
run of fifty polls measured 10,200 items/s over its first ten and 8,300 over its last ten,
with 165,000 outbox rows stored.)
A second figure times the source's first poll: 500 items of backlog, stored without alerts.
Two more read the database those polls leave: its size an item (what `[storage] keep_days`
days of items take on disk), and how fast retention forgets it all once it has aged.
Another repeats the first against a day of 20,000 items from 200 other sources already stored
(their words drawn from the dev corpus's Russian items, as often as they occur there): what
clustering each new item against the day's story pool costs (bench_stories times that alone),
with story_pool_items raised to hold the whole day (by default a language keeps 10,000).
The last repeats that at the default story_pool_items, which holds half the day: the pool
forgets its oldest quarter every 2,500 new items, the steady state of a busy deployment.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.figures import Figure, bench_main

TEMPLATES = [
    ("Дроны атаковали дома в Белгородской области", "Ночью беспилотники повредили дома."),
    ("Обстрел Харькова: повреждены линии электропередачи", "В Харькове отключение света."),
    ("В Курской области сбиты беспилотники", "Работала ПВО, взрывы слышали в Курске."),
    ("Курс рубля и нефть", "Биржевые новости без регионов."),
    ("Фестиваль цветов открылся", "Погода тёплая, гостей много."),
]
RUNS = 3
TERMS = ["дрон", "обстрел", "взрыв", "ПВО", "отключение света"] + [f"термин{n}" for n in range(995)]


def document(batch: int, items: int) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>b</title>']
    for n in range(items):
        title, text = TEMPLATES[n % len(TEMPLATES)]
        parts.append(
            f"<item><guid>b{batch}-{n}</guid><title>{title}: сводка {batch}-{n}</title>"
            f"<link>https://bench.example/{batch}/{n}</link>"
            f"<description>{text} Выпуск {batch}, сообщение {n}, код {batch * 7919 + n}."
            "</description>"
            "<pubDate>Fri, 10 May 2024 06:00:00 +0300</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


DAY_SOURCES = 200


def day_rows(
    count: int, now: float, first: int = 0, source: Callable[[int], str] | None = None
) -> list[tuple[str, str, str, float, int, str]]:
    """(source, key, text, fetched_at, story id, stored story terms) of `count` items of the
    last 20 hours, 40 words each drawn from the dev corpus's Russian items; ids (each item its
    own story's) after `first`, sources named by `source` of the id (DAY_SOURCES of them)."""
    from bench.bench_stories import corpus_words
    from bot.store.stories import encode
    from bot.stories import NO_REGIONS, kept, story_terms

    name = source or (lambda n: f"day{n % DAY_SOURCES}")
    words = corpus_words("ru")
    rng = random.Random(3)
    found = []
    for n in range(first + 1, first + count + 1):
        text = " ".join(rng.choices(words, k=40))
        terms = encode(kept(story_terms("", text)), NO_REGIONS)
        fetched = now - 72_000 * (first + count + 1 - n) / count
        found.append((name(n), f"d{n}", text, fetched, n, terms))
    return found


def day_inserts(rows: list[tuple[str, str, str, float, int, str]]) -> list[tuple[str, list[Any]]]:
    """The statements (SQL, rows of values) that store day_rows, in their stories, as polls
    would have left them."""
    return [
        (
            "INSERT INTO stories (id, language, first_item_id, created_at, last_seen_at) "
            "VALUES (?, 'ru', ?, ?, ?)",
            [(story, story, fetched, fetched) for _, _, _, fetched, story, _ in rows],
        ),
        (
            "INSERT INTO items (id, source, key, title, text, language, published_at,"
            " fetched_at, story_id, story_terms) VALUES (?, ?, ?, '', ?, 'ru', ?, ?, ?, ?)",
            [
                (story, source, key, text, fetched, fetched, story, terms)
                for source, key, text, fetched, story, terms in rows
            ],
        ),
    ]


async def store_day(conn: Any, count: int, now: float) -> None:
    """A day of other sources' items, in their stories, as polls would have left them."""
    from bot.models import Source
    from bot.store import sources

    await sources.upsert_sources(
        conn,
        [
            Source(name=f"day{n}", title=f"Day {n}", url=f"https://day.example/{n}")
            for n in range(DAY_SOURCES)
        ],
    )
    for sql, values in day_inserts(day_rows(count, now)):
        await conn.executemany(sql, values)


Measured = tuple[float, float, float, float]


async def measure(
    batches: int, items: int, chats_count: int, day: int = 0, pool_items: int | None = None
) -> Measured:
    """(items/s of the polls after the first, items/s of the first: a backlog, stored
    without alerts, KB of database an item with its alerts, rows a second that retention
    forgets when all of it has aged); `day`: items of other sources stored first
    (`store_day`); `pool_items`: the story pool's `story_pool_items` (default: the whole day)."""
    from bot.clock import FixedClock
    from bot.collector import collect_rarely
    from bot.config import DeliverySettings, PollingSettings
    from bot.gil import share_finely
    from bot.matching.gazetteer import Gazetteer
    from bot.matching.item_matcher import ItemMatcher
    from bot.matching.keywords import KeywordIndex
    from bot.models import FetchResult, Source
    from bot.pipeline import Pipeline
    from bot.store import chats, sources
    from bot.store.db import Database
    from bot.store.retention import forget_before
    from bot.store.stories import POOL_ITEMS

    bodies = [document(b, items) for b in range(batches + 1)]
    share_finely()  # as `Lookout.start` does
    collect_rarely()

    class FeedBytes:
        def __init__(self) -> None:
            self.batch = 0

        async def fetch(
            self, source: Source, *, etag: str | None, last_modified: str | None
        ) -> FetchResult:
            body = bodies[self.batch]
            self.batch += 1
            return FetchResult(source.name, 200, body)

    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")
        source = Source(name="bench", title="Bench", url="https://bench.example/rss")
        index = KeywordIndex()
        for term in TERMS:
            index.add(term)
        gazetteer = Gazetteer.load()
        regions = [region.code for region in gazetteer.regions()]
        clock = FixedClock(datetime(2024, 5, 10, 12, tzinfo=UTC))
        async with db.write() as conn:
            await sources.upsert_sources(conn, [source])
            if day:
                await store_day(conn, day, clock.now().timestamp())
            for chat_id in range(1, chats_count + 1):
                await chats.ensure_chat(
                    conn, chat_id, chat_type="private", title=None, language="ru", now=0
                )
                await chats.subscribe(conn, chat_id, regions[chat_id % len(regions)], 0)
                await chats.watch(conn, chat_id, TERMS[chat_id % len(TERMS)], 0)
        pipeline = Pipeline(
            db,
            FeedBytes(),
            ItemMatcher(gazetteer, index),
            clock,
            PollingSettings(),
            lambda code, lang: code,
            # the whole day in the story pool, as where story_pool_items is raised to hold it
            delivery=DeliverySettings(story_pool_items=pool_items or max(day, POOL_ITEMS)),
        )
        state = (await sources.all_sources(db.conn))[0]
        started = time.perf_counter()
        await pipeline.poll(state)  # primes: the backlog is stored without alerts
        priming = time.perf_counter() - started
        started = time.perf_counter()
        alerts = 0
        for _ in range(batches):
            state = (await sources.all_sources(db.conn))[0]
            alerts += (await pipeline.poll(state)).alerts
        elapsed = time.perf_counter() - started
        async with db.conn.execute(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"
        ) as cur:
            row = await cur.fetchone()
        size = row[0] if row else 0
        started = time.perf_counter()
        forgotten = await forget_before(db, clock.now().timestamp() + 1)
        forgetting = time.perf_counter() - started
        await db.close()
    assert alerts > 0
    rows = forgotten.outbox_rows + forgotten.alert_bodies + forgotten.items + forgotten.stories
    return (
        batches * items / elapsed,
        items / priming,
        size / 1024 / ((batches + 1) * items + day),
        rows / forgetting,
    )


def figures(scale: float) -> list[Figure]:
    batches = max(2, int(10 * scale))
    # three runs, each on a new database: one run's ten polls last half a second, and its
    # figure varied by 15% from one run to the next
    runs = [asyncio.run(measure(batches, 500, 1000)) for _ in range(RUNS)]
    rate = statistics.median(run[0] for run in runs)
    priming = statistics.median(run[1] for run in runs)
    disk = statistics.median(run[2] for run in runs)
    forgetting = statistics.median(run[3] for run in runs)
    day = int(20_000 * scale)
    against_day = statistics.median(
        asyncio.run(measure(batches, 500, 1000, day))[0] for _ in range(RUNS)
    )
    # the default pool (POOL_ITEMS, at --scale 1) holds half that day: it forgets its oldest
    # quarter every POOL_ITEMS / 4 new items, as a busy deployment's pool does all day long
    from bot.store.stories import POOL_ITEMS

    pool = min(POOL_ITEMS, max(day // 2, 4))
    steady = statistics.median(
        asyncio.run(measure(batches, 500, 1000, day, pool))[0] for _ in range(RUNS)
    )
    return [
        Figure(
            "ingest: feed bytes to outbox rows",
            rate,
            "items/s",
            target=10_000,
            note=f"the median of {RUNS} runs, each of {batches} polls of 500 new items on a new "
            "database",
        ),
        Figure("ingest: a new source's first poll (backlog)", priming, "items/s"),
        Figure(
            "ingest: database an item, with its alerts",
            disk,
            "KB",
            higher_is_better=False,
            note="the SQLite file after those polls (items, stories, 6.6 outbox rows and 1.6 "
            "alert bodies an item, indexes) over the items stored: what `[storage] keep_days` "
            "days of them take",
        ),
        Figure(
            "retention: rows forgotten",
            forgetting,
            "rows/s",
            note="bot.store.retention, once every row of those polls has aged past keep_days: "
            "2,000 rows a transaction, oldest first",
        ),
        Figure(
            f"ingest against a day of {day:,} other sources' items",
            against_day,
            "items/s",
            note=f"as the first, with {day:,} items of {DAY_SOURCES} other sources stored first"
            " (words from the dev corpus's Russian items): the story pool's cost",
        ),
        Figure(
            "ingest against that day, the story pool forgetting as it goes",
            steady,
            "items/s",
            note=f"as the one before, with story_pool_items at {pool:,} (the default at "
            f"--scale 1): the pool keeps the day's latest {pool:,} and forgets its oldest "
            f"quarter every {pool // 4:,} new items (StoryIndex.drop_first)",
        ),
    ]


if __name__ == "__main__":
    bench_main(figures, __doc__)
