"""Abuse limits: caps on a chat's watch terms and regions, and commands per minute, each refused
with a message in the chat's language; 100,000 terms from one chat leave memory bounded."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import Lookout
from bot.clock import FixedClock
from bot.config import LimitSettings, PollingSettings, Settings
from bot.errors import LimitReached
from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex
from bot.models import Source
from bot.sandbox.botapi import BotApiSandbox
from bot.store import chats
from bot.store.db import Database
from bot.subscriptions import Subscriptions
from bot.telegram.limits import PRUNE_ABOVE, CommandRateLimit
from tests.e2e.chat_support import Talk, buttons, settle
from tests.e2e.conftest import LocalFeed

NOW = datetime(2024, 5, 10, 6, 0, tzinfo=UTC)
MakeLookout = Callable[[LimitSettings], Awaitable[Lookout]]


@pytest.fixture
async def limited(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed
) -> AsyncIterator[MakeLookout]:
    started: list[Lookout] = []

    async def factory(limits: LimitSettings) -> Lookout:
        settings = Settings(
            database=tmp_path / "lookout.sqlite3",
            polling=replace(PollingSettings(), tick_seconds=3600),
            limits=limits,
        )
        source = Source(name="belgorod-today", title="Белгород сегодня", url=feed.url)
        lookout = Lookout(
            settings, token=sandbox.token, sources=[source], bot_api_base=sandbox.base_url
        )
        await lookout.start()
        started.append(lookout)
        return lookout

    yield factory
    for lookout in started:
        await lookout.stop()


async def test_watch_term_cap_and_region_cap_are_told_to_the_chat(
    sandbox: BotApiSandbox, limited: MakeLookout
) -> None:
    lookout = await limited(
        LimitSettings(max_watch_terms=3, max_regions=2, commands_per_minute=1000)
    )
    user = Talk(sandbox, 11, lang="ru")
    for term in ("дрон", "ракета", "взрыв"):
        assert "⚠" not in (await user.say(f"/watch {term}"))["text"]
    refused = (await user.say("/watch обстрел"))["text"]
    assert "уже 3 слов" in refused and "/unwatch" in refused
    assert "дрон" in (await user.say("/watch дрон"))["text"]  # one it has: still fine
    settings = await lookout.subscriptions.settings(11)
    assert settings is not None and len(settings.watch_terms) == 3
    assert "обстрел" not in lookout.watch_terms
    await user.say("/unwatch ракета")
    assert "обстрел" in (await user.say("/watch обстрел"))["text"]
    assert "обстрел" in lookout.watch_terms
    too_long = (await user.say("/watch " + "а" * 201))["text"]
    assert "не больше 200 символов" in too_long

    english = Talk(sandbox, 12, lang="en")
    await english.say("/subscribe Белгород")
    await english.say("/subscribe Курск")
    refused = (await english.say("/subscribe Брянск"))["text"]
    assert "already follows 2 regions and towns" in refused
    assert "Belgorod" in (await english.say("/subscribe Belgorod"))["text"]  # has it already
    # A town is capped together with the regions; a button press is refused with an alert.
    choices = await english.say("/regions брянск")
    data = next(d for d in buttons(choices) if d.startswith("sub:"))
    answer = await english.press(choices, data)
    assert answer is not None and answer["show_alert"] and "2 regions" in answer["text"]
    settings = await lookout.subscriptions.settings(12)
    assert settings is not None and set(settings.regions) == {"RU-BEL", "RU-KRS"}
    with pytest.raises(LimitReached):
        await lookout.subscriptions.subscribe_place(12, "RU-BEL/graivoron")
    assert await lookout.subscriptions.places(12) == []


async def test_commands_per_minute_are_limited_per_chat(
    sandbox: BotApiSandbox, limited: MakeLookout
) -> None:
    await limited(LimitSettings(commands_per_minute=5))
    flooder = Talk(sandbox, 21, lang="uk")
    for _ in range(5):
        assert "/subscribe" in (await flooder.say("/help"))["text"]
    refused = (await flooder.say("/help"))["text"]
    assert "Забагато команд" in refused and "5" in refused
    # Told once; more commands while the bucket is empty are dropped without a word.
    before = flooder.bot_count()
    for _ in range(3):
        sandbox.inject_message(21, "/watch дрон", user_id=None, chat_type="private")
    await settle()
    assert flooder.bot_count() == before
    # Plain text is no command and costs nothing; another chat is not affected.
    other = Talk(sandbox, 22, lang="en")
    assert "/subscribe" in (await other.say("/help"))["text"]


def test_the_bucket_refills_evenly_and_forgets_idle_chats() -> None:
    clock = FixedClock(NOW)
    limit = CommandRateLimit(30, clock)
    assert all(limit.take(1)[0] for _ in range(30))
    allowed, wait = limit.take(1)
    assert not allowed and wait == pytest.approx(2.0)
    assert limit.should_warn(1) and not limit.should_warn(1)  # told once
    clock.advance(2.0)
    assert limit.take(1)[0] and not limit.take(1)[0]
    assert limit.should_warn(1)  # a new empty spell is told again
    # Many one-off chats: full buckets are swept, so memory follows the active chats.
    for chat_id in range(2, PRUNE_ABOVE + 5_000):
        limit.take(chat_id)
        clock.advance(0.01)
    assert len(limit) <= PRUNE_ABOVE


ATTEMPTS = 100_000
MEASURED = range(1_000, 11_000)  # the refusals tracemalloc watches (it slows Python down)


@pytest.mark.slow
async def test_a_chat_adding_100000_terms_is_capped_with_bounded_memory(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    index = KeywordIndex()
    service = Subscriptions(
        database, Gazetteer.load(), index, FixedClock(NOW), LimitSettings(max_watch_terms=200)
    )
    await service.register_chat(1, chat_type="private", title=None, language="en")

    async def attempt(numbers: range) -> int:
        refused = 0
        for n in numbers:
            try:
                await service.watch(1, f"term{n}")
            except LimitReached as exc:
                assert exc.limit == 200
                refused += 1
        return refused

    try:
        refused = await attempt(range(MEASURED.start))
        tracemalloc.start()
        baseline = tracemalloc.take_snapshot()
        refused += await attempt(MEASURED)
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        growth = sum(stat.size_diff for stat in after.compare_to(baseline, "filename"))
        refused += await attempt(range(MEASURED.stop, ATTEMPTS))

        assert refused == ATTEMPTS - 200
        assert len(index) == 200
        count, _ = await chats.watch_state(database.conn, 1, "term0")
        assert count == 200
        # 10,000 refusals kept nothing: under 20 bytes each, less than one stored term.
        assert growth < 200_000, growth
    finally:
        await database.close()
