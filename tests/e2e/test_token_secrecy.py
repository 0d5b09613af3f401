"""The bot token never shows up in a log line, an error report or the database: not at DEBUG
(httpx logs every Bot API URL, which holds the token), not when Telegram answers with an
error, and not when the Bot API cannot be reached at all."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from telegram.error import NetworkError

from bot.app import Lookout
from bot.config import PollingSettings, Settings
from bot.models import Source
from bot.redact import REPLACEMENT
from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.chat_support import Talk
from tests.e2e.conftest import LocalFeed, rss_item

TOKEN = "987654321:AAF-never-in-any-log_x9Qz"
SECRET = TOKEN.split(":", 1)[1]
CHAT = 5


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def written(record: logging.LogRecord) -> str:
    return logging.Formatter("%(name)s %(message)s").format(record)


async def test_the_token_stays_out_of_logs_errors_and_the_database(
    tmp_path: Path, feed: LocalFeed, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        polling=replace(PollingSettings(), tick_seconds=3600),
    )
    settings = replace(settings, delivery=replace(settings.delivery, idle_seconds=0.1))
    source = Source(name="belgorod-today", title="Белгород сегодня", url=feed.url, language="ru")

    sandbox = BotApiSandbox(token=TOKEN)
    await sandbox.start()
    lookout = Lookout(settings, token=TOKEN, sources=[source], bot_api_base=sandbox.base_url)
    try:
        await lookout.start()
        user = Talk(sandbox, CHAT, lang="ru")
        await user.say("/subscribe Белгород")
        await lookout.poll_once(every_source=True)  # the first poll stores the backlog
        # Telegram refuses the alert: the error is recorded in the outbox.
        sandbox.fail_next(CHAT, 400, "Bad Request: chat not found")
        feed.items.append(rss_item("a1", "Взрыв в Белгороде", "Над Белгородом сбит дрон."))
        await lookout.poll_once(every_source=True)
        for _ in range(100):
            async with lookout.db.conn.execute(
                "SELECT count(*) FROM outbox WHERE last_error IS NOT NULL"
            ) as cur:
                row = await cur.fetchone()
            if row and row[0]:
                break
            await asyncio.sleep(0.1)
        assert row and row[0], "the failed send was not recorded"
    finally:
        if not lookout.stopped:
            await lookout.stop()
        await sandbox.stop()

    # The Bot API is gone: PTB's request fails with a network error, logged at DEBUG and up.
    unreachable = Lookout(
        settings,
        token=TOKEN,
        sources=[source],
        bot_api_base=f"http://127.0.0.1:{closed_port()}",
    )
    with pytest.raises(NetworkError):
        await unreachable.start()
    await unreachable.db.close()

    lines = [written(record) for record in caplog.records]
    # Proof the check can fail: httpx did log Bot API URLs, and they came out redacted.
    assert any(line.startswith("httpx") and f"bot{REPLACEMENT}/" in line for line in lines)
    assert any(record.levelno >= logging.ERROR or record.exc_info for record in caplog.records)
    for line in lines:
        assert SECRET not in line, line
    for path in tmp_path.glob("lookout.sqlite3*"):
        assert SECRET.encode() not in path.read_bytes(), path
    conn = sqlite3.connect(tmp_path / "lookout.sqlite3")
    errors = [str(e) for (e,) in conn.execute("SELECT last_error FROM outbox")]
    conn.close()
    assert errors and "chat not found" in errors[0].lower()
