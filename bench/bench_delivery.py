"""Delivery against the limit-enforcing sandbox: sustained rate, 429s, fetch-to-chat latency.

The real Lookout (pipeline, outbox sender, python-telegram-bot) polls a feed on 127.0.0.1 and
sends to the sandbox Bot API with Telegram's limits on (`bot.sandbox.limits`: 30/s overall,
1/s per private chat, 20/min per group). Two runs:

- broadcast: one new item for N subscribed chats. Sustained rate = messages / time from the
  first to the last; latency per chat = from the start of the poll that fetches the item to
  the sandbox accepting that chat's message (the last chat waits about N/30 s: queueing).
- single: N chats subscribed, one new item for one chat, the queue otherwise empty; repeated.
  This is the "no queue waiting" latency.

Run: `python -m bench.bench_delivery [--chats 1000] [--trials 10] [--rate 29.5]`.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from bench.figures import MARK, Figure, table
from bot.app import Lookout
from bot.config import DeliverySettings, PollingSettings, Settings
from bot.models import Source
from bot.sandbox import limits
from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.state import ChatRecord
from bot.store import chats

HEAD = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'


class Feed:
    """A feed on 127.0.0.1 that answers conditional GETs."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    def add(self, guid: str, title: str, text: str) -> None:
        self.items.append(
            f"<item><guid>{guid}</guid><title>{title}</title><description>{text}</description>"
            "<pubDate>Fri, 10 May 2024 06:00:00 +0300</pubDate></item>"
        )

    async def _serve(self, request: web.Request) -> web.Response:
        body = (HEAD + "".join(reversed(self.items)) + "</channel></rss>").encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/feed.xml", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/feed.xml"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(chat_count: int, trials: int, rate: float) -> list[Figure]:
    sandbox = BotApiSandbox()
    await sandbox.start()
    feed = Feed()
    await feed.start()
    feed.add("old", "Погода в Белгородской области", "Ожидается дождь.")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database=Path(tmp) / "bench.sqlite3",
            polling=replace(PollingSettings(), tick_seconds=3600),
            delivery=replace(DeliverySettings(), idle_seconds=0.2, global_rate=rate),
        )
        source = Source("belgorod-today", "Белгород сегодня", feed.url, language="ru")
        lookout = Lookout(
            settings, token=sandbox.token, sources=[source], bot_api_base=sandbox.base_url
        )
        await lookout.start()
        try:
            await lookout.poll_once(every_source=True)  # the backlog: stored, not told
            ids = list(range(10_001, 10_001 + chat_count))
            single = 9_999
            async with lookout.db.write() as conn:
                for chat_id in [*ids, single]:
                    sandbox.state.chats[chat_id] = ChatRecord(chat_id, "private", None, "B")
                    await chats.ensure_chat(
                        conn, chat_id, chat_type="private", title=None, language="ru", now=0
                    )
                    region = "RU-KRS" if chat_id == single else "RU-BEL"
                    await chats.subscribe(conn, chat_id, region, 0)
            enforcer = limits.enforce_limits(sandbox.state)

            # Broadcast: one item, every Belgorod chat.
            feed.add("drones", "Дроны атаковали Белгородскую область", "Повреждены дома.")
            started = time.monotonic()
            await lookout.poll_once(every_source=True)
            wanted = set(ids)
            while len({chat for _, chat in enforcer.accepted_at} & wanted) < len(wanted):
                await asyncio.sleep(0.05)
            arrivals = {chat: at for at, chat in reversed(enforcer.accepted_at)}
            latencies = [arrivals[chat] - started for chat in ids]
            times = sorted(arrivals[chat] for chat in ids)
            sustained = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0

            # Single: one item for one chat, the queue empty; N chats subscribed meanwhile.
            singles: list[float] = []
            gap = max(settings.delivery.fold_seconds, settings.delivery.per_chat_interval)
            for n in range(trials):
                await asyncio.sleep(gap + 0.2)
                before = len(enforcer.accepted_at)
                feed.add(f"kursk-{n}", f"Взрывы в Курске, сообщение {n}", f"Подробности {n}.")
                begun = time.monotonic()
                await lookout.poll_once(every_source=True)
                while not any(c == single for _, c in enforcer.accepted_at[before:]):
                    await asyncio.sleep(0.001)
                at = next(t for t, c in enforcer.accepted_at[before:] if c == single)
                singles.append(at - begun)
            rejected = enforcer.rejected
        finally:
            await lookout.stop()
            await feed.stop()
            await sandbox.stop()
    note = f"{chat_count} chats, global_rate {rate}"
    return [
        Figure("delivery sustained rate", sustained, "msg/s", target=29.0, note=note),
        Figure("delivery 429 answers", float(rejected), "count", target=0, higher_is_better=False),
        Figure(
            "latency single chat p50",
            statistics.median(singles),
            "s",
            target=1.0,
            higher_is_better=False,
            note=f"{trials} trials, {chat_count} chats subscribed, queue empty",
        ),
        Figure(
            "latency single chat p99",
            percentile(singles, 0.99),
            "s",
            target=3.0,
            higher_is_better=False,
        ),
        Figure("latency first of broadcast", min(latencies), "s", higher_is_better=False),
        Figure(
            "latency broadcast p50",
            percentile(latencies, 0.5),
            "s",
            higher_is_better=False,
            note=f"queueing: chat k waits ~k/{rate:g} s",
        ),
        Figure("latency broadcast p99", percentile(latencies, 0.99), "s", higher_is_better=False),
    ]


def figures(scale: float, trials: int = 10, rate: float = 29.5) -> list[Figure]:
    return asyncio.run(run(max(10, int(1000 * scale)), max(3, int(trials)), rate))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, help="subscribed chats (default 1000 x scale)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--rate", type=float, default=29.5, help="the sender's global_rate")
    parser.add_argument("--figures-json", action="store_true")
    args = parser.parse_args()
    scale = args.chats / 1000 if args.chats else args.scale
    result = figures(scale, args.trials, args.rate)
    if args.figures_json:
        print(MARK + json.dumps([f.as_json() for f in result], ensure_ascii=False), flush=True)
    else:
        print(table(result))


if __name__ == "__main__":
    main()
