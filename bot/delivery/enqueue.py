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
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import aiosqlite

from bot.config import DeliverySettings
from bot.delivery.buttons import JsonDict, mute_keyboard
from bot.delivery.render import encode_spans, headline, matched_spans
from bot.models import Alert, Item, Mention, Source
from bot.store import chats, outbox
from bot.store import stories as story_store
from bot.stories import (
    NO_REGIONS,
    STORY_WINDOW_SECONDS,
    Candidate,
    Kept,
    StoryIndex,
    is_reissue,
    is_reissue_in,
    kept,
    reissue_index,
    rotating_feed,
    story_terms,
)

log = logging.getLogger(__name__)

SCAN_REISSUES = 8  # without a StoryPool, up to this many new items are compared one by one


# What a chat is told of an item: its language, then its regions (and towns) and its watch
# terms among the item's mentions, each sorted. Chats told the same share one alert body.
Wording = tuple[str, tuple[str, ...], tuple[str, ...]]
Write = Callable[[], Awaitable[None]]  # a statement or few whose result nobody waits for


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
    later: list[Write] | None = None,
    history: int = story_store.RECENT_PER_SOURCE,
) -> tuple[dict[int, int], set[int], set[int]]:
    """Story id per new item, the ids of items that only reissue earlier ones, and the ids
    of the stories this poll started.

    Each item is compared with the source's latest `history` earlier items for a reissue
    (story_store.history_size of the polled document; kept in the StoryPool between polls, or
    read from the database without one) and with the candidates
    its terms can meet (bot.stories.StoryIndex), this poll's earlier items among them. A
    story the poll starts is numbered at once (story_store.next_story_id), so its items join
    the pool under their final story. The stories and item updates are written in a few
    statements at the end, or, given `later`, left there for the caller to run before its
    transaction ends (nothing the caller reads in between depends on them)."""
    if story_pool is not None:
        story_pool.begin()
    if not new:
        return {}, set(), set()
    before_id = min(i for i, _, _ in new)
    since = now - STORY_WINDOW_SECONDS
    if story_pool is None:
        earlier = await story_store.source_terms(conn, source.name, before_id, history)
        indexed = reissue_index(earlier) if len(new) > SCAN_REISSUES else None
        pool = StoryIndex()
        for candidate in await story_store.candidates(conn, source.language, since):
            pool.add(candidate)
    else:  # this poll's items join the shared pool, which forgets them unless committed
        indexed = await story_pool.history(conn, source.name, before_id, history)
        earlier = indexed.latest()
        pool = await story_pool.open(conn, source.language, since)
    first_story = await story_store.next_story_id(conn)  # stories below it were there before
    story_of: dict[int, int] = {}
    reissued: set[int] = set()
    firsts: list[tuple[int, str]] = []
    started: dict[int, int] = {}  # first item -> its story
    joined: dict[int, None] = {}
    rows: list[tuple[int, int, str]] = []  # item, story, stored terms
    told: list[tuple[int, Kept]] = []
    for item_id, item, mentions in new:
        terms = story_terms(item.title, item.text)
        ordered = kept(terms)
        regions = frozenset(m.value for m in mentions if m.kind == "region") or NO_REGIONS
        if (
            is_reissue(terms, earlier)
            if indexed is None
            else is_reissue_in(terms, indexed, ordered)
        ):
            reissued.add(item_id)
        match = pool.find(terms, regions, source.name, since)[0]
        if match is None:
            story_id = started[item_id] = first_story + len(firsts)
            firsts.append((item_id, item.language))
        else:
            story_id = match.story_id
            if story_id < first_story:
                joined[story_id] = None
        story_of[item_id] = story_id
        rows.append((item_id, story_id, story_store.encode(ordered, regions)))
        told.append((item_id, ordered))
        if item_id not in pool.item_ids:
            pool.add(Candidate(item_id, story_id, source.name, ordered, regions, now))
    if story_pool is not None:
        story_pool.told(source.name, told)
    writes: list[Write] = [lambda: story_store.insert_stories(conn, firsts, started, now)]
    if joined:
        writes.append(lambda: story_store.join_stories(conn, list(joined), now))
    writes.append(lambda: story_store.set_item_stories(conn, rows))
    if later is None:
        for write in writes:
            await write()
    else:
        later += writes
    if story_pool is not None and any(item.language != source.language for _, item, _ in new):
        story_pool.discard()
    return story_of, reissued, set(started.values())


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
    history: int = story_store.RECENT_PER_SOURCE,
) -> Enqueued:
    found = [(item_id, item, matcher.find(item)) for item_id, item in new]
    story_writes: list[Write] = []  # run while the alerts are rendered (AlertWriter.behind)
    story_of, reissued, started = await assign_stories(
        conn, source, found, now, story_pool, story_writes, history
    )
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
    matched = [(item, mentions) for _, item, mentions in found if mentions]
    told = [(i, it, m) for i, it, m in found if primed and i not in reissued]
    if not told:
        for write in story_writes:
            await write()
        return Enqueued(matched, 0, 0, reissued_count)
    # What every item's alerts need, read once for the whole poll.
    joined = {story_of[i] for i, _, _ in told} - started
    story_chats = await outbox.story_chats_many(conn, joined)  # before this poll's rows
    interested = await chats.subscribers(
        conn,
        regions=(m.value for _, _, ms in told for m in ms if m.kind == "region"),
        terms=(m.value for _, _, ms in told for m in ms if m.kind == "term"),
        places=(m.place for _, _, ms in told for m in ms if m.place),
    )
    languages = await chats.chat_languages(conn, interested)
    audience = Audience(interested)
    others: dict[int, list[tuple[str, str]]] = {}
    told_here: dict[int, set[int]] = {}  # story -> chats that have or are now owed its alert
    edits = 0
    also_checked: set[tuple[int, int]] = set()
    async with outbox.AlertWriter(conn, now) as writer:  # rows are written as they are owed
        for write in story_writes:
            await writer.behind(write())
        for item_id, item, mentions in told:
            story_id = story_of[item_id]
            # Chats that already have this story hear of the new source, matched or not.
            earlier_chats = story_chats.get(story_id, [])
            chats_told = told_here.setdefault(story_id, set(earlier_chats))
            for chat_id in earlier_chats:
                if (chat_id, story_id) in also_checked:
                    continue  # asked once per poll: the answer cannot turn to yes
                also_checked.add((chat_id, story_id))
                await writer.flush()  # rows keep the order in which they were owed
                if await _also_reported(conn, chat_id, story_id, source, settings, now):
                    edits += 1
            if not mentions:
                continue
            if story_id not in others:
                others[story_id] = (
                    []
                    if story_id in started
                    else await story_store.other_sources(conn, story_id, source.name)
                )
            chats_here = {
                chat_id: (languages.get(chat_id, "en"), tuple(regions), tuple(terms))
                for chat_id, (regions, terms) in audience.among(mentions).items()
                if chat_id not in chats_told
            }
            chats_told.update(chats_here)
            alert = Alert(0, item_id, source.title, item, mentions=tuple(mentions))
            also = others[story_id]
            await writer.add(
                _owed(alert, story_id, chats_here, also, source, region_name, settings)
            )
    sends = writer.queued
    return Enqueued(matched, sends, edits, reissued_count)


def _owed(
    alert: Alert,
    story_id: int,
    chats_here: dict[int, Wording],
    also: list[tuple[str, str]],
    source: Source,
    region_name: Callable[[str, str], str],
    settings: DeliverySettings,
) -> list[outbox.Owed]:
    """The item's rows, in chat order, for chat -> (language, its regions, its terms) among
    the item's mentions; chats told the same things in one language share one body."""
    bodies: dict[Wording, outbox.AlertBody] = {}
    owed: list[outbox.Owed] = []
    for chat_id in sorted(chats_here):
        wording = chats_here[chat_id]
        body = bodies.get(wording)
        if body is None:
            body = _alert_body(alert, wording, story_id, source, region_name, settings, also)
            bodies[wording] = body
        owed.append((chat_id, body))
    return owed


class Audience:
    """The poll's subscribers filed under each region, town and watch term that brings them,
    so an item's chats are found from its mentions, not by asking every subscriber."""

    def __init__(self, interested: dict[int, tuple[set[str], set[str]]]) -> None:
        self.by_place: dict[str, list[int]] = {}  # region codes and town ids
        self.by_term: dict[str, list[int]] = {}
        for chat_id, (places, terms) in interested.items():
            for place in places:
                self.by_place.setdefault(place, []).append(chat_id)
            for term in terms:
                self.by_term.setdefault(term, []).append(chat_id)

    def among(self, mentions: Iterable[Mention]) -> dict[int, tuple[list[str], list[str]]]:
        """Chat -> (its regions and towns, its watch terms) among the item's mentions: what
        chats.subscribers would return for that item alone, each list sorted (a chat is filed
        once under each value, and the values are visited in order)."""
        places = {m.value for m in mentions if m.kind == "region"}
        places.update(m.place for m in mentions if m.place)
        terms = {m.value for m in mentions if m.kind == "term"}
        found: dict[int, tuple[list[str], list[str]]] = {}
        for side, values, chats_by in ((0, places, self.by_place), (1, terms, self.by_term)):
            for value in sorted(values):
                for chat_id in chats_by.get(value, ()):
                    if (reasons := found.get(chat_id)) is None:
                        reasons = found[chat_id] = ([], [])
                    reasons[side].append(value)
        return found


def _alert_body(
    alert: Alert,
    wording: Wording,
    story_id: int,
    source: Source,
    region_name: Callable[[str, str], str],
    settings: DeliverySettings,
    also: list[tuple[str, str]],
) -> outbox.AlertBody:
    """What the alert says and its mute buttons, for every chat told the same regions and
    terms. Its text is rendered when the sender reads the row (outbox.Said)."""
    lang, regions, terms = wording
    said = outbox.Said(
        lang,
        _headline(regions, terms, lang, region_name),
        encode_spans(matched_spans(alert.mentions, regions, terms)),
        source.title,
    )
    return outbox.AlertBody(
        item_id=alert.item_id,
        dedup_key=f"story:{story_id}",
        text="",  # not read: the body has `said`
        story_id=story_id,
        source=source.name,
        regions=regions,
        terms=terms,
        reply_markup=_keyboard(source.name, source.title, terms, lang, settings.mute_hours),
        also=also,
        said=said,
    )


@lru_cache(maxsize=4096)
def _headline(
    regions: tuple[str, ...],
    terms: tuple[str, ...],
    lang: str,
    region_name: Callable[[str, str], str],
) -> str:
    """render.headline, made once for the many alerts that give the same reasons."""
    return headline(regions, terms, lambda code: region_name(code, lang))


@lru_cache(maxsize=1024)
def _keyboard(
    source_name: str, source_title: str, terms: tuple[str, ...], lang: str, hours: int
) -> JsonDict | None:
    """mute_keyboard, made once for the many alerts that offer the same buttons. The dict is
    shared by their bodies (and so JSON-encoded once per poll): nobody may change it."""
    return mute_keyboard(
        source_name=source_name, source_title=source_title, terms=terms, lang=lang, hours=hours
    )


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
