"""Debian's Chromium for the browser tests: where it is, how it starts, and when to skip.

Playwright comes from PyPI but never downloads a browser here (`playwright install` is never
run): it drives the system Chromium at ``/usr/bin/chromium`` (``LOOKOUT_CHROMIUM`` overrides
the path). The flags let it start as root with no network and no GPU, and keep it from
phoning home. Without Chromium or Playwright the tests are skipped with the reason, except in
CI (``CI`` set), where `.ci/run` installs Chromium and a missing one is an error.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LOOKOUT_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]


def missing() -> str | None:
    """Why the browser tests cannot run on this machine, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (python3 dev.py test installs the dev extra)"
    if not CHROMIUM.exists():
        return (
            f"no Chromium at {CHROMIUM}: install Debian's "
            "(apt-get install -y --no-install-recommends chromium) or set LOOKOUT_CHROMIUM"
        )
    return None


def require_browser() -> None:
    """Skip the calling test module when there is no browser (fail in CI, which has one)."""
    reason = missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)
