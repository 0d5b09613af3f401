#!/usr/bin/env python3
"""Lookout's two set-up commands, needing nothing but Python 3.11+:

    python3 dev.py run     start Lookout (the sandbox on http://127.0.0.1:8080 without a token)
    python3 dev.py test    ruff, mypy and the whole pytest suite

Both create `.venv` on first use and install the pinned dependencies (`constraints.txt`);
they reinstall when `pyproject.toml` or `constraints.txt` change. Then they compile the hot
path with mypyc when its sources changed (`bot.native`; without a C compiler Lookout runs as
plain Python). `test` runs the unit and integration tests a second time on the plain Python
modules, which is what runs where nothing is compiled. `python3 dev.py bench` runs the
benchmarks.
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


def ensure_native() -> bool:
    """Compile the hot path if its sources changed since (`bot.native_build`); whether the
    compiled modules are in use. A failed build is reported and leaves plain Python."""
    # its stdout is the C compiler's commands; it says what it does on stderr
    build = [str(PYTHON), "-m", "bot.native_build", "--if-stale"]
    return subprocess.run(build, cwd=ROOT, stdout=subprocess.DEVNULL).returncode == 0


def run(*args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.run(list(args), cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command not in ("run", "test", "bench"):
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    ensure_venv()
    compiled = ensure_native()
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
    if compiled:  # the same tests on the plain modules (no e2e or browser: they add no case)
        print("dev.py: pytest, plain Python (LOOKOUT_NATIVE=0)", flush=True)
        plain = {**os.environ, "LOOKOUT_NATIVE": "0"}
        ignore = ["--ignore=tests/e2e", "--ignore=tests/browser"]
        code = run(py, "-m", "pytest", *ignore, *rest, env=plain)
        return 0 if code == 5 else code  # 5: the tests asked for were e2e or browser ones
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
