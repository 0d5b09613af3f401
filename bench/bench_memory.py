"""Memory and start-up at scale: 10,000 sources, 100,000 watch terms, 50,000 chats.

    python -m bench.bench_memory [--scale 1.0]

The parent builds a SQLite file of that size (sources already primed, so their feeds answer
304 as in steady state), writes the sources file, and starts one server process on 127.0.0.1
with the feeds (bench_poll's: one source in ten has news on every request) and the sandbox
Bot API. A fresh child process then starts the bot as `run` does, through `Lookout.start()`
(bot/app.py): settings, the sources file, the database, the gazetteer, the Bot API, the poll
loop, every chat's watch queries. Twice: a first start (every watch term's forms expanded with
pymorphy3) and a restart (forms read from the file the first start saved) after a day's run:
the database then holds a day of items in the restart's story window, as many as the story
pool keeps (DeliverySettings.story_pool_items), and its first poll with news reads them in.

Start-up to first poll: from just before the child is spawned (interpreter start and imports
included) to the first feed request reaching the server (the poll's fetches under way), both
read on the wall clock. Also: the time until every watch query is loaded (items fetched
before wait for it), the longest event-loop stall from `start()` returning until the polls
below are done (what a chat's command could wait), and the peak RSS once every watch query is
loaded and two full poll cycles are done (also noted: the peak when the queries were loaded).
The child process a first start expands the forms in is not counted (about 75 MB at its
peak, `/usr/bin/time -v python -m bot.matching.expand_forms`: its ru_maxrss as a child also
counts the parent's pages it was spawned from). Targets: start-up to first poll at most 2 s;
at most 150 MB RSS.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.figures import Figure, bench_main

ROOT = Path(__file__).resolve().parents[1]
DAY = 86400.0
START = datetime(2024, 5, 10, 12, tzinfo=UTC)  # the first start's clock
STARTS = (0, 4)  # days after START: the first start, the restart


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
            "INSERT INTO sources (name, title, url, config_url, kind, language, interval, "
            "trusted, etag, primed) VALUES (?, ?, ?, ?, 'feed', 'ru', 300, 1, ?, 1)",
            (
                (f"s{n}", f"S{n}", feed_url(port, n), feed_url(port, n), f'"{n}"')
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


def store_day(path: Path, count: int, sources: int, now: float) -> None:
    """`count` items of the 20 hours before `now`, in stories, with their story terms (words
    drawn from the dev corpus's Russian items, bench_ingest.day_rows): what the story pool
    reads at a start's first poll, up to its budget (DeliverySettings.story_pool_items)."""
    from bench.bench_ingest import day_inserts, day_rows

    conn = sqlite3.connect(path)
    with conn:
        first = conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
        rows = day_rows(count, now, first, lambda n: f"s{n % sources}")
        for sql, values in day_inserts(rows):
            conn.executemany(sql, values)
    conn.close()


def feed_url(port: int, n: int) -> str:
    return f"http://127.0.0.1:{port}/feed/{n}"


def write_sources(path: Path, port: int, sources: int) -> None:
    """The sources file the bot reads at start, one [[source]] per feed of the database."""
    path.write_text(
        "".join(
            f'[[source]]\nname = "s{n}"\ntitle = "S{n}"\nurl = "{feed_url(port, n)}"\n'
            'language = "ru"\ninterval = 300\n\n'
            for n in range(sources)
        ),
        encoding="utf-8",
    )


def serve(ready: Any, stop: Any, first_request: Any) -> None:
    """The feeds and the sandbox Bot API, in a process of their own so that their CPU is not
    counted as the bot's; `first_request` gets the wall-clock time of the first feed request
    after the parent zeroes it."""
    from aiohttp import web

    from bench.bench_poll import feed_handler
    from bot.sandbox.botapi import BotApiSandbox

    def note_first() -> None:
        if not first_request.value:
            first_request.value = time.time()

    feed = feed_handler(note_first)

    async def main() -> None:
        bot_api = BotApiSandbox()
        await bot_api.start()
        app = web.Application()
        app.router.add_get("/feed/{n}", feed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        ready.put((runner.addresses[0][1], bot_api.base_url, bot_api.token))
        while not stop.is_set():
            await asyncio.sleep(0.05)
        await runner.cleanup()
        await bot_api.stop()

    asyncio.run(main())


class LoopStalls:
    """The longest the event loop was late for a 5 ms timer, while `watch` runs."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + 0.005
            await asyncio.sleep(0.005)
            self.longest = max(self.longest, loop.time() - due)

    def start(self) -> None:
        self._task = asyncio.create_task(self._tick())

    async def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
        return self.longest


def child(database: str, sources_file: str, bot_api: str, token: str, days: float) -> None:
    """The bot's start (`Lookout.start`), then two poll cycles; prints figures as JSON."""

    async def run() -> dict[str, float]:
        from dataclasses import replace

        from bot.app import Lookout
        from bot.clock import FixedClock
        from bot.config import PollingSettings, Settings, load_sources
        from bot.store import sources as source_store

        clock = FixedClock(START)
        clock.advance(days * DAY)  # every source due again
        settings = Settings(
            database=Path(database),
            sources_file=Path(sources_file),
            # The loop polls once at start; the second cycle is polled below.
            polling=replace(PollingSettings(), tick_seconds=3600),
        )
        sources = load_sources(settings.sources_file)
        lookout = Lookout(settings, token=token, sources=sources, bot_api_base=bot_api, clock=clock)
        stalls = LoopStalls()
        await lookout.start()
        stalls.start()
        await lookout.watch_terms_loaded
        loaded = time.time()
        loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        await lookout.poll_once()  # waits for the loop's first cycle: one poll at a time
        clock.advance(2 * DAY)
        await lookout.poll_once()
        stall = await stalls.stop()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        states = await source_store.all_sources(lookout.db.conn, include_paused=True)
        errors = sum(1 for s in states if s.failures)
        terms = len(lookout.watch_terms)
        await lookout.stop()
        return {
            "loaded": loaded,
            "stall": stall,
            "rss_mb": rss_mb,
            "loaded_mb": loaded_mb,
            "errors": errors,
            "terms": terms,
        }

    print(json.dumps(asyncio.run(run())))


def start_child(
    database: Path, sources_file: Path, bot_api: str, token: str, days: float, first_request: Any
) -> dict[str, float]:
    first_request.value = 0.0
    spawned = time.time()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_memory",
            "--child",
            str(database),
            str(sources_file),
            bot_api,
            token,
            str(days),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"the child failed:\n{result.stderr[-4000:]}")
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    data["startup"] = first_request.value - spawned
    data["loaded"] -= spawned
    return data


def figures(scale: float) -> list[Figure]:
    from bot.config import DeliverySettings

    sources, chats, terms = int(10_000 * scale), int(50_000 * scale), int(100_000 * scale)
    day = int(DeliverySettings().story_pool_items * scale)  # a full story pool
    context = multiprocessing.get_context("spawn")
    ready, stop, first_request = context.Queue(), context.Event(), context.Value("d", 0.0)
    server = context.Process(target=serve, args=(ready, stop, first_request), daemon=True)
    server.start()
    try:
        port, bot_api, token = ready.get(timeout=30)
        with tempfile.TemporaryDirectory(prefix="lookout-bench-") as tmp:
            database = Path(tmp) / "memory.sqlite3"
            sources_file = Path(tmp) / "sources.toml"
            build_database(database, port, sources, chats, terms)
            write_sources(sources_file, port, sources)
            run = (database, sources_file, bot_api, token)
            first = start_child(*run, STARTS[0], first_request)  # no forms file yet
            store_day(database, day, sources, START.timestamp() + STARTS[1] * DAY)
            again = start_child(*run, STARTS[1], first_request)  # the first start saved them
    finally:
        stop.set()
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    size = f"{sources:,} sources, {terms:,} terms, {chats:,} chats"
    runs = (("first start", first), ("restart", again))
    result = [
        Figure(
            "memory: peak RSS (first start)",
            first["rss_mb"],
            "MB",
            target=150,
            higher_is_better=False,
            note=f"{size}; {first['loaded_mb']:.0f} MB when the queries were loaded;"
            f" {int(first['errors'])} failing sources",
        ),
        Figure(
            "memory: peak RSS (restart after a day)",
            again["rss_mb"],
            "MB",
            target=150,
            higher_is_better=False,
            note=f"{size}, and a full story pool: {day:,} items of the day"
            f" (story_pool_items); {again['loaded_mb']:.0f} MB when the queries were loaded;"
            f" {int(again['errors'])} failing sources",
        ),
    ]
    for name, data in runs:
        result += [
            Figure(
                f"start-up to first poll ({name})",
                data["startup"],
                "s",
                target=2,
                higher_is_better=False,
                note=size,
            ),
            Figure(
                f"start-up to watch queries loaded ({name})",
                data["loaded"],
                "s",
                higher_is_better=False,
                note=f"{int(data['terms']):,} queries; items fetched before wait for it",
            ),
            Figure(
                f"longest event-loop stall after start ({name})",
                data["stall"] * 1000,
                "ms",
                higher_is_better=False,
                note="from start() returning until two poll cycles are done",
            ),
        ]
    return result


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        child(*sys.argv[2:6], float(sys.argv[6]))
    else:
        bench_main(figures, __doc__)
