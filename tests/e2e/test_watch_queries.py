"""Watch queries and /test, through the real PTB Application, the sandbox and a local feed.

A chat watches "(дрон OR беспилотник) -учения": the drone strike reaches it, the drone
exercise does not. A malformed query gets a reply that points at the column. /test shows what
a query would have matched among the last 24 hours' items.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.conftest import LocalFeed, LookoutFactory, rss_item

CHAT = 3003
OTHER = 4004


def hours_ago(hours: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(hours=hours))


async def say(sandbox: BotApiSandbox, chat_id: int, text: str, expect: int, lang: str) -> dict:
    sandbox.inject_message(chat_id, text, user_id=chat_id, language_code=lang)
    messages = await sandbox.wait_for_messages(chat_id, expect)
    return messages[expect - 1]


async def test_a_query_alerts_only_when_its_formula_holds(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = [rss_item("old", "Погода", "Дождь.", hours_ago(3))]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)

    reply = await say(sandbox, CHAT, '/watch дрон "атака', 1, "en")
    assert "quote at column 6 is never closed" in reply["text"]
    assert '/watch дрон "атака' not in reply["text"]  # the caret line shows the query itself
    assert 'дрон "атака\n     ^' in reply["text"]
    reply = await say(sandbox, CHAT, "/watch (Дрон OR беспилотник) -учения", 2, "en")
    assert "(дрон OR беспилотник) -учения" in reply["text"]
    reply = await say(sandbox, OTHER, "/watch title:взрыв", 1, "ru")
    assert "title:взрыв" in reply["text"]

    feed.items.append(
        rss_item("ex", "Учения с дронами", "Военные провели учения с дронами.", hours_ago(1))
    )
    feed.items.append(
        rss_item("strike", "Беспилотники атаковали город", "Слышны взрывы.", hours_ago(0.5))
    )
    assert await lookout.poll_once(every_source=True) == 1
    messages = await sandbox.wait_for_messages(CHAT, 3)
    alert = messages[2]
    assert "Беспилотники атаковали город" in alert["text"]
    assert "(дрон OR беспилотник) -учения" in alert["text"]
    assert "<u>Беспилотники</u>" in sandbox.state.bot_messages(CHAT)[2].html
    await asyncio.sleep(0.5)
    assert len(sandbox.sent_messages(CHAT)) == 3
    assert len(sandbox.sent_messages(OTHER)) == 1  # "взрывы" is in the text, not the title

    reply = await say(sandbox, CHAT, "/test дрон*", 4, "en")
    assert "would have matched 1 of the last 24 hours' 3 items" in reply["text"]
    assert "Учения с дронами" in reply["text"]
    assert "<b>дронами</b>" in sandbox.state.bot_messages(CHAT)[3].html
    reply = await say(sandbox, CHAT, "/test взрыв", 5, "en")
    assert "Беспилотники атаковали город" in reply["text"]
    assert "Погода" not in reply["text"]
    reply = await say(sandbox, CHAT, "/test дрон OR", 6, "en")
    assert "OR at column 6 needs a term after it" in reply["text"]
    reply = await say(sandbox, CHAT, "/help watch", 7, "en")
    assert "title:" in reply["text"] and "дрон*" in reply["text"]

    reply = await say(sandbox, CHAT, "/unwatch (дрон OR беспилотник)   -учения", 8, "en")
    assert "Removed" in reply["text"]
    assert "(дрон OR беспилотник) -учения" not in lookout.watch_terms
    assert "title:взрыв" in lookout.watch_terms


async def test_a_town_subscription_alerts_only_for_that_town(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = [rss_item("old", "Погода", "Дождь.", hours_ago(3))]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)

    offer = await say(sandbox, CHAT, "/subscribe Graivoron", 1, "en")
    assert "Graivoron is a town in Belgorod Oblast" in offer["text"]
    buttons = [row[0] for row in offer["reply_markup"]["inline_keyboard"]]
    assert [b["callback_data"] for b in buttons] == ["sub:RU-BEL", "pl:RU-BEL/graivoron"]
    sandbox.press_button(CHAT, offer["message_id"], "pl:RU-BEL/graivoron", user_id=CHAT)
    for _ in range(50):
        if "Subscribed to Graivoron" in sandbox.sent_messages(CHAT)[0]["text"]:
            break
        await asyncio.sleep(0.1)
    assert "Subscribed to Graivoron" in sandbox.sent_messages(CHAT)[0]["text"]
    listed = await say(sandbox, CHAT, "/list", 2, "en")
    assert "Graivoron (Belgorod Oblast)" in listed["text"]
    typo = await say(sandbox, OTHER, "/subscribe Belgorot", 1, "en")
    assert typo["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "sub:RU-BEL"

    feed.items.append(rss_item("sh", "Обстрел Шебекино", "Пострадавших нет.", hours_ago(1)))
    feed.items.append(rss_item("gr", "Обстрел Грайворона", "Пострадавших нет.", hours_ago(0.5)))
    assert await lookout.poll_once(every_source=True) == 1
    alert = (await sandbox.wait_for_messages(CHAT, 3))[2]
    assert "Обстрел Грайворона" in alert["text"]
    assert "📍 Graivoron" in alert["text"]

    reply = await say(sandbox, CHAT, "/unsubscribe Грайворон", 4, "en")
    assert "Unsubscribed from Graivoron" in reply["text"]
    listed = await say(sandbox, CHAT, "/list", 5, "en")
    assert "Graivoron" not in listed["text"]
