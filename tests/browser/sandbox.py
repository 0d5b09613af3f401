"""`python -m bot run` without a token, as a user starts it, for the browser tests.

The bot runs as a subprocess on a free port with its own database and a fast replay of
`seeds/`, and logs to a file (a pipe nobody reads would fill and stall it). Leaving the
`with` block stops it with SIGINT, as Ctrl+C would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Sandbox:
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_sandbox(folder: Path, *, replay_interval: float = 8.0) -> Iterator[Sandbox]:
    port = free_port()
    settings = folder / "settings.toml"
    settings.write_text(
        f'[bot]\ndatabase = "{folder / "lookout.sqlite3"}"\n'
        f"[sandbox]\nport = {port}\nreplay_interval = {replay_interval}\npoll_interval = 1\n"
        f'seeds_dir = "{ROOT / "seeds"}"\n'
    )
    sandbox = Sandbox(url=f"http://127.0.0.1:{port}", log=folder / "bot.log")
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    with sandbox.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(settings), "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(sandbox, process)
        yield sandbox
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(sandbox: Sandbox, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited:\n{sandbox.log_tail()}")
        try:
            if httpx.get(f"{sandbox.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the sandbox did not answer /healthz:\n{sandbox.log_tail()}")
