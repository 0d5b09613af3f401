"""Issue 9, point 1: SIGKILL during a burst of 1,000 alerts to 50 chats, at 20 points, with
restarts. Afterwards every (alert, chat) pair has arrived at least once; a pair arrives
unmarked at most once, and every other copy carries "(possible repeat)"."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.state import ChatRecord
from bot.store import chats
from bot.store.db import Database
from tests.e2e.conftest import LocalFeed, rss_item
from tests.e2e.test_delivery_kill import CHILD, REPEAT

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
    database = tmp_path / "lookout.sqlite3"
    db = await Database.open(database)
    async with db.write() as conn:
        for chat_id in CHATS:
            sandbox.state.chats[chat_id] = ChatRecord(chat_id, "private", None, "K")
            await chats.ensure_chat(
                conn, chat_id, chat_type="private", title=None, language="ru", now=0
            )
            await chats.subscribe(conn, chat_id, "RU-BEL", 0)
    await db.close()
    feed.items[:] = [rss_item("old", "Погода в Белгородской области", "Ожидается дождь.")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", CHILD, str(database), sandbox.base_url, sandbox.token, feed.url]

    def spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

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
