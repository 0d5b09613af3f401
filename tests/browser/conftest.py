"""Browser fixtures: one Chromium and one sandbox bot per module, a fresh page per test.

Every page acts as its own user (``/?user=N``), so the tests share one bot and never each
other's chats. Screenshots go to ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

from tests.browser.chromium import CHROMIUM, FLAGS, missing
from tests.browser.sandbox import ROOT, Sandbox, running_sandbox

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
_users = itertools.count(2001)


class OpenChat(Protocol):
    def __call__(self, *, viewport: dict[str, int] = ..., lang: str = "en") -> Page: ...


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if missing():
        pytest.skip(str(missing()))
    from playwright.sync_api import sync_playwright

    # Module scope: while Playwright's sync API is open it holds the thread's running event
    # loop, and the async tests of other folders need it back. Both context managers close
    # Chromium and remove its profile folder from /tmp.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as running:
        yield running


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_chat(browser: Browser, sandbox: Sandbox) -> Iterator[OpenChat]:
    """Opens the web chat as a new user in a new browser context; all are closed afterwards."""
    contexts = []

    def open_page(*, viewport: dict[str, int] = PHONE, lang: str = "en") -> Page:
        context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="UTC")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{sandbox.url}/?user={next(_users)}&lang={lang}")
        return page

    yield open_page
    for context in contexts:
        context.close()
