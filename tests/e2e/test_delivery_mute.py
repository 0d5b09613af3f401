"""The mute button under an alert, end to end: pressing it keeps that source's next alerts
out of the chat, and the outbox records why."""

from __future__ import annotations

import asyncio

from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.conftest import LocalFeed, LookoutFactory, rss_item

CHAT = 3131


async def test_the_mute_source_button_skips_that_sources_next_alerts(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = [rss_item("old", "Погода", "Дождь.")]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)
    sandbox.inject_message(CHAT, "/subscribe Белгород", user_id=CHAT, language_code="ru")
    await sandbox.wait_for_messages(CHAT, 1)

    feed.items.append(rss_item("a", "Взрывы в Белгороде", "Слышны взрывы над городом."))
    assert await lookout.poll_once(every_source=True) == 1
    alert = (await sandbox.wait_for_messages(CHAT, 2))[1]
    button = alert["reply_markup"]["inline_keyboard"][0][0]
    assert button["callback_data"] == "mute:s:belgorod-today:24"
    sandbox.press_button(CHAT, alert["message_id"], button["callback_data"], user_id=CHAT)
    answered = await sandbox.state.wait_until(
        lambda: any(a is not None for a in sandbox.state.callback_answers.values()), 5
    )
    assert answered
    await asyncio.sleep(0.3)
    count = len(sandbox.sent_messages(CHAT))

    feed.items.append(rss_item("b", "В Белгороде открыли мост", "Мост через реку открыт."))
    assert await lookout.poll_once(every_source=True) == 1  # owed, then skipped at send time
    for _ in range(50):
        async with lookout.db.conn.execute(
            "SELECT skipped FROM outbox WHERE skipped IS NOT NULL"
        ) as cur:
            reasons = [r[0] for r in await cur.fetchall()]
        if reasons:
            break
        await asyncio.sleep(0.1)
    assert reasons == ["source muted: belgorod-today"]
    assert len(sandbox.sent_messages(CHAT)) == count
