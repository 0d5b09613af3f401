"""Memory and start-up at scale: 10,000 sources, 100,000 watch terms, 50,000 chats.

    python -m bench.bench_memory [--scale 1.0]

The parent builds a SQLite file of that size (sources already primed, so their feeds answer
304 as in steady state) and starts a feed server on 127.0.0.1 (bench_poll's, one source in ten
has news). A fresh child process then does what the bot does on start: open the database,
load the gazetteer and every chat's watch terms, and poll every source once. It reports the
time from its first line to the first poll, and its peak RSS after two poll cycles.
Targets: start-up to first poll at most 2 s; at most 150 MB RSS.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import resource  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.figures import Figure, bench_main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def build_database(path: Path, port: int, sources: int, chats: int, terms: int) -> None:
    """A database at the stated size, written with plain sqlite3 for speed."""

    async def migrate() -> None:
        from bot.store.db import Database

        db = await Database.open(path)
        await db.close()

    asyncio.run(migrate())
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO sources (name, title, url, kind, language, interval, trusted, etag, "
            "primed) VALUES (?, ?, ?, 'feed', 'ru', 300, 1, ?, 1)",
            (
                (f"s{n}", f"S{n}", f"http://127.0.0.1:{port}/feed/{n}", f'"{n}"')
                for n in range(sources)
            ),
        )
        conn.executemany(
            "INSERT INTO chats (id, type, language, created_at) VALUES (?, 'private', 'ru', 0)",
            ((chat,) for chat in range(1, chats + 1)),
        )
        # Subscriptions the feed server's news does not hit: this measures what Lookout keeps
        # resident, not an alert storm (bench_ingest and bench_delivery measure those).
        regions = ["RU-KRS", "UA-59", "RU-BRY", "UA-14", "RU-ROS", "UA-23", "UA-65"]
        conn.executemany(
            "INSERT INTO region_subscriptions (chat_id, region, created_at) VALUES (?, ?, 0)",
            ((chat, regions[chat % len(regions)]) for chat in range(1, chats + 1)),
        )
        words = ["взрыв", "эвакуация", "беспилотник", "shelling", "drone", "ППО", "диверсия"]
        conn.executemany(
            "INSERT INTO watch_terms (chat_id, term, created_at) VALUES (?, ?, 0)",
            ((1 + n % chats, words[n] if n < len(words) else f"слово{n}") for n in range(terms)),
        )
    conn.close()


def child(database: str) -> None:
    """What the bot does on start, then two poll cycles; prints figures as JSON."""

    async def run() -> dict[str, float]:
        from datetime import UTC, datetime

        from bot.clock import FixedClock
        from bot.config import PollingSettings
        from bot.matching.gazetteer import Gazetteer
        from bot.matching.item_matcher import ItemMatcher
        from bot.matching.keywords import KeywordIndex
        from bot.pipeline import Pipeline
        from bot.sources.fetch import Fetcher, FetchLimits, make_client
        from bot.store.db import Database
        from bot.subscriptions import Subscriptions

        clock = FixedClock(datetime(2024, 5, 10, 12, tzinfo=UTC))
        db = await Database.open(Path(database))
        gazetteer = Gazetteer.load()
        index = KeywordIndex()
        await Subscriptions(db, gazetteer, index, clock).load_watch_terms()
        polling = PollingSettings()
        async with make_client() as client:
            pipeline = Pipeline(
                db,
                Fetcher(client, FetchLimits(per_host_concurrency=polling.concurrency), clock=clock),
                ItemMatcher(gazetteer, index),
                clock,
                polling,
                lambda code, lang: code,
            )
            startup = time.perf_counter() - STARTED
            outcomes = await pipeline.poll_due()
            clock.advance(2 * 86400)
            outcomes += await pipeline.poll_due()
        await db.close()
        errors = sum(o.error is not None for o in outcomes)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"startup": startup, "rss_mb": rss_mb, "polls": len(outcomes), "errors": errors}

    print(json.dumps(asyncio.run(run())))


def figures(scale: float) -> list[Figure]:
    from bench.bench_poll import _serve

    sources, chats, terms = int(10_000 * scale), int(50_000 * scale), int(100_000 * scale)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(ready, stop), daemon=True)
    server.start()
    try:
        port = ready.get(timeout=30)
        with tempfile.TemporaryDirectory(prefix="lookout-bench-") as tmp:
            database = Path(tmp) / "memory.sqlite3"
            build_database(database, port, sources, chats, terms)
            result = subprocess.run(
                [sys.executable, "-m", "bench.bench_memory", "--child", str(database)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
    finally:
        stop.set()
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    data = json.loads(result.stdout.strip().splitlines()[-1])
    size = f"{sources:,} sources, {terms:,} terms, {chats:,} chats"
    return [
        Figure(
            "memory: peak RSS",
            data["rss_mb"],
            "MB",
            target=150,
            higher_is_better=False,
            note=f"{size}; {int(data['polls'])} polls, {int(data['errors'])} errors",
        ),
        Figure(
            "start-up to first poll",
            data["startup"],
            "s",
            target=2,
            higher_is_better=False,
            note=size,
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        bench_main(figures, __doc__)
