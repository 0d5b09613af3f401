"""Watch queries end to end below Telegram: Subscriptions, a real SQLite file, ItemMatcher,
and the store's subscribers query, as the pipeline uses them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.matching.query import QueryError
from bot.models import Item
from bot.store import chats
from bot.store.db import Database
from bot.subscriptions import Subscriptions

NOW = datetime(2024, 5, 10, 7, 0, tzinfo=UTC)


def item(title: str, text: str = "") -> Item:
    return Item("src", title, None, title, text, NOW, "ru")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    yield database
    await database.close()


async def interested(db: Database, matcher: ItemMatcher, news: Item) -> dict[int, set[str]]:
    mentions = matcher.find(news)
    async with db.write() as conn:
        found = await chats.subscribers(
            conn,
            regions=(m.value for m in mentions if m.kind == "region"),
            terms=(m.value for m in mentions if m.kind == "term"),
        )
    return {chat: terms for chat, (_, terms) in found.items() if terms}


async def test_chats_get_the_items_their_queries_match(db: Database) -> None:
    index = KeywordIndex()
    service = Subscriptions(db, Gazetteer.load(), index, FixedClock(NOW))
    for chat_id in (1, 2):
        await service.register_chat(chat_id, chat_type="private", title=None, language="ru")
    assert await service.watch(1, "(Дрон OR бпла)  -учения") == ("(дрон OR бпла) -учения", True)
    assert await service.watch(1, "(дрон OR бпла) NOT учения") == ("(дрон OR бпла) -учения", False)
    assert await service.watch(2, "дрон") == ("дрон", True)
    with pytest.raises(QueryError) as caught:
        await service.watch(2, "дрон OR (")
    assert caught.value.reason == "needs_term_after"
    matcher = ItemMatcher(service.gazetteer, index)

    strike = item("Дроны атаковали город")
    assert await interested(db, matcher, strike) == {1: {"(дрон OR бпла) -учения"}, 2: {"дрон"}}
    exercise = item("Дроны на учениях", "Учения прошли штатно")
    assert await interested(db, matcher, exercise) == {2: {"дрон"}}
    assert await interested(db, matcher, item("БПЛА сбит")) == {1: {"(дрон OR бпла) -учения"}}

    # A restart rebuilds the same index from the database.
    reloaded = KeywordIndex()
    again = Subscriptions(db, service.gazetteer, reloaded, FixedClock(NOW))
    assert await again.load_watch_terms() == 2
    assert set(m.value for m in reloaded.find("БПЛА и дроны", "")) == {
        "(дрон OR бпла) -учения",
        "дрон",
    }

    # The last chat to drop an atom takes it out of the index; shared atoms stay.
    assert await service.unwatch(1, "(дрон OR бпла) -учения") == ("(дрон OR бпла) -учения", True)
    assert index.atom_count == 1
    assert await interested(db, matcher, strike) == {2: {"дрон"}}
