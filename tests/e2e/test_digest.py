"""Digests end to end through the sandbox, with an injected clock: a digest-only chat
subscribes, items arrive from two sources, the clock reaches 08:00 in Kyiv, and the digest
arrives once (not again on later ticks or after a restart) and reads well."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import Lookout
from bot.clock import FixedClock
from bot.config import PollingSettings, Settings
from bot.models import Source
from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.chat_support import Talk, buttons
from tests.e2e.conftest import LocalFeed, rss_item

CHAT = 7007
DATE = "Tue, 24 Nov 2026 13:00:00 +0000"
Factory = Callable[[], Awaitable[Lookout]]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))


@pytest.fixture
async def start_lookout(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed, clock: FixedClock
) -> AsyncIterator[Factory]:
    started: list[Lookout] = []
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        polling=replace(PollingSettings(), tick_seconds=3600),
    )
    settings = replace(settings, delivery=replace(settings.delivery, idle_seconds=0.1))
    # Two sources carrying the same feed: each story is told by two sources.
    sources = [
        Source(name="belgorod-today", title="Белгород сегодня", url=feed.url, language="ru"),
        Source(name="bel-mirror", title="Бел.Зеркало", url=feed.url, language="ru"),
    ]

    async def factory() -> Lookout:
        lookout = Lookout(
            settings,
            token=sandbox.token,
            sources=sources,
            bot_api_base=sandbox.base_url,
            clock=clock,
        )
        await lookout.start()
        started.append(lookout)
        return lookout

    yield factory
    for lookout in started:
        if not lookout.stopped:
            await lookout.stop()


async def test_a_digest_only_chat_gets_one_digest_at_its_morning(
    sandbox: BotApiSandbox, feed: LocalFeed, clock: FixedClock, start_lookout: Factory
) -> None:
    feed.items[:] = [rss_item("old", "Погода", "Дождь.", DATE)]
    lookout = await start_lookout()
    await lookout.poll_once(every_source=True)  # a new source's backlog: stored, not told
    talk = Talk(sandbox, CHAT)
    await talk.say("/subscribe Belgorod")
    assert "Europe/Kyiv" in (await talk.say("/tz Europe/Kyiv"))["text"]
    done = await talk.say("/digest 08:00")
    assert "Digest: daily at 08:00" in done["text"]
    off = await talk.say("/alerts off")
    assert "Instant alerts are off" in off["text"] and "daily at 08:00" in off["text"]
    before = talk.bot_count()

    feed.items.append(
        rss_item("a", "Взрывы в Белгороде ночью", "Над Белгородом слышны взрывы, ПВО.", DATE)
    )
    feed.items.append(
        rss_item("b", "В Белгороде открыли мост &amp; &lt;развязку&gt;", "Мост.", DATE)
    )
    clock.advance(60)
    await lookout.poll_once(every_source=True)
    await asyncio.sleep(0.5)
    assert talk.bot_count() == before  # alerts off: nothing instant

    preview = await talk.say("/digest now")
    assert "Взрывы в Белгороде ночью" in preview["text"]
    before = talk.bot_count()

    clock.advance(60)
    await asyncio.sleep(0.3)
    assert await lookout.digests.tick() == 0  # 14:02 in Kyiv: not yet
    clock._now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv
    await lookout.digests.tick()  # (or the loop's own tick: either way, once)
    messages = await sandbox.wait_for_messages(CHAT, before + 1)
    digest = messages[before]
    text = digest["text"]
    assert text.startswith("📰 Daily digest · since 24 Nov 08:00\nStories: 2")
    assert "📍 Belgorod Oblast — 2 stories" in text
    assert "• Взрывы в Белгороде ночью · 2 sources" in text
    assert "• В Белгороде открыли мост & <развязку> · 2 sources" in text
    links = {e.get("url") for e in digest["entities"] if e["type"] == "text_link"}
    assert "https://belgorod-today.example/news/a" in links

    # Later ticks, an hour later, and a restart send nothing more.
    assert await lookout.digests.tick() == 0
    clock.advance(3600)
    assert await lookout.digests.tick() == 0
    await lookout.stop()
    lookout = await start_lookout()  # its start-up tick finds the period done
    await asyncio.sleep(0.5)
    assert await lookout.digests.tick() == 0
    assert talk.bot_count() == before + 1


async def test_start_offers_the_digest_and_its_button_sets_it(
    sandbox: BotApiSandbox, start_lookout: Factory
) -> None:
    lookout = await start_lookout()
    talk = Talk(sandbox, CHAT + 1)
    welcome = await talk.say("/start")
    assert buttons(welcome)["dg:08:00"] == "📰 Daily digest at 08:00"
    before = talk.bot_count()
    await talk.press(welcome, "dg:08:00")
    confirmation = (await sandbox.wait_for_messages(CHAT + 1, before + 1))[before]
    assert "Digest: daily at 08:00" in confirmation["text"]
    usage = await talk.say("/digest")
    assert "Digest: daily at 08:00" in usage["text"]
    assert "Digest off." in (await talk.say("/digest off"))["text"]
    assert "I did not understand" in (await talk.say("/digest sometime"))["text"]
    weekly = await talk.say("/digest weekly mon 09:00")
    assert "weekly, Mon at 09:00" in weekly["text"]
    menu = {c["command"] for c in sandbox.state.commands_for(None, "")}
    assert {"digest", "alerts"} <= menu
    await lookout.stop()
