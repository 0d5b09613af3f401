"""Issue 9, point 1: SIGKILL during a burst of 1,000 alerts to 50 chats, at 20 points, with
restarts. Afterwards every (alert, chat) pair has arrived at least once; a pair arrives
unmarked at most once, and every other copy carries "(possible repeat)"."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.conftest import LocalFeed, rss_item
from tests.e2e.test_delivery_kill import REPEAT, belgorod_burst_setup

ROOT = Path(__file__).resolve().parents[2]
CHATS = list(range(8001, 8051))
SUBJECTS = [
    "пожар на складе зерна", "ремонт моста через реку", "открытие новой школы",
    "сбой водоснабжения микрорайона", "ограничение движения грузовиков", "ярмарка мёда",
    "учения спасателей на озере", "вакцинация домашних животных", "задержка пригородных поездов",
    "наводнение после ливня", "выставка старинных икон", "фестиваль народного танца",
    "закрытие рынка на санобработку", "авария на газопроводе", "массовое отравление грибами",
    "поиск пропавшего туриста", "ремонт поликлиники", "новый автобусный маршрут",
    "задержание браконьеров", "обрушение старой котельной",
]  # fmt: skip
STORIES = [
    (f"k{n}", f"{subject.capitalize()} в Белгородской области", f"Подробности: {subject}, код {n}.")
    for n, subject in enumerate(SUBJECTS)
]
KILLS = 20


def delivered_pairs(sandbox: BotApiSandbox) -> int:
    count = 0
    for chat_id in CHATS:
        texts = [m.text for m in sandbox.state.bot_messages(chat_id)]
        count += sum(any(title in text for text in texts) for _, title, _ in STORIES)
    return count


@pytest.mark.slow
async def test_twenty_kills_during_a_burst_of_1000_alerts_lose_nothing(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed
) -> None:
    spawn = await belgorod_burst_setup(tmp_path, sandbox, feed, CHATS)

    wanted = len(CHATS) * len(STORIES)
    child = spawn()
    try:
        for _ in range(300):  # primed: the backlog is stored, not told
            if feed.requests >= 2:
                break
            await asyncio.sleep(0.05)
        feed.items += [rss_item(*story) for story in STORIES]
        for kill in range(1, KILLS + 1):
            point = wanted * kill // (KILLS + 1)
            await sandbox.state.wait_until(lambda p=point: delivered_pairs(sandbox) >= p, 30)
            child.send_signal(signal.SIGKILL)
            child.wait()
            child = spawn()
        await sandbox.state.wait_until(lambda: delivered_pairs(sandbox) >= wanted, 120)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    assert delivered_pairs(sandbox) == wanted
    marked = 0
    for chat_id in CHATS:
        texts = [m.text for m in sandbox.state.bot_messages(chat_id)]
        marked += sum(REPEAT in text for text in texts)
        for _, title, _ in STORIES:
            copies = [text for text in texts if title in text]
            assert sum(REPEAT not in text for text in copies) <= 1, (chat_id, title)
    # A repeat only for a send in flight at a kill: at most one per chat per kill.
    assert marked <= KILLS * len(CHATS)
