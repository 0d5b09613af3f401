"""Queries about story clusters and reissued items. The decisions are in bot.stories.

An item's story terms (and the regions it names, as `@CODE` tokens) are stored on the item,
so later items compare against them without re-reading text; `items.story_id` links an item
to its cluster in `stories`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import aiosqlite

from bot.config import DeliverySettings
from bot.store.db import MAX_VARIABLES
from bot.stories import NO_REGIONS, Candidate, Kept, ReissueIndex, StoryIndex, kept

RECENT_PER_SOURCE = 500  # the most of a source's latest items a reissue is looked for in
HISTORY_FLOOR = 50  # the least
POOL_ITEMS = DeliverySettings().story_pool_items  # the latest items a language keeps
# Sets StoryPool files before it lets other tasks run, when it has more waiting (a day read
# at a restart: 50,000 filed at once held the event loop for 0.5 s; bench_memory's stall).
FILE_SLICE = 1000
HISTORY_BUDGET = 20_000  # sets the pool keeps of sources' histories, all told (8.8 MB)
CHUNK_ROWS = min(500, MAX_VARIABLES // 5)  # rows per multi-row statement: up to 5 values each
_intern = sys.intern
UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33)  # UPDATE ... FROM came with SQLite 3.33


def encode(terms: Kept, regions: frozenset[str]) -> str:
    """The terms and regions as stored: sorted tokens, a region as `@CODE`; no second sort
    unless the item names regions."""
    if not regions:
        return " ".join(terms)
    return " ".join(sorted([*terms, *(f"@{code}" for code in regions)]))


def decode(stored: str | None) -> tuple[Kept, frozenset[str]]:
    """The terms and regions `encode` stored. Each term is interned, as story_terms interns
    them: the pool and the histories keep a day of items read from the database (a history
    set of the dev corpus's words held 2.7 KB of its own strings, against 0.44 interned)."""
    if not stored:
        return (), NO_REGIONS
    tokens = list(map(_intern, stored.split()))
    if "@" not in stored:
        return kept(set(tokens)), NO_REGIONS
    regions = frozenset(token[1:] for token in tokens if token.startswith("@"))
    return kept({token for token in tokens if not token.startswith("@")}), regions


def history_size(document: int) -> int:
    """How many of a source's latest items its new ones are checked against for reissues,
    for a document of `document` items: twice what it carries (a rotated or republished
    document repeats what the earlier ones carried), within HISTORY_FLOOR..RECENT_PER_SOURCE.
    The pool keeps that many per source, not RECENT_PER_SOURCE: about 350 bytes an item,
    which a busy source's 500 made 190 KB (bench_stories)."""
    return min(RECENT_PER_SOURCE, max(HISTORY_FLOOR, 2 * document))


async def candidates(
    conn: aiosqlite.Connection,
    language: str,
    since: float,
    after_id: int = 0,
    latest: int | None = None,
) -> list[Candidate]:
    """Items of one language fetched since `since` (and stored after `after_id`) that belong
    to a story, oldest first; only the `latest` of them, if given. Read a few rows at a time
    (a day's rows at once, 20,000 of them, raised the peak RSS by a further 19 MB), each
    source's name one string however many items it has."""
    found = []
    async with conn.execute(
        "SELECT id, story_id, source, story_terms, fetched_at FROM items "
        "WHERE language = ? AND fetched_at >= ? AND id > ? AND story_id IS NOT NULL "
        "ORDER BY id DESC LIMIT ?",
        (language, since, after_id, -1 if latest is None else latest),
    ) as cur:
        async for item_id, story_id, source, stored, fetched_at in cur:
            terms, regions = decode(stored)
            found.append(Candidate(item_id, story_id, _intern(source), terms, regions, fetched_at))
    found.reverse()
    return found


class StoryPool:
    """The recent candidates per language, indexed, kept between polls and read incrementally;
    and each source's latest story terms (what source_terms reads), indexed for the reissue
    check, also read only past what the pool holds.

    Only committed rows stay in the pool: those read from the database, and a poll's own
    candidates, which the poll adds to the index it `open`ed and the pipeline confirms with
    `committed()` right after its transaction committed. A poll that never reports its commit
    (rolled back, or run without the pipeline) or that `discard`s its additions costs the
    language its index at the next `begin()`: it is read again from the database, where the
    rows are if they were committed after all. A poll's own terms (`told`) join its source's
    history only at `committed()`; otherwise the next poll reads them from the database.

    Memory is bounded by item counts: a language keeps the items of the story window, or
    its latest `budget` items if fewer (DeliverySettings.story_pool_items; about 1.1 KB an
    item, bench_stories), the oldest going a quarter at a time; the sources' histories share
    HISTORY_BUDGET sets, the least recently used going first.
    """

    def __init__(self, budget: int = POOL_ITEMS) -> None:
        self.budget = budget  # the latest items of a language kept, at least, within the window
        self._indexes: dict[str, StoryIndex] = {}
        self._last_id: dict[str, int] = {}
        self._open: tuple[str, int] | None = None  # a poll's language, index size before it
        # source -> its terms, the last item id read, how many of its latest items are kept
        self._history: dict[str, tuple[ReissueIndex, int, int]] = {}  # least recently used first
        self._history_sizes: dict[str, int] = {}  # the sets each holds, forgotten ones too
        self._held = 0  # ... and all of them
        self._told: tuple[str, list[tuple[int, Kept]]] | None = None

    def begin(self) -> None:
        """A poll's transaction starts: whatever an earlier one added uncommitted is dropped."""
        self._told = None
        if self._open is not None:
            self.discard()

    def discard(self) -> None:
        """The open poll's additions must not stay (another language's items among them)."""
        if self._open is not None:
            language, _ = self._open
            self._open = None
            self._indexes.pop(language, None)
            self._last_id.pop(language, None)

    async def open(self, conn: aiosqlite.Connection, language: str, since: float) -> StoryIndex:
        """`index`, for a poll that adds its own candidates to it (see the class docstring)."""
        index = await self.index(conn, language, since)
        self._open = (language, len(index))
        return index

    def committed(self) -> None:
        """The open poll's transaction committed: its candidates stay in the pool, as the
        next read would have added them (the write lock kept anyone else's rows out)."""
        self._remember()
        if self._open is None:
            return
        language, before = self._open
        self._open = None
        index = self._indexes.get(language)
        if index is not None and len(index) > before:
            last = max(c.item_id for c in index.candidates[before:])
            self._last_id[language] = max(self._last_id.get(language, 0), last)

    async def index(self, conn: aiosqlite.Connection, language: str, since: float) -> StoryIndex:
        """The language's candidates; those fetched before `since` may linger, and
        StoryIndex.find(since=...) passes over them."""
        index = self._indexes.get(language) or StoryIndex()
        expired = 0
        for candidate in index.candidates:
            if candidate.fetched_at >= since:
                break
            expired += 1
        gone = max(expired, len(index) - self.budget)  # aged out, or past the budget
        if gone > 0 and gone * 4 >= len(index):  # forgotten once a quarter has gone
            index.drop_first(gone)
        fresh = await candidates(
            conn, language, since, self._last_id.get(language, 0), latest=self.budget
        )
        for candidate in fresh:
            if candidate.item_id not in index.item_ids:  # an open poll's own, already in
                index.add(candidate)
        if fresh:
            self._last_id[language] = fresh[-1].item_id
        self._indexes[language] = index
        # A day read at a start is filed a slice at a time (otherwise a poll's own items wait
        # unfiled for another source's probe).
        if len(fresh) > FILE_SLICE:
            while index.waiting > FILE_SLICE:
                index.file_waiting(FILE_SLICE)
                await asyncio.sleep(0)
        return index

    async def candidates(
        self, conn: aiosqlite.Connection, language: str, since: float
    ) -> list[Candidate]:
        index = await self.index(conn, language, since)
        return [c for c in index.candidates if c.fetched_at >= since]

    async def history(
        self,
        conn: aiosqlite.Connection,
        source: str,
        before_id: int,
        keep: int = RECENT_PER_SOURCE,
    ) -> ReissueIndex:
        """source_terms(source, before_id, keep), indexed: its sets not forgotten (`latest()`)
        are the same ones."""
        index, last_id, kept_before = self._history.get(source) or (ReissueIndex(), 0, keep)
        if last_id >= before_id or (  # holds later items than asked for, or
            keep > kept_before and len(index.latest()) >= kept_before  # may have forgotten some
        ):
            index, last_id = ReissueIndex(), 0  # start over
        for item_id, terms in await terms_between(conn, source, last_id, before_id, keep):
            index.add(terms)
            last_id = item_id
        index = index.keep_last(keep)
        self._hold(source, (index, last_id, keep))
        return index

    def _hold(self, source: str, held: tuple[ReissueIndex, int, int] | None) -> None:
        """Keep (or, given None, drop) a source's history, as the most recently used: once
        the histories hold more than HISTORY_BUDGET sets, the least recently used go, to be
        read from the database when next asked for (every source kept its own: 10,000
        sources of 20-item documents, 50 items each, 220 MB; bench_stories)."""
        histories, sizes = self._history, self._history_sizes
        histories.pop(source, None)
        self._held -= sizes.pop(source, 0)
        if held is None:
            return
        histories[source] = held
        sizes[source] = len(held[0].sets)
        self._held += sizes[source]
        while self._held > HISTORY_BUDGET and len(histories) > 1:
            oldest = next(iter(histories))
            del histories[oldest]
            self._held -= sizes.pop(oldest)

    @property
    def history_sets(self) -> int:
        """The sets the sources' histories hold, all told."""
        return self._held

    def told(self, source: str, terms: list[tuple[int, Kept]]) -> None:
        """A poll's items of `source`: (item id, story terms), id order. They join the
        source's history at `committed()`."""
        self._told = (source, sorted(terms, key=lambda row: row[0]))

    def _remember(self) -> None:
        if self._told is None:
            return
        source, told = self._told
        self._told = None
        if not told or (held := self._history.get(source)) is None:
            return  # read from the database when next asked for
        index, last_id, keep = held
        if told[0][0] <= last_id:
            self._hold(source, None)  # not the order it was read in: read it again
            return
        for _, terms in told:
            index.add(terms)
        self._hold(source, (index.keep_last(keep), told[-1][0], keep))


async def source_terms(
    conn: aiosqlite.Connection, source: str, before_id: int, keep: int = RECENT_PER_SOURCE
) -> list[Kept]:
    """The story terms of the source's latest `keep` items stored before this poll."""
    async with conn.execute(
        "SELECT story_terms FROM items WHERE source = ? AND id < ? AND story_terms IS NOT NULL "
        "ORDER BY id DESC LIMIT ?",
        (source, before_id, keep),
    ) as cur:
        return [decode(r[0])[0] for r in await cur.fetchall()]


async def terms_between(
    conn: aiosqlite.Connection, source: str, after_id: int, before_id: int, keep: int
) -> list[tuple[int, Kept]]:
    """(id, story terms) of the source's latest `keep` items stored after `after_id` and
    before `before_id`, oldest first."""
    async with conn.execute(
        "SELECT id, story_terms FROM items WHERE source = ? AND id > ? AND id < ? "
        "AND story_terms IS NOT NULL ORDER BY id DESC LIMIT ?",
        (source, after_id, before_id, keep),
    ) as cur:
        rows = await cur.fetchall()
    return [(int(item_id), decode(stored)[0]) for item_id, stored in reversed(list(rows))]


async def new_story(conn: aiosqlite.Connection, language: str, item_id: int, now: float) -> int:
    async with conn.execute(
        "INSERT INTO stories (language, first_item_id, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?) RETURNING id",
        (language, item_id, now, now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def new_stories(
    conn: aiosqlite.Connection, first_items: list[tuple[int, str]], now: float
) -> dict[int, int]:
    """One story per (first item id, language), in order; returns item id -> story id."""
    ids = await story_ids(conn, first_items)
    await insert_stories(conn, first_items, ids, now)
    return ids


async def story_ids(
    conn: aiosqlite.Connection, first_items: list[tuple[int, str]]
) -> dict[int, int]:
    """The ids the stories started by these first items will have: from next_story_id on."""
    if not first_items:
        return {}
    first_id = await next_story_id(conn)
    return {item_id: first_id + n for n, (item_id, _) in enumerate(first_items)}


async def next_story_id(conn: aiosqlite.Connection) -> int:
    """The id the next story will have: after the highest one stored (the writer's
    transaction keeps anyone else from taking it), so it is known before the row is
    written, and no RETURNING reads it back."""
    async with conn.execute("SELECT coalesce(max(id), 0) + 1 FROM stories") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 1


async def insert_stories(
    conn: aiosqlite.Connection,
    first_items: list[tuple[int, str]],
    ids: dict[int, int],
    now: float,
) -> None:
    """The stories story_ids numbered."""
    for start in range(0, len(first_items), CHUNK_ROWS):
        chunk = first_items[start : start + CHUNK_ROWS]
        marks = ",".join("(?, ?, ?, ?, ?)" for _ in chunk)
        await conn.execute(
            "INSERT INTO stories (id, language, first_item_id, created_at, last_seen_at) "
            f"VALUES {marks}",
            [v for item_id, language in chunk for v in (ids[item_id], language, item_id, now, now)],
        )


async def join_stories(conn: aiosqlite.Connection, story_ids: list[int], now: float) -> None:
    await conn.executemany(
        "UPDATE stories SET last_seen_at = ? WHERE id = ?", [(now, s) for s in story_ids]
    )


async def set_item_stories(conn: aiosqlite.Connection, rows: list[tuple[int, int, str]]) -> None:
    """(item id, story id, stored terms) for each item: an UPDATE ... FROM (VALUES ...) per
    CHUNK_ROWS rows, half the cost of executemany's row-at-a-time statements."""
    if not UPDATE_FROM:
        await conn.executemany(
            "UPDATE items SET story_id = ?, story_terms = ? WHERE id = ?",
            [(story_id, stored, item_id) for item_id, story_id, stored in rows],
        )
        return
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        marks = ",".join("(?, ?, ?)" for _ in chunk)
        await conn.execute(
            f"WITH v (item_id, story_id, terms) AS (VALUES {marks}) "
            "UPDATE items SET story_id = v.story_id, story_terms = v.terms FROM v "
            "WHERE items.id = v.item_id",
            [value for row in chunk for value in row],
        )


async def join_story(conn: aiosqlite.Connection, story_id: int, now: float) -> None:
    await conn.execute("UPDATE stories SET last_seen_at = ? WHERE id = ?", (now, story_id))


async def set_item_story(
    conn: aiosqlite.Connection, item_id: int, story_id: int | None, stored_terms: str
) -> None:
    await conn.execute(
        "UPDATE items SET story_id = ?, story_terms = ? WHERE id = ?",
        (story_id, stored_terms, item_id),
    )


async def other_sources(
    conn: aiosqlite.Connection, story_id: int, source: str
) -> list[tuple[str, str]]:
    """(name, title) of the other sources that told the story, earliest first."""
    async with conn.execute(
        "SELECT i.source, s.title FROM items i JOIN sources s ON s.name = i.source "
        "WHERE i.story_id = ? AND i.source != ? GROUP BY i.source ORDER BY min(i.id)",
        (story_id, source),
    ) as cur:
        return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]


async def record_reissues(
    conn: aiosqlite.Connection, source: str, count: int, *, rotating: bool, now: float
) -> None:
    """Count a source's reissued items; mark it when a poll was mostly reissues."""
    await conn.execute(
        "UPDATE sources SET reissued_items = reissued_items + ?, "
        "rotating_guids_at = CASE WHEN ? THEN ? ELSE rotating_guids_at END WHERE name = ?",
        (count, int(rotating), now, source),
    )


async def rotating_since(conn: aiosqlite.Connection, source: str) -> float | None:
    async with conn.execute(
        "SELECT rotating_guids_at FROM sources WHERE name = ?", (source,)
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row and row[0] is not None else None
