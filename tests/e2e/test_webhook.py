"""Webhook mode: the sandbox POSTs updates to Lookout instead of answering getUpdates."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import httpx

from bot.app import Lookout
from bot.config import PollingSettings, Settings, WebhookSettings
from bot.sandbox.botapi import BotApiSandbox


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_commands_arrive_through_the_webhook(tmp_path: Path, sandbox: BotApiSandbox) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        polling=replace(PollingSettings(), tick_seconds=3600),
        webhook=WebhookSettings(url=url, listen="127.0.0.1", port=port, path="/telegram"),
    )
    lookout = Lookout(settings, token=sandbox.token, sources=[], bot_api_base=sandbox.base_url)
    await lookout.start()
    try:
        assert sandbox.state.webhook_url == url
        sandbox.inject_message(1001, "/subscribe Белгород", user_id=1001, language_code="ru")
        reply = (await sandbox.wait_for_messages(1001, 1))[0]
        assert "Белгородская область" in reply["text"]

        async with httpx.AsyncClient() as client:
            polled = await client.post(f"{sandbox.base_url}/bot{sandbox.token}/getUpdates")
            assert polled.status_code == 409
            forged = await client.post(
                url,
                json={"update_id": 999, "message": {}},
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
            )
            assert forged.status_code == 403
    finally:
        await lookout.stop()
