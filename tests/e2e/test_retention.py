"""The running bot forgets on its own: its retention sweep deletes an item that aged past
`keep_days` and left its feed, and keeps the one the feed still lists."""

from __future__ import annotations

import asyncio

import pytest

from bot import app
from bot.store.retention import DAY
from tests.e2e.conftest import LocalFeed, LookoutFactory, rss_item


async def test_the_bot_forgets_an_aged_item_its_feed_dropped_and_keeps_a_listed_one(
    feed: LocalFeed, make_lookout: LookoutFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "FORGET_FIRST_SECONDS", 0.05)
    monkeypatch.setattr(app, "FORGET_EVERY_SECONDS", 0.05)
    feed.items[:] = [  # newest first, as feeds list them: stored oldest first
        rss_item("fresh", "Концерт", "Вечером."),
        rss_item("listed", "Выставка", "Открылась."),
        rss_item("dropped", "Погода", "Дождь."),
    ]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)
    async with lookout.db.write() as conn:  # forty days ago, and only "listed" is still there
        await conn.execute(
            "UPDATE items SET fetched_at = fetched_at - ?, listed_at = CASE key "
            "WHEN 'listed' THEN fetched_at ELSE NULL END WHERE key != 'fresh'",
            (40 * DAY,),
        )

    async def keys() -> list[str]:
        async with lookout.db.conn.execute("SELECT key FROM items ORDER BY id") as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async with asyncio.timeout(10):
        while "dropped" in await keys():
            await asyncio.sleep(0.02)
    assert await keys() == ["listed", "fresh"]
