"""The kill test: Lookout runs as its own process and is killed with SIGKILL three times during
a burst, then restarted on the same database. Afterwards every (alert, chat) pair has arrived
at least once, and any repeat is marked "(possible repeat)"."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.state import ChatRecord
from bot.store import chats
from bot.store.db import Database
from tests.e2e.conftest import LocalFeed, rss_item

ROOT = Path(__file__).resolve().parents[2]
CHATS = list(range(7001, 7061))
STORIES = [
    ("s1", "Дроны атаковали дома в Белгородской области", "Повреждены крыши трёх домов."),
    ("s2", "Рейд у Грайворона отражён", "Вооружённая группа пыталась пересечь границу."),
    ("s3", "Шебекино без света после обстрела", "Энергетики обещают вернуть свет к вечеру."),
]
REPEAT = "возможно, повтор"
CHILD = """
import asyncio, sys
from dataclasses import replace
from pathlib import Path
from bot.app import Lookout
from bot.config import DeliverySettings, PollingSettings, Settings
from bot.models import Source

async def main(database, base, token, url):
    settings = Settings(
        database=Path(database),
        polling=replace(PollingSettings(), tick_seconds=0.2, min_interval=1),
        delivery=replace(DeliverySettings(), idle_seconds=0.1, global_rate=29.5, fold_seconds=0),
    )
    source = Source("belgorod-today", "Белгород сегодня", url, language="ru", interval=1)
    lookout = Lookout(settings, token=token, sources=[source], bot_api_base=base)
    await lookout.start()
    await asyncio.Event().wait()

asyncio.run(main(*sys.argv[1:]))
"""


def bot_texts(sandbox: BotApiSandbox) -> list[str]:
    return [m.text for chat_id in CHATS for m in sandbox.state.bot_messages(chat_id)]


async def belgorod_burst_setup(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed, chat_ids: list[int]
) -> Callable[[], subprocess.Popen[bytes]]:
    """Chats subscribed to Belgorod, a feed with one old item; returns how to start Lookout."""
    database = tmp_path / "lookout.sqlite3"
    db = await Database.open(database)
    async with db.write() as conn:
        for chat_id in chat_ids:
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

    return spawn


async def test_sigkill_during_a_burst_loses_nothing_and_marks_repeats(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed
) -> None:
    spawn = await belgorod_burst_setup(tmp_path, sandbox, feed, CHATS)

    async def until(count: int, timeout: float = 30.0) -> None:
        await sandbox.state.wait_until(lambda: len(bot_texts(sandbox)) >= count, timeout)

    child = spawn()
    try:
        for _ in range(300):  # primed: the backlog is stored, not told
            if feed.requests >= 2:
                break
            await asyncio.sleep(0.05)
        feed.items += [rss_item(*story) for story in STORIES]
        for reached in (25, 70, 120):
            await until(reached)
            child.send_signal(signal.SIGKILL)
            child.wait()
            child = spawn()
        wanted = len(CHATS) * len(STORIES)
        await sandbox.state.wait_until(
            lambda: all(
                any(title in m.text for m in sandbox.state.bot_messages(chat_id))
                for chat_id in CHATS
                for _, title, _ in STORIES
            ),
            60,
        )
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    texts = bot_texts(sandbox)
    assert len(texts) >= wanted
    for chat_id in CHATS:
        messages = [m.text for m in sandbox.state.bot_messages(chat_id)]
        for _, title, _ in STORIES:
            copies = [text for text in messages if title in text]
            assert copies, (chat_id, title)
            assert sum(REPEAT not in text for text in copies) <= 1, (chat_id, title)
    # Marks and repeats only for sends handed to Telegram when a kill came: a few per kill.
    marked = sum(REPEAT in text for text in texts)
    assert len(texts) - wanted <= marked <= 3 * 3
