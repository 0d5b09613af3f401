"""What a chat follows: its regions and watch terms. The one service the chat handlers call.

Keeps the shared watch-term index in step with the database: a term enters the index when
the first chat watches it and leaves when the last one stops.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.errors import UserInputError
from bot.matching.gazetteer import Gazetteer, Region
from bot.matching.keywords import KeywordIndex
from bot.store import chats
from bot.store.chats import ChatSettings
from bot.store.db import Database

MAX_TERM_CHARS = 100


def clean_term(raw: str) -> str:
    """A watch term as stored: whitespace collapsed, lowercased unless it is an acronym (ПВО)."""
    term = " ".join(raw.split())
    if not term or len(term) > MAX_TERM_CHARS or not any(ch.isalnum() for ch in term):
        raise UserInputError("term_invalid")
    return term if term.isupper() and len(term) <= 6 else term.lower()


class Subscriptions:
    def __init__(
        self, db: Database, gazetteer: Gazetteer, watch_terms: KeywordIndex, clock: Clock
    ) -> None:
        self.db = db
        self.gazetteer = gazetteer
        self.watch_terms = watch_terms
        self.clock = clock

    async def load_watch_terms(self) -> int:
        terms = await chats.all_watch_terms(self.db.conn)
        for term in terms:
            self.watch_terms.add(term)
        return len(terms)

    def _now(self) -> float:
        return self.clock.now().timestamp()

    async def register_chat(
        self, chat_id: int, *, chat_type: str, title: str | None, language: str
    ) -> None:
        async with self.db.write() as conn:
            await chats.ensure_chat(
                conn, chat_id, chat_type=chat_type, title=title, language=language, now=self._now()
            )

    def resolve_region(self, query: str) -> list[Region]:
        return self.gazetteer.resolve(query)

    def region_name(self, code: str, lang: str) -> str:
        region = self.gazetteer.get(code)
        return region.name(lang) if region else code

    async def subscribe(self, chat_id: int, code: str) -> bool:
        async with self.db.write() as conn:
            return await chats.subscribe(conn, chat_id, code, self._now())

    async def unsubscribe(self, chat_id: int, code: str) -> bool:
        async with self.db.write() as conn:
            return await chats.unsubscribe(conn, chat_id, code)

    async def watch(self, chat_id: int, raw_term: str) -> tuple[str, bool]:
        term = clean_term(raw_term)
        async with self.db.write() as conn:
            added = await chats.watch(conn, chat_id, term, self._now())
        self.watch_terms.add(term)
        return term, added

    async def unwatch(self, chat_id: int, raw_term: str) -> tuple[str, bool]:
        term = clean_term(raw_term)
        async with self.db.write() as conn:
            removed = await chats.unwatch(conn, chat_id, term)
            still_watched = await chats.term_is_watched(conn, term)
        if removed and not still_watched:
            self.watch_terms.remove(term)
        return term, removed

    async def settings(self, chat_id: int) -> ChatSettings | None:
        return await chats.chat_settings(self.db.conn, chat_id)
