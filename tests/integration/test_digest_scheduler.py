"""The digest scheduler on a real SQLite file with an injected clock: one digest per chat and
period across restarts, time zones and a DST change; catch-up after downtime; digest-only
chats; the sender delivers digests even with alerts off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.delivery.digests import DigestScheduler
from bot.delivery.sender import Sender
from bot.digest import Schedule, latest_period
from bot.models import Item, Source
from bot.store import chat_prefs, chats, items, outbox
from bot.store import digests as digest_store
from bot.store import sources as source_store
from bot.store import stories as story_store
from bot.store.db import Database
from tests.integration.test_sender import FAST, ScriptedTelegram

SOURCES = [
    Source("a", "Source A", "https://a.example/rss"),
    Source("b", "Source B", "https://b.example/rss"),
    Source("c", "Source C", "https://c.example/rss"),
]
NAMES = {"RU-BEL": "Belgorod Oblast", "UA-63": "Kharkiv Oblast"}


def region_name(code: str, lang: str) -> str:
    return NAMES.get(code, code)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class World:
    """One database file; `restart()` closes and reopens it, as a bot restart would."""

    def __init__(self, path: Path, clock: FixedClock) -> None:
        self.path = path
        self.clock = clock
        self.db: Database
        self._ids = 0

    async def open(self) -> None:
        self.db = await Database.open(self.path)
        self.scheduler = DigestScheduler(self.db, self.clock, region_name)

    async def restart(self) -> None:
        await self.db.close()
        await self.open()

    def now(self) -> float:
        return self.clock.now().timestamp()

    async def chat(
        self, chat_id: int, zone: str, schedule: Schedule | None, regions: tuple[str, ...]
    ) -> None:
        async with self.db.write() as conn:
            await chats.ensure_chat(
                conn, chat_id, chat_type="private", title=None, language="en", now=self.now()
            )
            await chat_prefs.set_timezone(conn, chat_id, zone)
            for region in regions:
                await chats.subscribe(conn, chat_id, region, self.now())
            if schedule is not None:
                current = latest_period(self.clock.now(), zone, schedule).key
                await digest_store.set_schedule(conn, chat_id, schedule, current)

    async def story(self, title: str, region: str, chat_ids: list[int], sources: int = 1) -> None:
        """A story told by `sources` sources that matched `region` for the chats."""
        async with self.db.write() as conn:
            story_id = 0
            first = 0
            for source in SOURCES[:sources]:
                self._ids += 1
                item = Item(
                    source.name,
                    f"k{self._ids}",
                    f"https://{source.name}.example/{self._ids}",
                    title,
                    "text",
                    self.clock.now(),
                    "ru",
                )
                ((item_id, _),) = await items.insert_new_items(conn, [item], self.now())
                if not story_id:
                    story_id = await story_store.new_story(conn, "ru", item_id, self.now())
                    first = item_id
                await story_store.set_item_story(conn, item_id, story_id, "")
            for chat_id in chat_ids:
                await outbox.enqueue(
                    conn,
                    chat_id=chat_id,
                    item_id=first,
                    dedup_key=f"story:{story_id}",
                    text=title,
                    now=self.now(),
                    story_id=story_id,
                    source="a",
                    regions=(region,),
                )

    async def digests(self, chat_id: int) -> list[tuple[str, str, str]]:
        return await digest_store.digest_rows(self.db.conn, chat_id)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = FixedClock(at("2026-11-24 12:00"))
    found = World(tmp_path / "lookout.sqlite3", clock)
    await found.open()
    async with found.db.write() as conn:
        await source_store.upsert_sources(conn, SOURCES)
    yield found
    await found.db.close()


KYIV = 1  # 08:00 Europe/Kyiv = 06:00 UTC in November
NEW_YORK = 2  # 08:00 America/New_York = 13:00 UTC
TOKYO = 3  # 08:00 Asia/Tokyo = 23:00 UTC the day before
WEEKLY = 4  # Mondays 09:00 Europe/Moscow = 06:00 UTC


async def test_chats_in_several_time_zones_each_get_their_digest_at_their_morning(
    world: World,
) -> None:
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    await world.chat(NEW_YORK, "America/New_York", Schedule("08:00"), ("RU-BEL",))
    await world.chat(TOKYO, "Asia/Tokyo", Schedule("08:00"), ("RU-BEL",))
    await world.chat(WEEKLY, "Europe/Moscow", Schedule("09:00", 0), ("RU-BEL",))
    await world.chat(5, "Europe/Kyiv", None, ("RU-BEL",))  # no digest
    await world.story("Drones over Belgorod", "RU-BEL", [KYIV, NEW_YORK, TOKYO, WEEKLY, 5], 3)
    got: dict[int, str] = {}
    # Tick every 10 minutes from 2026-11-24 12:00 UTC to 2026-12-01 12:00 UTC.
    for _ in range(7 * 24 * 6):
        world.clock.advance(600)
        await world.scheduler.tick()
        for chat_id in (KYIV, NEW_YORK, TOKYO, WEEKLY):
            rows = await world.digests(chat_id)
            if rows and chat_id not in got:
                got[chat_id] = world.clock.now().isoformat(timespec="minutes")
    assert got == {
        TOKYO: "2026-11-24T23:00+00:00",
        KYIV: "2026-11-25T06:00+00:00",
        NEW_YORK: "2026-11-24T13:00+00:00",  # 08:00 there is still ahead at the start
        WEEKLY: "2026-11-30T06:00+00:00",
    }
    assert len(await world.digests(KYIV)) == 7  # one a day, 25 Nov .. 1 Dec
    assert len(await world.digests(WEEKLY)) == 1
    assert await world.digests(5) == []
    first = (await world.digests(KYIV))[0]
    assert first[0] == f"digest:{KYIV}:2026-11-25"
    assert "Drones over Belgorod" in first[2] and "3 sources" in first[2]
    # The next day's digest covers only what came since: nothing.
    assert "Nothing matched" in (await world.digests(KYIV))[1][2]


@pytest.mark.parametrize(
    ("down_at", "up_at"),
    [
        ("2026-11-25 05:59", "2026-11-25 06:00"),  # restart just before digest time
        ("2026-11-25 06:00", "2026-11-25 06:00"),  # restart during (same minute)
        ("2026-11-25 05:30", "2026-11-25 07:00"),  # down over digest time, back an hour after
        ("2026-11-25 06:00", "2026-11-25 07:00"),  # ticked at digest time, restarted later
    ],
)
async def test_a_restart_around_digest_time_sends_exactly_one_digest(
    world: World, down_at: str, up_at: str
) -> None:
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    world.clock.advance(3600)
    await world.story("Explosions in Belgorod", "RU-BEL", [KYIV], 2)
    world.clock._now = at(down_at)
    await world.scheduler.tick()
    await world.restart()
    world.clock._now = at(up_at)
    await world.scheduler.tick()  # the start-up tick
    await world.scheduler.tick()
    world.clock.advance(3600)
    await world.restart()
    await world.scheduler.tick()
    rows = await world.digests(KYIV)
    assert [key for key, _, _ in rows] == [f"digest:{KYIV}:2026-11-25"]
    assert "Explosions in Belgorod" in rows[0][2]


async def test_a_crash_while_the_digest_is_queued_leaves_it_owed_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    await world.story("Explosions in Belgorod", "RU-BEL", [KYIV])
    real = digest_store.enqueue_digest

    async def crash(*args: Any, **kwargs: Any) -> int:
        await real(*args, **kwargs)
        raise RuntimeError("killed mid-transaction")

    monkeypatch.setattr(digest_store, "enqueue_digest", crash)
    world.clock._now = at("2026-11-25 06:00")
    with pytest.raises(RuntimeError):
        await world.scheduler.tick()
    assert await world.digests(KYIV) == []  # rolled back with its period
    monkeypatch.setattr(digest_store, "enqueue_digest", real)
    await world.restart()
    world.clock.advance(30)
    assert await world.scheduler.tick() == 1
    assert await world.scheduler.tick() == 0
    assert [key for key, _, _ in await world.digests(KYIV)] == [f"digest:{KYIV}:2026-11-25"]


async def test_a_bot_down_for_days_sends_the_latest_missed_digest_once(world: World) -> None:
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    await world.scheduler.tick()
    world.clock._now = at("2026-11-28 10:00")  # down from the 24th to the 28th
    await world.story("Late news", "RU-BEL", [KYIV])
    world.clock.advance(60)
    await world.restart()
    assert await world.scheduler.tick() == 1
    assert await world.scheduler.tick() == 0
    rows = await world.digests(KYIV)
    assert [key for key, _, _ in rows] == [f"digest:{KYIV}:2026-11-28"]
    assert "Late news" in rows[0][2]


async def test_a_dst_change_keeps_one_digest_a_day_at_the_local_time(tmp_path: Path) -> None:
    clock = FixedClock(at("2026-03-27 12:00"))
    world = World(tmp_path / "dst.sqlite3", clock)
    await world.open()
    try:
        await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ())
        sent_at: list[str] = []
        for _ in range(3 * 24 * 4):  # every 15 minutes for three days
            clock.advance(900)
            if await world.scheduler.tick():
                sent_at.append(clock.now().strftime("%m-%d %H:%M"))
        # 08:00 Kyiv is 06:00 UTC before 29 March and 05:00 UTC from then on.
        assert sent_at == ["03-28 06:00", "03-29 05:00", "03-30 05:00"]
    finally:
        await world.db.close()


async def test_setting_a_digest_does_not_send_one_at_once(world: World) -> None:
    world.clock._now = at("2026-11-25 09:00")  # 11:00 in Kyiv, after today's 08:00
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    assert await world.scheduler.tick() == 0
    world.clock._now = at("2026-11-26 06:00")
    assert await world.scheduler.tick() == 1


async def test_a_digest_only_chat_gets_its_digest_while_alerts_are_skipped(world: World) -> None:
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    async with world.db.write() as conn:
        await chat_prefs.set_alerts_enabled(conn, KYIV, False)
    await world.story("Quiet alert", "RU-BEL", [KYIV], 2)
    telegram = ScriptedTelegram()
    settings = replace(FAST, fold_seconds=1.0)
    sender = Sender(world.db, telegram, world.clock, settings)
    await sender.deliver_due()
    assert telegram.sent == []  # the alert: skipped, "alerts off"
    world.clock._now = at("2026-11-25 06:00")
    await world.scheduler.tick()
    await world.story("Another alert", "RU-BEL", [KYIV])
    world.clock.advance(timedelta(minutes=1).total_seconds())
    while await sender.deliver_due():
        world.clock.advance(5)
    assert len(telegram.sent) == 1
    text = telegram.sent[0][1]
    assert "Quiet alert" in text and "2 sources" in text
    assert "Another alert" not in text
    async with world.db.conn.execute(
        "SELECT skipped FROM outbox WHERE kind = 'send' ORDER BY id"
    ) as cur:
        assert [r[0] for r in await cur.fetchall()] == ["alerts off", "alerts off"]


async def test_an_alert_after_a_digest_is_not_folded_into_it(world: World) -> None:
    await world.chat(KYIV, "Europe/Kyiv", Schedule("08:00"), ("RU-BEL",))
    world.clock._now = at("2026-11-25 06:00")
    await world.scheduler.tick()
    await world.story("Fresh alert", "RU-BEL", [KYIV])
    telegram = ScriptedTelegram()
    sender = Sender(world.db, telegram, world.clock, replace(FAST, fold_seconds=1.0))
    while await sender.deliver_due():
        world.clock.advance(5)
    assert [text for _, text in telegram.sent] == [
        (await world.digests(KYIV))[0][2],
        "Fresh alert",
    ]
