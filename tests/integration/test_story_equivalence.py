"""The indexed, pooled story clustering (bot.delivery.enqueue.assign_stories with a StoryPool:
lazily filed story index, in-memory source histories) against a full scan of everything stored
before, on a real SQLite file: every item must land in the same story, and the same items
must count as reissues, poll after poll, across sources, rollbacks and the 24 h window."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.delivery import enqueue
from bot.delivery.enqueue import assign_stories
from bot.models import Item, Mention, Source
from bot.store import items
from bot.store import sources as source_store
from bot.store import stories as story_store
from bot.store.db import Database
from bot.stories import (
    STORY_WINDOW_SECONDS,
    Candidate,
    find_story,
    is_reissue,
    kept,
    story_terms,
)
from tests.unit.test_stories import ITEMS

SOURCES = [Source(f"s{n}", f"S{n}", f"https://s{n}.example/rss", language="ru") for n in range(4)]
WORDS = [f"слово{n:02d}" for n in range(30)] + ["белгород", "дроны", "обстрел", "2024"]
REGIONS = ["RU-BEL", "RU-KRS"]
PUBLISHED = datetime(2024, 6, 4, tzinfo=UTC)
SEED_TEXTS = sorted({" ".join(sorted(terms)) for _, terms in ITEMS.values()})


class Stored:
    """What the full scan knows: every committed item, in id order."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, frozenset[str], frozenset[str], float, int]] = []

    def expected(
        self,
        source: str,
        new: list[tuple[int, frozenset[str], frozenset[str]]],
        now: float,
        history: int,
    ) -> tuple[dict[int, int], set[int]]:
        """First item of each new item's story, and the reissues, by full scans."""
        first_of = {item_id: first for item_id, *_, first in self.rows}
        earlier = [t for _, s, t, *_ in self.rows if s == source][-history:]
        pool = [
            Candidate(item_id, first, s, kept(terms), regions, fetched)
            for item_id, s, terms, regions, fetched, first in self.rows
            if fetched >= now - STORY_WINDOW_SECONDS
        ]
        story: dict[int, int] = {}
        reissued = set()
        for item_id, terms, regions in new:
            if is_reissue(terms, earlier):
                reissued.add(item_id)
            match = find_story(terms, regions, source, pool)
            story[item_id] = item_id if match is None else first_of[match.item_id]
            first_of[item_id] = story[item_id]
            pool.append(Candidate(item_id, story[item_id], source, kept(terms), regions, now))
        return story, reissued


def text_of(rng: random.Random, earlier: list[str]) -> str:
    """A fresh text, a seed item's words, or an earlier text with a word or two changed."""
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(SEED_TEXTS)
    if roll < 0.6 and earlier:
        words = rng.choice(earlier).split()
        for _ in range(rng.randint(0, 2)):
            if words and rng.random() < 0.5:
                words.pop(rng.randrange(len(words)))
            else:
                words.append(rng.choice(WORDS))
        return " ".join(words)
    return " ".join(rng.sample(WORDS, rng.randint(0, 12)))


def mentions(rng: random.Random) -> list[Mention]:
    return [Mention("region", r, r, "title", 0, 1) for r in REGIONS if rng.random() < 0.2]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    async with database.write() as conn:
        await source_store.upsert_sources(conn, SOURCES)
    yield database
    await database.close()


@pytest.mark.parametrize("budget", [story_store.HISTORY_BUDGET, 12])
@pytest.mark.parametrize("seed", range(6))
async def test_pooled_clustering_equals_a_full_scan(
    db: Database, seed: int, budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # histories run over, and their length follows the polled document's (history_size);
    # with a budget of 12 sets, the pool forgets sources' histories and reads them again
    monkeypatch.setattr(story_store, "RECENT_PER_SOURCE", 9)
    monkeypatch.setattr(story_store, "HISTORY_FLOOR", 3)
    monkeypatch.setattr(story_store, "HISTORY_BUDGET", budget)
    monkeypatch.setattr(story_store, "FILE_SLICE", 3)  # what the pool reads is filed in slices
    monkeypatch.setattr(enqueue, "SCAN_REISSUES", 2)
    rng = random.Random(seed)
    pool = story_store.StoryPool()
    stored = Stored()
    texts: list[str] = []
    now = 1000.0
    for poll in range(60):
        now += rng.choice([60.0, 600.0, 3600.0, STORY_WINDOW_SECONDS / 3])
        source = rng.choice(SOURCES)
        with_pool = rng.random() < 0.85  # now and then a poll without the pool
        fresh = [text_of(rng, texts) for _ in range(rng.randint(0, 12))]
        polled = [
            Item(source.name, f"{poll}-{n}", None, text, "", PUBLISHED, "ru")
            for n, text in enumerate(fresh)
        ]
        rolled_back = rng.random() < 0.1
        try:
            async with db.write() as conn:
                new = await items.insert_new_items(conn, polled, now)
                found = [(i, item, mentions(rng)) for i, item in new]
                terms = [
                    (i, story_terms(it.title, it.text), frozenset(m.value for m in ms))
                    for i, it, ms in found
                ]
                history = story_store.history_size(len(polled))
                story, reissued = stored.expected(source.name, terms, now, history)
                story_of, got_reissued, _ = await assign_stories(
                    conn, source, found, now, pool if with_pool else None, history=history
                )
                if rolled_back:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            assert rolled_back
        else:
            if with_pool:
                pool.committed()
                assert pool.history_sets <= max(budget, 2 * 9)  # or one source's alone
            assert got_reissued == reissued
            async with db.conn.execute("SELECT id, first_item_id FROM stories") as cur:
                first_item = {int(r[0]): int(r[1]) for r in await cur.fetchall()}
            assert {i: first_item[s] for i, s in story_of.items()} == story
            for item_id, item_terms, regions in terms:
                stored.rows.append((item_id, source.name, item_terms, regions, now, story[item_id]))
            texts += fresh
