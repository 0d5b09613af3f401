"""An alert from the replayed sample sources reaches a person in the web chat, and the chat
with its alerts reads well at phone and desktop sizes (screenshots in test-artifacts/)."""

from __future__ import annotations

from tests.browser.chromium import require_browser

require_browser()

import re  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import DESKTOP, PHONE, OpenChat  # noqa: E402
from tests.browser.layout import assert_laid_out  # noqa: E402
from tests.browser.sandbox import Sandbox, running_sandbox  # noqa: E402

ALERT_SECONDS = 60

expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A bot whose replay reveals a sample item every second, so alerts come quickly."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox"), replay_interval=1) as running:
        yield running


def say(page: Page, text: str) -> None:
    page.locator("#input").fill(text)
    page.locator("#input").press("Enter")


def test_an_alert_arrives_with_its_link_and_highlighted_match(
    open_chat: OpenChat, sandbox: Sandbox, artifacts: Path
) -> None:
    page = open_chat(viewport=PHONE)
    say(page, "/start")
    welcome = page.locator(".msg.bot").first
    welcome.get_by_role("button", name="Belgorod Oblast", exact=True).click()
    # The welcome's region button subscribes; the bot edits the welcome into the answer.
    expect(welcome.locator(".kb-btn")).to_have_count(0)
    expect(welcome).to_contain_text("Belgorod Oblast")

    # An alert whose title names the place (some name it only in the text).
    alerts = page.locator(".msg.bot", has_text="📍 Belgorod Oblast")
    alert = alerts.filter(has=page.locator(".body > b u")).first
    try:
        expect(alert).to_be_visible(timeout=ALERT_SECONDS * 1000)
    except AssertionError:
        raise AssertionError(f"no alert; the bot's log:\n{sandbox.log_tail()}") from None

    link = alert.locator("a").last
    expect(link).to_have_attribute("href", re.compile(r"^https?://"))
    expect(link).to_have_attribute("target", "_blank")
    # The title is bold and the matched place name in it underlined: real elements, styled.
    title = alert.locator(".body > b").first
    match = title.locator("u").first
    expect(match).not_to_be_empty()
    assert title.evaluate("el => Number(getComputedStyle(el).fontWeight)") >= 600
    assert "underline" in match.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert match.inner_text() in title.inner_text()

    say(page, "/subscribe Kyiv")
    expect(page.get_by_role("button", name="Kyiv Oblast", exact=True)).to_be_visible()
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        page.screenshot(path=str(artifacts / f"web-chat-alert-{name}.png"))
        assert_laid_out(page)
