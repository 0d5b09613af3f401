"""From a feed on 127.0.0.1 to an alert in a sandbox chat, through the real PTB Application.

The story: drones strike houses in Belgorod region overnight. A chat subscribed to Belgorod
(and watching "дрон") gets exactly one alert; a chat subscribed to Moscow gets none.
"""

from __future__ import annotations

import asyncio

from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.conftest import LocalFeed, LookoutFactory, rss_item

BELGOROD_CHAT = 1001
MOSCOW_CHAT = 2002

OLD_ITEMS = [
    rss_item("old-1", "В Белгороде открылась выставка", "Выставка работ местных художников."),
    rss_item("old-2", "Погода в Белгородской области", "Ожидается дождь."),
]
DRONE_ITEM = rss_item(
    "drones-1",
    "Дроны атаковали дома в Белгородской области",
    "МОСКВА, 10 мая – Ночью беспилотники повредили несколько жилых домов в Белгородской "
    "области, пострадавших нет, сообщил губернатор. Днём ранее у Грайворона произошёл рейд.",
    "Fri, 10 May 2024 07:00:00 +0300",
)


async def say(sandbox: BotApiSandbox, chat_id: int, text: str, expect: int) -> dict:
    sandbox.inject_message(chat_id, text, user_id=chat_id, language_code="ru")
    messages = await sandbox.wait_for_messages(chat_id, expect)
    return messages[expect - 1]


async def settle() -> None:
    await asyncio.sleep(0.5)


async def test_one_alert_for_the_subscriber_none_for_moscow(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = OLD_ITEMS
    lookout = await make_lookout()
    # The first poll stores the backlog without alerting anyone.
    assert await lookout.poll_once(every_source=True) == 0

    reply = await say(sandbox, BELGOROD_CHAT, "/subscribe Белгород", 1)
    assert "Белгородская область" in reply["text"]
    reply = await say(sandbox, BELGOROD_CHAT, "/watch дрон", 2)
    assert "дрон" in reply["text"]
    reply = await say(sandbox, MOSCOW_CHAT, "/subscribe Москва", 1)
    assert "Москва" in reply["text"]

    feed.items.append(DRONE_ITEM)
    assert await lookout.poll_once(every_source=True) == 1
    messages = await sandbox.wait_for_messages(BELGOROD_CHAT, 3)
    alert = messages[2]
    assert "Дроны атаковали дома" in alert["text"]
    assert "Белгородская область" in alert["text"]
    assert "дрон" in alert["text"]
    assert "Белгород сегодня" in alert["text"]
    assert "https://belgorod-today.example/news/drones-1" in str(alert)

    # Polling the same feed again sends nothing more, and Moscow never hears of it.
    assert await lookout.poll_once(every_source=True) == 0
    await settle()
    assert len(sandbox.sent_messages(BELGOROD_CHAT)) == 3
    assert len(sandbox.sent_messages(MOSCOW_CHAT)) == 1


async def test_restart_keeps_subscriptions_and_sends_nothing_twice(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = OLD_ITEMS
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)
    await say(sandbox, BELGOROD_CHAT, "/subscribe Бєлгородщина", 1)
    feed.items.append(DRONE_ITEM)
    await lookout.poll_once(every_source=True)
    await sandbox.wait_for_messages(BELGOROD_CHAT, 2)
    await lookout.stop()

    lookout = await make_lookout()
    assert await lookout.poll_once(every_source=True) == 0
    listing = await say(sandbox, BELGOROD_CHAT, "/list", 3)
    assert "RU-BEL" in listing["text"]
    await settle()
    assert len(sandbox.sent_messages(BELGOROD_CHAT)) == 3

    feed.items.append(
        rss_item("raid-1", "Рейд у Грайворона", "Вооружённая группа пересекла границу.")
    )
    assert await lookout.poll_once(every_source=True) == 1
    messages = await sandbox.wait_for_messages(BELGOROD_CHAT, 4)
    assert "Грайворон" in messages[3]["text"]


async def test_commands_answer_helpfully(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = OLD_ITEMS
    await make_lookout()
    assert "/subscribe" in (await say(sandbox, 7, "/start", 1))["text"]
    assert "/watch" in (await say(sandbox, 7, "/help", 2))["text"]
    assert "Какой регион" in (await say(sandbox, 7, "/subscribe", 3))["text"]
    assert "Не знаю региона" in (await say(sandbox, 7, "/subscribe Qwertyzxcv", 4))["text"]
    assert "Белгородская область" in (await say(sandbox, 7, "/subscribe RU-BEL", 5))["text"]
    assert "RU-BEL" in (await say(sandbox, 7, "/list", 6))["text"]
    assert "нет в вашем списке" in (await say(sandbox, 7, "/unwatch дрон", 7))["text"]
    commands = {c["command"] for c in sandbox.commands}
    assert {"start", "help", "subscribe", "unsubscribe", "watch", "unwatch", "list"} <= commands
