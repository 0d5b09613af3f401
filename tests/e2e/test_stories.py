"""One alert per story, end to end: a second source telling the same story edits the alert
the chat already has ("also reported by"); the alert carries mute buttons."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import Lookout
from bot.config import DeliverySettings, PollingSettings, Settings
from bot.models import Source
from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.conftest import LocalFeed, rss_item

CHAT = 4242
TODAY_ITEM = rss_item(
    "1007",
    "Ночью дроны атаковали жилые дома в Белгородской области",
    "В ночь на вторник беспилотники атаковали два села Белгородского района. Повреждены пять "
    "частных домов и автомобиль, один мужчина получил осколочное ранение и доставлен в больницу.",
)
GOV_ITEM = rss_item(
    "1237",
    "Белгородский район. Ночью беспилотники атаковали два села.",
    "Белгородский район. Ночью беспилотники атаковали два села. Повреждены пять частных домов "
    "и автомобиль. Один мужчина получил осколочное ранение, его доставили в областную больницу.",
)
OTHER_ITEM = rss_item(
    "1240", "В Белгородской области открылась выставка", "Выставка художников в музее."
)


@pytest.fixture
async def second_feed() -> AsyncIterator[LocalFeed]:
    server = LocalFeed()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def lookout(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed, second_feed: LocalFeed
) -> AsyncIterator[Lookout]:
    feed.items[:] = [rss_item("old-a", "Погода", "Дождь.")]
    second_feed.items[:] = [rss_item("old-b", "Погода", "Дождь.")]
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        polling=replace(PollingSettings(), tick_seconds=3600),
        delivery=replace(DeliverySettings(), idle_seconds=0.1),
    )
    sources = [
        Source("belgorod-today", "Белгород сегодня", feed.url, language="ru"),
        Source("belgorod_gov", "Гладков", second_feed.url, language="ru"),
    ]
    app = Lookout(settings, token=sandbox.token, sources=sources, bot_api_base=sandbox.base_url)
    await app.start()
    await app.poll_once(every_source=True)
    yield app
    await app.stop()


async def test_the_second_source_edits_the_alert_instead_of_sending_another(
    sandbox: BotApiSandbox, feed: LocalFeed, second_feed: LocalFeed, lookout: Lookout
) -> None:
    sandbox.inject_message(CHAT, "/subscribe Белгород", user_id=CHAT, language_code="ru")
    sandbox.inject_message(CHAT, "/watch дрон", user_id=CHAT, language_code="ru")
    await sandbox.wait_for_messages(CHAT, 2)

    feed.items.append(TODAY_ITEM)
    assert await lookout.poll_once(every_source=True) == 1
    alert = (await sandbox.wait_for_messages(CHAT, 3))[2]
    assert "дроны атаковали" in alert["text"]
    buttons = [row[0]["callback_data"] for row in alert["reply_markup"]["inline_keyboard"]]
    term = hashlib.sha1("дрон".encode()).hexdigest()[:10]
    assert buttons == ["mute:s:belgorod-today:24", f"mute:t:{term}:24"]

    second_feed.items.append(GOV_ITEM)
    assert await lookout.poll_once(every_source=True) == 1  # one edit, no new alert
    await sandbox.state.wait_until(
        lambda: "Также сообщают" in sandbox.state.bot_messages(CHAT)[2].text, 5
    )
    messages = sandbox.sent_messages(CHAT)
    assert len(messages) == 3
    assert "Также сообщают: Гладков" in messages[2]["text"]
    assert "edit_date" in messages[2]

    second_feed.items.append(OTHER_ITEM)
    assert await lookout.poll_once(every_source=True) == 1
    messages = await sandbox.wait_for_messages(CHAT, 4)
    assert "выставка" in messages[3]["text"]
