"""The README's run command, as a user starts it: `python -m bot run` with no token.

It brings up the web chat and the sandbox Bot API; a person subscribes to a region the sample
sources mention, and an alert arrives within a minute from the replayed seeds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAT = 1001


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def running_bot(tmp_path: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    settings = tmp_path / "settings.toml"
    settings.write_text(
        f'[bot]\ndatabase = "{tmp_path / "lookout.sqlite3"}"\n'
        f"[sandbox]\nport = {port}\nreplay_interval = 1\npoll_interval = 1\n"
        f'seeds_dir = "{ROOT / "seeds"}"\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(settings), "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base, process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def bot_messages(base: str) -> list[dict]:
    answer = httpx.get(f"{base}/sandbox/chats/{CHAT}/messages", timeout=5).json()
    messages = answer["result"] if isinstance(answer, dict) and "result" in answer else answer
    return [m for m in messages if m["from_bot"]]


def test_run_without_token_serves_the_web_chat_and_alerts_arrive(
    running_bot: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = running_bot
    page = httpx.get(f"{base}/", timeout=5)
    assert page.status_code == 200 and "<html" in page.text.lower()

    httpx.post(
        f"{base}/sandbox/messages",
        json={"chat_id": CHAT, "text": "/start", "language_code": "ru"},
        timeout=5,
    )
    httpx.post(
        f"{base}/sandbox/messages",
        json={"chat_id": CHAT, "text": "/subscribe Белгород", "language_code": "ru"},
        timeout=5,
    )
    deadline = time.monotonic() + 60
    alerts: list[dict] = []
    while time.monotonic() < deadline and not alerts:
        alerts = [m for m in bot_messages(base) if m["text"].startswith("📍")]
        time.sleep(0.5)
    assert process.poll() is None, "the bot exited"
    assert alerts, f"no alert within a minute; got {bot_messages(base)}"
    assert "Белгородская область" in alerts[0]["text"]

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
