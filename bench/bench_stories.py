"""The story pool: what a day of items and a busy source's history hold in memory.

    python -m bench.bench_stories [--scale 1.0]

The pool (bot.stories.StoryIndex, one per language) holds the story terms of the last 24 h of
items, and each source's history (bot.stories.ReissueIndex) its latest items for the reissue
check, between polls: unlike a poll's objects they stay, so they grow with a day's volume.
The items' words are drawn from the dev corpus's (tests/data/corpus/dev.jsonl), as often as
they occur there, from 2,000 sources of 20-item documents, filed as `assign_stories` files
them. (Drawn from the corpus's 1,600 stems, these items overlap far more than a day of news
does: no measure of clustering speed.) Memory is what tracemalloc counts of the objects the
pool keeps; the history is a source's at `history_size(20)` items against its latest 500
(what every source kept before, however old).

Clustering speed against a full day: bench_ingest's polls come from one source, whose own
items a probe passes over, so its figure leaves out what a day of other sources' items costs.
Here 1,000 items from another source are clustered against a day of items whose stems are
drawn from a Zipf vocabulary (a few stems in most items, as words occur in text).

Also: the sources' histories all told (2,000 sources read from a real SQLite file, as polls
read them, within HISTORY_BUDGET), and what a pool of 10,000 items costs to forget its oldest
quarter, as StoryPool does once a quarter has aged out, against building it anew.
"""

from __future__ import annotations

import gc
import random
import tempfile
import time
import tracemalloc
from itertools import accumulate
from pathlib import Path

from bench.bench_regions import load_corpus
from bench.figures import Figure, bench_main

SOURCES = 2000
DOCUMENT = 20  # items a document of each source carries


def corpus_words(language: str | None = None) -> list[str]:
    """Every word of the dev corpus's items (of one language), as often as it occurs."""
    return [
        word
        for row in load_corpus()
        if language is None or row["lang"] == language
        for word in f"{row['title']} {row['summary']}".split()
    ]


def texts(count: int) -> list[tuple[str, str]]:
    """Items whose words are drawn from the dev corpus's, as often as they occur there (so a
    common word is common here too): 40 words a text, a title of 8."""
    words = corpus_words()
    pick = random.Random(1).choices
    return [(" ".join(pick(words, k=8)), " ".join(pick(words, k=32))) for _ in range(count)]


def pool_figures(count: int) -> tuple[float, float]:
    """Bytes an item the day's pool keeps, and the mean story terms an item."""
    from bot.stories import NO_REGIONS, Candidate, StoryIndex, kept, story_terms

    probes = [story_terms(title, text) for title, text in texts(count)]
    gc.collect()
    tracemalloc.start()
    pool = StoryIndex()
    for n, terms in enumerate(probes):
        pool.add(Candidate(n, n, f"s{n % SOURCES}", kept(terms), fetched_at=float(n)))
    pool.find(frozenset({"probe"}), NO_REGIONS, "another")  # files every set, as probes do
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(pool) == count
    return held / count, sum(map(len, probes)) / count


def zipf_items(count: int, vocabulary: int = 50_000, words: int = 40) -> list[frozenset[str]]:
    """Term sets of `words` stems drawn from a Zipf (s = 1) vocabulary, as a language's words
    occur in text: a few stems in most items, most stems in few."""
    stems = [f"t{rank}" for rank in range(vocabulary)]
    weights = list(accumulate(1 / (rank + 1) for rank in range(vocabulary)))
    pick = random.Random(2).choices
    return [frozenset(pick(stems, cum_weights=weights, k=words)) for _ in range(count)]


def clustering(day: int, probes: int = 1000) -> tuple[float, float]:
    """Items/s that `StoryIndex.find` clusters against a day of `day` Zipf items from 2,000
    sources, and the candidates each meets (`near`) on average."""
    from bot.stories import NO_REGIONS, Candidate, StoryIndex, kept

    sets = zipf_items(day + probes)
    pool = StoryIndex()
    for n, terms in enumerate(sets[:day]):
        pool.add(Candidate(n, n, f"s{n % SOURCES}", kept(terms), fetched_at=float(n)))
    pool.find(frozenset({"probe"}), NO_REGIONS, "another")  # files every set, as probes do
    met = sum(len(pool._sets.near(terms, skip="another")) for terms in sets[day:])
    started = time.perf_counter()
    for terms in sets[day:]:
        pool.find(terms, NO_REGIONS, "another")
    return probes / (time.perf_counter() - started), met / probes


def history_bytes(items: int) -> float:
    """What a source's history of `items` items holds, the terms included."""
    from bot.stories import kept, reissue_index, story_terms

    probes = [story_terms(title, text) for title, text in texts(items)]
    gc.collect()
    tracemalloc.start()
    index = reissue_index(kept(terms) for terms in probes)
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(index.latest()) == items
    return float(held)


def histories_bytes(sources: int) -> tuple[float, int]:
    """What the StoryPool holds of `sources` sources' reissue histories (history_size(DOCUMENT)
    items each, read from a real SQLite file as polls read them), and the sets it holds."""
    import asyncio

    from bot.models import Source
    from bot.store import sources as source_store
    from bot.store.db import Database
    from bot.store.stories import StoryPool, encode, history_size
    from bot.stories import NO_REGIONS, kept, story_terms

    keep = history_size(DOCUMENT)
    stored = [encode(kept(story_terms(title, text)), NO_REGIONS) for title, text in texts(5000)]

    async def measure(path: Path) -> tuple[float, int]:
        db = await Database.open(path)
        names = [f"s{n}" for n in range(sources)]
        async with db.write() as conn:
            await source_store.upsert_sources(
                conn, [Source(name, name, f"https://{name}.example/") for name in names]
            )
            await conn.executemany(
                "INSERT INTO items (source, key, title, text, language, published_at,"
                " fetched_at, story_terms) VALUES (?, ?, '', '', 'ru', 0, 0, ?)",
                (
                    (name, str(n), stored[(n * 7 + s) % len(stored)])
                    for s, name in enumerate(names)
                    for n in range(keep)
                ),
            )
        pool = StoryPool()
        gc.collect()
        tracemalloc.start()
        for name in names:
            await pool.history(db.conn, name, 1 << 62, keep)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await db.close()
        return float(held), pool.history_sets

    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(measure(Path(tmp) / "histories.sqlite3"))


def forgetting(count: int) -> tuple[float, float]:
    """Seconds a pool of `count` items takes to forget its oldest quarter, as StoryPool does
    once a quarter has aged out (StoryIndex.drop_first), and to be built anew of the rest
    with every set filed again, as it was before; each followed by one probe."""
    from bot.stories import NO_REGIONS, Candidate, StoryIndex, kept, story_terms

    sets = [story_terms(title, text) for title, text in texts(count + 1)]

    def pool() -> StoryIndex:
        index = StoryIndex()
        for n, terms in enumerate(sets[:count]):
            index.add(Candidate(n, n, f"s{n % SOURCES}", kept(terms), fetched_at=float(n)))
        index.find(sets[count], NO_REGIONS, "another")  # files every set, as probes do
        return index

    index = pool()
    started = time.perf_counter()
    index.drop_first(count // 4)
    index.find(sets[count], NO_REGIONS, "another")
    dropped = time.perf_counter() - started
    index = pool()
    started = time.perf_counter()
    anew = StoryIndex()
    for candidate in index.candidates[count // 4 :]:
        anew.add(candidate)
    anew.find(sets[count], NO_REGIONS, "another")
    return dropped, time.perf_counter() - started


def figures(scale: float) -> list[Figure]:
    from bot.store.stories import RECENT_PER_SOURCE, history_size

    count = max(1000, int(20_000 * scale))
    per_item, terms = pool_figures(count)
    kept_items = history_size(DOCUMENT)
    history = history_bytes(kept_items)
    before = history_bytes(RECENT_PER_SOURCE)
    day = max(2000, int(20_000 * scale))
    rate, met = clustering(day)
    sources = max(500, int(2000 * scale))
    histories, sets = histories_bytes(sources)
    pool_items = max(1000, int(10_000 * scale))
    dropped, anew = forgetting(pool_items)
    return [
        Figure(
            f"story clustering against a day of {day:,} items",
            rate,
            "items/s",
            note=f"StoryIndex.find; Zipf vocabulary of 50,000 stems, 40 words an item; each"
            f" item meets {met:,.0f} candidates on average",
        ),
        Figure(
            "story pool: memory an item of the day",
            per_item / 1024,
            "KB",
            higher_is_better=False,
            note=f"{count:,} items of the dev corpus's words ({terms:.0f} story terms each) from"
            f" {SOURCES:,} sources; 100,000 items a day: {per_item * 100_000 / 2**20:.0f} MB",
        ),
        Figure(
            "a busy source's reissue history",
            history / 1024,
            "KB",
            higher_is_better=False,
            baseline=before / 1024,
            baseline_name=f"its latest {RECENT_PER_SOURCE} items",
            note=f"{kept_items} items kept for {DOCUMENT}-item documents (history_size); 1,000"
            f" busy sources: {history * 1000 / 2**20:.0f} MB against"
            f" {before * 1000 / 2**20:.0f}",
        ),
        Figure(
            f"reissue histories of {sources:,} sources, all told",
            histories / 2**20,
            "MB",
            higher_is_better=False,
            baseline=history * sources / 2**20,
            baseline_name="each source's kept",
            note=f"{sets:,} sets held (HISTORY_BUDGET): the least recently polled sources' are"
            " read from the database again when next asked for",
        ),
        Figure(
            f"story pool of {pool_items:,} forgetting its oldest quarter",
            dropped * 1000,
            "ms",
            higher_is_better=False,
            baseline=anew * 1000,
            baseline_name="built anew, every set filed again",
            note=f"once a quarter ages out: {dropped / (pool_items // 4) * 1e6:.0f} µs a new item"
            f" in a steady state, against {anew / (pool_items // 4) * 1e6:.0f}",
        ),
    ]


if __name__ == "__main__":
    bench_main(figures, __doc__)
