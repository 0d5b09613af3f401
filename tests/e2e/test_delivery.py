"""Delivery through the real PTB Application against a sandbox that enforces Telegram's limits
and injects faults: a 1,000-alert burst with no 429, a 429 honoured across a restart, a
blocked chat left alone, a migrated group followed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import Lookout
from bot.config import DeliverySettings, PollingSettings, Settings
from bot.models import Source
from bot.sandbox import limits
from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.state import ChatRecord
from bot.store import chats, outbox
from tests.e2e.conftest import LocalFeed, rss_item

OLD = [rss_item("old", "Погода в Белгородской области", "Ожидается дождь.")]
STORIES = [
    ("drones", "Дроны атаковали дома в Белгородской области", "Повреждены крыши трёх домов."),
    ("raid", "Рейд у Грайворона отражён", "Вооружённая группа пыталась пересечь границу."),
    ("power", "Шебекино без света после обстрела", "Энергетики обещают вернуть свет к вечеру."),
    ("kids", "Детей из Шебекино вывезут в лагеря", "Эвакуация начнётся в среду утром."),
    ("market", "В Белгороде закрыли рынок", "Рынок на окраине закрыт до понедельника."),
]

Start = Callable[[], Awaitable[Lookout]]


@pytest.fixture
async def start(tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed) -> AsyncIterator[Start]:
    started: list[Lookout] = []
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        polling=replace(PollingSettings(), tick_seconds=3600),
        delivery=replace(DeliverySettings(), idle_seconds=0.1, global_rate=29.0),
    )

    async def factory() -> Lookout:
        source = Source("belgorod-today", "Белгород сегодня", feed.url, language="ru")
        lookout = Lookout(
            settings, token=sandbox.token, sources=[source], bot_api_base=sandbox.base_url
        )
        await lookout.start()
        started.append(lookout)
        return lookout

    yield factory
    for lookout in started:
        if not lookout.stopped:
            await lookout.stop()


async def add_chats(
    lookout: Lookout, sandbox: BotApiSandbox, ids: list[int], region: str = "RU-BEL"
) -> None:
    """Chats that subscribed earlier (set up directly, so no replies count against limits)."""
    async with lookout.db.write() as conn:
        for chat_id in ids:
            kind = "private" if chat_id > 0 else "group"
            sandbox.state.chats[chat_id] = ChatRecord(chat_id, kind, f"chat {chat_id}", "T")
            await chats.ensure_chat(conn, chat_id, chat_type=kind, title=None, language="ru", now=0)
            await chats.subscribe(conn, chat_id, region, 0)


async def test_a_burst_of_1000_alerts_to_200_chats_gets_through_without_a_429(
    sandbox: BotApiSandbox, feed: LocalFeed, start: Start
) -> None:
    feed.items[:] = OLD
    lookout = await start()
    await lookout.poll_once(every_source=True)
    ids = list(range(5001, 5181)) + [-(6001 + n) for n in range(20)]
    await add_chats(lookout, sandbox, ids)
    enforcer = limits.enforce_limits(sandbox.state)
    feed.items += [rss_item(guid, title, text) for guid, title, text in STORIES]
    assert await lookout.poll_once(every_source=True) == 1000
    for chat_id in ids:
        await sandbox.wait_for_messages(chat_id, 1, timeout=30)
    for chat_id in ids:
        delivered = "\n".join(m["text"] for m in sandbox.sent_messages(chat_id))
        assert all(title in delivered for _, title, _ in STORIES), chat_id
    assert enforcer.rejected == 0
    for _ in range(50):  # the last sends are being recorded
        if await outbox.pending_count(lookout.db.conn) == 0:
            break
        await asyncio.sleep(0.1)
    assert await outbox.pending_count(lookout.db.conn) == 0


async def test_a_429_is_honoured_across_a_restart(
    sandbox: BotApiSandbox, feed: LocalFeed, start: Start
) -> None:
    feed.items[:] = OLD
    lookout = await start()
    await lookout.poll_once(every_source=True)
    await add_chats(lookout, sandbox, [77])
    sandbox.fail_next(77, 429, "Too Many Requests: retry after 3", retry_after=3)
    feed.items.append(rss_item(*STORIES[0]))
    await lookout.poll_once(every_source=True)
    for _ in range(100):
        settings = await chats.chat_settings(lookout.db.conn, 77)
        async with lookout.db.conn.execute("SELECT send_after FROM chats WHERE id = 77") as cur:
            row = await cur.fetchone()
        if row and row[0] > 0:
            break
        await asyncio.sleep(0.05)
    send_after = float(row[0]) if row else 0.0
    assert settings is not None and send_after > 0
    await lookout.stop()

    restarted = await start()
    wait = send_after - restarted.clock.now().timestamp()
    assert wait > 1.5  # most of the 3 s are still ahead
    await asyncio.sleep(wait - 1.0)
    assert sandbox.sent_messages(77) == []  # the new sender kept away
    messages = await sandbox.wait_for_messages(77, 1, timeout=5)
    assert "Дроны атаковали дома" in messages[0]["text"]


async def test_a_blocked_chat_gets_no_further_attempts(
    sandbox: BotApiSandbox, feed: LocalFeed, start: Start
) -> None:
    feed.items[:] = OLD
    lookout = await start()
    await lookout.poll_once(every_source=True)
    await add_chats(lookout, sandbox, [88, 89])
    sandbox.fail_next(88, 403, "Forbidden: bot was blocked by the user")
    feed.items.append(rss_item(*STORIES[0]))
    await lookout.poll_once(every_source=True)
    await sandbox.wait_for_messages(89, 1)
    await asyncio.sleep(0.3)
    feed.items.append(rss_item(*STORIES[1]))
    assert await lookout.poll_once(every_source=True) == 1  # only chat 89 is still owed
    await sandbox.wait_for_messages(89, 2, timeout=10)
    assert sandbox.sent_messages(88) == []
    settings = await chats.chat_settings(lookout.db.conn, 88)
    assert settings is not None and not settings.active


async def test_a_migrated_group_keeps_its_subscriptions_and_gets_the_resend(
    sandbox: BotApiSandbox, feed: LocalFeed, start: Start
) -> None:
    feed.items[:] = OLD
    lookout = await start()
    await lookout.poll_once(every_source=True)
    await add_chats(lookout, sandbox, [-5])
    limits.migrate_group(sandbox.state, -5, -1005)
    feed.items.append(rss_item(*STORIES[0]))
    await lookout.poll_once(every_source=True)
    messages = await sandbox.wait_for_messages(-1005, 1, timeout=10)
    assert "Дроны атаковали дома" in messages[0]["text"]
    moved = await chats.chat_settings(lookout.db.conn, -1005)
    assert moved is not None and moved.regions == ("RU-BEL",)
    assert await chats.chat_settings(lookout.db.conn, -5) is None
    feed.items.append(rss_item(*STORIES[1]))
    await lookout.poll_once(every_source=True)
    await sandbox.wait_for_messages(-1005, 2, timeout=10)


async def test_a_timeout_is_resent_marked_as_a_possible_repeat(
    sandbox: BotApiSandbox, feed: LocalFeed, start: Start
) -> None:
    feed.items[:] = OLD
    lookout = await start()
    await lookout.poll_once(every_source=True)
    await add_chats(lookout, sandbox, [99])
    limits.delay_next(sandbox.state, 99, 6.0)  # PTB gives up after its 5 s read timeout
    feed.items.append(rss_item(*STORIES[0]))
    await lookout.poll_once(every_source=True)
    messages = await sandbox.wait_for_messages(99, 2, timeout=20)
    marked = ["возможно, повтор" in message["text"] for message in messages]
    assert sorted(marked) == [False, True]  # the late original, and the resend saying so


async def test_a_5xx_is_retried_with_backoff(
    sandbox: BotApiSandbox, feed: LocalFeed, start: Start
) -> None:
    feed.items[:] = OLD
    lookout = await start()
    await lookout.poll_once(every_source=True)
    await add_chats(lookout, sandbox, [66])
    sandbox.fail_next(66, 502, "Bad Gateway")
    feed.items.append(rss_item(*STORIES[0]))
    await lookout.poll_once(every_source=True)
    messages = await sandbox.wait_for_messages(66, 1, timeout=10)
    assert "возможно, повтор" not in messages[0]["text"]  # a 5xx was not delivered: no mark
    async with lookout.db.conn.execute("SELECT attempts FROM outbox") as cur:
        assert [r[0] for r in await cur.fetchall()] == [2]
