"""Everything an item can match: regions from the gazetteer and every chat's watch terms.

One `ItemMatcher` serves all chats. Which chats care about a mention is the store's business.
"""

from __future__ import annotations

from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex
from bot.models import Item, Mention


class ItemMatcher:
    def __init__(self, gazetteer: Gazetteer, watch_terms: KeywordIndex) -> None:
        self.gazetteer = gazetteer
        self.watch_terms = watch_terms

    def find(self, item: Item) -> list[Mention]:
        return self.gazetteer.find(item.title, item.text) + self.watch_terms.find(
            item.title, item.text
        )
