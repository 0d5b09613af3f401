"""From a poll's new items to outbox rows, inside the pipeline's transaction:

    new items | reissue check (same source, same content, new key) | story (cluster with other
        sources' items of the last 24 h) | match | subscribers | one alert per (chat, story)

A chat gets one `send` row per story (dedup key `story:<id>`). When another source reports a
story the chat already has, the alert gains "also reported by": still pending, its row is
updated; already sent, an `edit` row is owed (at most `max_edits` per message). Items that
repeat what the same source stored before, arriving in a burst (rotating GUIDs, a republished
backlog), alert nobody, and the source is marked (`sources.rotating_guids_at`).
The pipeline's alert count is sends plus edits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import aiosqlite

from bot.config import DeliverySettings
from bot.delivery.buttons import mute_keyboard
from bot.delivery.render import render_alert
from bot.models import Alert, Item, Mention, Source
from bot.store import chats, outbox
from bot.store import stories as story_store
from bot.stories import (
    STORY_WINDOW_SECONDS,
    Candidate,
    find_story,
    is_reissue,
    rotating_feed,
    story_terms,
)

log = logging.getLogger(__name__)


def alerts_for(
    item_id: int,
    item: Item,
    mentions: list[Mention],
    interested: dict[int, tuple[set[str], set[str]]],
    source_title: str,
) -> list[Alert]:
    """One alert per interested chat, saying which of its regions and terms matched."""
    return [
        Alert(
            chat_id=chat_id,
            item_id=item_id,
            source_title=source_title,
            item=item,
            regions=tuple(sorted(regions)),
            terms=tuple(sorted(terms)),
            mentions=tuple(mentions),
        )
        for chat_id, (regions, terms) in sorted(interested.items())
    ]


class Matcher(Protocol):
    """bot.matching.item_matcher.ItemMatcher in production."""

    def find(self, item: Item) -> list[Mention]: ...


@dataclass(frozen=True, slots=True)
class Enqueued:
    matched: list[tuple[Item, list[Mention]]]
    alerts: int  # send rows queued
    edits: int  # edit rows queued
    reissued: int  # new items that repeat the source's earlier ones (told only if few)


async def assign_stories(
    conn: aiosqlite.Connection,
    source: Source,
    new: list[tuple[int, Item, list[Mention]]],
    now: float,
    story_pool: story_store.StoryPool | None = None,
) -> tuple[dict[int, int], set[int]]:
    """Story id per new item, and the ids of items that only reissue earlier ones."""
    if not new:
        return {}, set()
    earlier = await story_store.source_terms(conn, source.name, min(i for i, _, _ in new))
    since = now - STORY_WINDOW_SECONDS
    if story_pool is None:
        pool = await story_store.candidates(conn, source.language, since)
    else:
        pool = await story_pool.candidates(conn, source.language, since)
    by_item = {c.item_id: c for c in pool}
    story_of: dict[int, int] = {}
    reissued: set[int] = set()
    for item_id, item, mentions in new:
        terms = story_terms(item.title, item.text)
        regions = frozenset(m.value for m in mentions if m.kind == "region")
        if is_reissue(terms, earlier):
            reissued.add(item_id)
        match = find_story(terms, regions, source.name, pool)
        if match is None:
            story_id = await story_store.new_story(conn, item.language, item_id, now)
        else:
            story_id = match.story_id
            await story_store.join_story(conn, story_id, now)
        story_of[item_id] = story_id
        await story_store.set_item_story(
            conn, item_id, story_id, story_store.encode(terms, regions)
        )
        candidate = Candidate(item_id, story_id, source.name, terms, regions, now)
        if item_id not in by_item:
            pool.append(candidate)
            by_item[item_id] = candidate
    return story_of, reissued


async def enqueue_alerts(
    conn: aiosqlite.Connection,
    *,
    source: Source,
    new: list[tuple[int, Item]],
    primed: bool,
    now: float,
    matcher: Matcher,
    region_name: Callable[[str, str], str],
    settings: DeliverySettings,
    story_pool: story_store.StoryPool | None = None,
) -> Enqueued:
    found = [(item_id, item, matcher.find(item)) for item_id, item in new]
    story_of, reissued = await assign_stories(conn, source, found, now, story_pool)
    reissued_count = len(reissued)
    if reissued:
        rotating = rotating_feed(len(new), len(reissued))
        await story_store.record_reissues(
            conn, source.name, len(reissued), rotating=rotating, now=now
        )
        if not rotating:
            reissued = set()  # a repeated post now and then is news: it alerts as usual
        log.warning(
            "source=%s event=reissued_items count=%d new=%d rotating=%s",
            source.name,
            len(reissued),
            len(new),
            rotating,
        )
    matched: list[tuple[Item, list[Mention]]] = []
    sends = edits = 0
    for item_id, item, mentions in found:
        if mentions:
            matched.append((item, mentions))
        if not primed or item_id in reissued:
            continue  # a new source's backlog, or old news under a new key: stored, not told
        story_id = story_of[item_id]
        # Chats that already have this story hear of the new source, matched or not.
        told = set()
        for chat_id in await outbox.story_chats(conn, story_id):
            told.add(chat_id)
            if await _also_reported(conn, chat_id, story_id, source, settings, now):
                edits += 1
        if not mentions:
            continue
        interested = await chats.subscribers(
            conn,
            regions=(m.value for m in mentions if m.kind == "region"),
            terms=(m.value for m in mentions if m.kind == "term"),
            places=(m.place for m in mentions if m.place),
        )
        earlier = await story_store.other_sources(conn, story_id, source.name)
        for alert in alerts_for(item_id, item, mentions, interested, source.title):
            if alert.chat_id in told:
                continue
            lang = await chats.chat_language(conn, alert.chat_id)

            def names(code: str, lang: str = lang) -> str:
                return region_name(code, lang)

            text = render_alert(alert, lang=lang, region_name=names)
            keyboard = mute_keyboard(
                source_name=source.name,
                source_title=source.title,
                terms=alert.terms,
                lang=lang,
                hours=settings.mute_hours,
            )
            if await outbox.enqueue(
                conn,
                chat_id=alert.chat_id,
                item_id=item_id,
                dedup_key=f"story:{story_id}",
                text=text,
                now=now,
                story_id=story_id,
                source=source.name,
                regions=alert.regions,
                terms=alert.terms,
                reply_markup=keyboard,
                also=earlier,
            ):
                sends += 1
    return Enqueued(matched, sends, edits, reissued_count)


async def _also_reported(
    conn: aiosqlite.Connection,
    chat_id: int,
    story_id: int,
    source: Source,
    settings: DeliverySettings,
    now: float,
) -> bool:
    """Add the source to the chat's alert for the story; True when an edit was queued."""
    existing = await outbox.story_alert(conn, chat_id, story_id)
    if existing is None or existing.skipped:
        return False
    if source.name == existing.source or source.name in existing.also_names:
        return False
    await outbox.add_also(conn, existing.id, source.name, source.title)
    if existing.state not in ("sent", "sending"):
        return False  # still pending: it goes out with the new line
    return await outbox.enqueue_edit(
        conn,
        chat_id=chat_id,
        carrier_id=existing.carrier_id,
        story_id=story_id,
        max_edits=settings.max_edits,
        now=now,
    )
