#!/usr/bin/env python3
"""Lookout's two set-up commands, needing nothing but Python 3.11+:

    python3 dev.py run     start Lookout (the sandbox on http://127.0.0.1:8080 without a token)
    python3 dev.py test    ruff, mypy and the whole pytest suite

Both create `.venv` on first use and install the pinned dependencies (`constraints.txt`);
they reinstall when `pyproject.toml` or `constraints.txt` change. `python3 dev.py bench` runs
the benchmarks.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".lookout-installed"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("Lookout needs Python 3.11 or newer")
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("dev.py: installing dependencies into .venv", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-c", "constraints.txt", "-e", ".[dev]"], cwd=ROOT, check=True)
    STAMP.write_text(_fingerprint())


def run(*args: str) -> int:
    return subprocess.run(list(args), cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command not in ("run", "test", "bench"):
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    ensure_venv()
    py = str(PYTHON)
    if command == "run":
        return run(py, "-m", "bot", "run", *rest)
    if command == "bench":
        return run(py, "-m", "bench", *rest)
    for step in (
        [py, "-m", "ruff", "check", "."],
        [py, "-m", "ruff", "format", "--check", "."],
        [py, "-m", "mypy"],
        [py, "-m", "pytest", *rest],
    ):
        print("dev.py:", " ".join(step[2:]), flush=True)
        code = run(*step)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
