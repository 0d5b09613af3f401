"""What a chat follows: its regions, towns and watch queries. The one service handlers call.

Keeps the shared watch-term index in step with the database: a term enters the index when
the first chat watches it and leaves when the last one stops.
"""

from __future__ import annotations

import logging

import aiosqlite

from bot.clock import Clock
from bot.config import LimitSettings
from bot.errors import LimitReached, UserInputError
from bot.matching.gazetteer import Gazetteer, Region, Resolution
from bot.matching.keywords import KeywordIndex
from bot.matching.query import MAX_QUERY_CHARS, parse_query
from bot.store import chats
from bot.store import places as place_store
from bot.store.chats import ChatSettings
from bot.store.db import Database

log = logging.getLogger(__name__)

MAX_TERM_CHARS = MAX_QUERY_CHARS


def clean_term(raw: str) -> str:
    """A watch query as stored: its canonical text ("Дрон" → "дрон", "ПВО" stays).

    Raises `QueryError` (a `UserInputError` pointing at the problem) when malformed.
    """
    return str(parse_query(raw))


class Subscriptions:
    def __init__(
        self,
        db: Database,
        gazetteer: Gazetteer,
        watch_terms: KeywordIndex,
        clock: Clock,
        limits: LimitSettings | None = None,
    ) -> None:
        self.db = db
        self.gazetteer = gazetteer
        self.watch_terms = watch_terms
        self.clock = clock
        self.limits = limits or LimitSettings()

    async def load_watch_terms(self) -> int:
        terms = await chats.all_watch_terms(self.db.conn)
        # at once, so that forms saved at the last run are read rather than expanded again
        for term in self.watch_terms.load(terms):  # stored before queries were parsed
            log.warning("event=unreadable_watch_query term=%r", term)
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

    def lookup(self, query: str) -> Resolution:
        """What a name typed after /subscribe stands for: regions, and maybe a town."""
        return self.gazetteer.lookup(query)

    def region_name(self, code: str, lang: str) -> str:
        """A region's name, or a town's (for a place id such as "RU-BEL/graivoron")."""
        region = self.gazetteer.get(code)
        if region is not None:
            return region.name(lang)
        place = self.gazetteer.place(code)
        return place.name(lang) if place else code

    async def subscribe_place(self, chat_id: int, place_id: str) -> bool:
        """Alerts for one town only; False when the chat already had it (or no such town)."""
        place = self.gazetteer.place(place_id)
        if place is None:
            return False
        async with self.db.write() as conn:
            if place.id not in await place_store.chat_places(conn, chat_id):
                await self._check_followed(conn, chat_id)
            return await place_store.subscribe_place(
                conn, chat_id, place.id, place.code, self._now()
            )

    async def unsubscribe_place(self, chat_id: int, place_id: str) -> bool:
        async with self.db.write() as conn:
            return await place_store.unsubscribe_place(conn, chat_id, place_id)

    async def places(self, chat_id: int) -> list[str]:
        """The chat's town subscriptions (place ids), oldest first."""
        return await place_store.chat_places(self.db.conn, chat_id)

    async def subscribe(self, chat_id: int, code: str) -> bool:
        """Raises LimitReached when the chat follows `max_regions` regions and towns already."""
        async with self.db.write() as conn:
            settings = await chats.chat_settings(conn, chat_id)
            if settings is None or code not in settings.regions:
                await self._check_followed(conn, chat_id)
            return await chats.subscribe(conn, chat_id, code, self._now())

    async def _check_followed(self, conn: aiosqlite.Connection, chat_id: int) -> None:
        if await chats.followed_count(conn, chat_id) >= self.limits.max_regions:
            raise LimitReached("regions", self.limits.max_regions)

    async def unsubscribe(self, chat_id: int, code: str) -> bool:
        async with self.db.write() as conn:
            return await chats.unsubscribe(conn, chat_id, code)

    async def watch(self, chat_id: int, raw_term: str) -> tuple[str, bool]:
        """Raises LimitReached when the chat has `max_watch_terms` terms and this is a new one.

        The cap is checked before the write and again inside it, so a refused term costs one
        read and never reaches the shared index: memory stays bounded whatever a chat sends."""
        term = clean_term(raw_term)
        cap = self.limits.max_watch_terms
        count, present = await chats.watch_state(self.db.conn, chat_id, term)
        if present:
            return term, False
        if count >= cap:
            raise LimitReached("watch_terms", cap)
        async with self.db.write() as conn:
            count, present = await chats.watch_state(conn, chat_id, term)
            if not present and count >= cap:
                raise LimitReached("watch_terms", cap)
            added = await chats.watch(conn, chat_id, term, self._now())
        self.watch_terms.add(term)
        return term, added

    async def unwatch(self, chat_id: int, raw_term: str) -> tuple[str, bool]:
        try:
            term = clean_term(raw_term)
        except UserInputError:  # a stored query that no longer parses can still be removed
            term = " ".join(raw_term.split())
        async with self.db.write() as conn:
            removed = await chats.unwatch(conn, chat_id, term)
            still_watched = await chats.term_is_watched(conn, term)
        if removed and not still_watched:
            self.watch_terms.remove(term)
        return term, removed

    async def settings(self, chat_id: int) -> ChatSettings | None:
        return await chats.chat_settings(self.db.conn, chat_id)
