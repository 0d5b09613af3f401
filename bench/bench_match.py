"""Throughput of matching: one KeywordIndex (100,000 synthetic watch queries: words, phrases,
and some OR / NOT / prefix queries) plus all regions, the dev corpus's items matched as one
batch the way a poll's new items are (`ItemMatcher.find_many`: one search finds both),
against one compiled regex per term (on a smaller term count, it is slow).

    python -m bench.bench_match [--scale 1.0]

Scale 1.0 is 100,000 terms (as queries watched by 20,000 chats: the index keeps each distinct
query once, so the chat count does not enter it) and 2,000 terms for the regex baseline.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import random
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import Figure, bench_main
from bot.collector import collect_rarely
from bot.gil import share_finely
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex, term_forms
from bot.models import Item

CORPUS = Path(__file__).parents[1] / "tests" / "data" / "corpus" / "dev.jsonl"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшщыэюя"


def synthetic_terms(count: int, seed: int = 7) -> list[str]:
    """Made-up words and two-word phrases, Latin and Cyrillic, none of them real terms."""
    rng = random.Random(seed)
    terms: set[str] = set()
    while len(terms) < count:
        alphabet = _LETTERS if rng.random() < 0.5 else _CYRILLIC
        words = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 10)))
            for _ in range(rng.choice((1, 1, 1, 2)))
        ]
        terms.add(" ".join(words))
    return sorted(terms)


def load_items() -> list[tuple[str, str]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [(d["title"], d["summary"]) for d in map(json.loads, lines) if d]


def as_queries(terms: list[str], seed: int = 11) -> list[str]:
    """Watch queries over the terms: mostly words and phrases, some OR, NOT and prefixes."""
    rng = random.Random(seed)
    queries: list[str] = []
    for i, term in enumerate(terms):
        atom = f'"{term}"' if " " in term else term
        roll = rng.random()
        if roll < 0.05:
            queries.append(f"{term.split()[0][:5]}*")
        elif roll < 0.15:
            queries.append(f"{atom} OR {terms[i - 1].split()[0]}")
        elif roll < 0.20:
            queries.append(f"{atom} -{terms[i - 2].split()[0]}")
        else:
            queries.append(atom)
    return queries


def _rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def build_index(terms: list[str], forms_file: Path | None = None) -> KeywordIndex:
    """The index as the bot builds it at start-up (`KeywordIndex.load`)."""
    index = KeywordIndex(forms_file)
    extra = ["дрон", "обстрел*", "drone -exercise", '"air defense" OR ПВО']
    index.load([*as_queries(terms), *extra])
    index.find("", "")  # build the automaton
    return index


def items_per_second(
    match: Callable[[str, str], object], items: list[tuple[str, str]], seconds: float
) -> float:
    """Median of three timed passes over the items, each repeated for `seconds`."""
    rates: list[float] = []
    for _ in range(3):
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            for title, text in items:
                match(title, text)
            done += len(items)
        rates.append(done / (time.perf_counter() - started))
    return statistics.median(rates)


def batches_per_second(
    match: Callable[[list[Item]], object], batch: list[Item], seconds: float
) -> float:
    """Items per second matched a batch at a time, as a poll's new items are (the median of
    three timed passes, each repeated for `seconds`)."""
    rates: list[float] = []
    for _ in range(3):
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            match(batch)
            done += len(batch)
        rates.append(done / (time.perf_counter() - started))
    return statistics.median(rates)


def _item(title: str, text: str) -> Item:
    return Item("bench", title, None, title, text, datetime(2026, 1, 1, tzinfo=UTC), "ru")


def regex_matcher(terms: list[str]) -> Callable[[str, str], object]:
    patterns = [re.compile(r"\b" + re.escape(t) + r"\b", re.IGNORECASE) for t in terms]

    def match(title: str, text: str) -> int:
        return sum(bool(p.search(title)) + bool(p.search(text)) for p in patterns)

    return match


def figures(scale: float) -> list[Figure]:
    share_finely()  # as `Lookout.start` does
    collect_rarely()
    count = max(1_000, int(100_000 * scale))
    regex_count = max(200, int(2_000 * scale))
    items = load_items()
    terms = synthetic_terms(count)
    gazetteer = Gazetteer.load()
    term_forms("дрон")  # pymorphy's dictionaries: loaded by any bot that watches a term
    term_forms("обстріл")
    with tempfile.TemporaryDirectory() as folder:
        forms_file = Path(folder) / "forms.jsonl"
        rss_before = _rss_mb()
        started = time.perf_counter()
        index = build_index(terms, forms_file)
        built = time.perf_counter() - started
        memory = _rss_mb() - rss_before
        del index
        started = time.perf_counter()
        index = build_index(terms, forms_file)
        loaded = time.perf_counter() - started

    matcher = ItemMatcher(gazetteer, index)
    batch = [_item(title, text) for title, text in items]
    seconds = max(0.5, 3.0 * scale)
    rate = batches_per_second(matcher.find_many, batch, seconds)
    baseline = items_per_second(regex_matcher(synthetic_terms(regex_count)), items, seconds / 3)
    label = f"{count // 1000}k terms" if count >= 1000 else f"{count} terms"
    return [
        Figure(
            f"match: {label} + regions",
            rate,
            "items/s",
            target=50_000,
            baseline=baseline,
            baseline_name=f"one regex per term, {regex_count:,} terms only",
            note=f"{len(index):,} queries, {index.atom_count:,} atoms; the regex baseline runs "
            f"on {regex_count:,} terms (one regex per term is too slow for {count:,}), "
            "without inflections or regions; the dev corpus's 150 items matched as one batch "
            "(`ItemMatcher.find_many`, as a poll's new items are), repeated",
        ),
        Figure(
            "match: index memory",
            memory,
            "MB",
            higher_is_better=False,
            note=f"RSS growth while building the index of {count:,} terms "
            "(pymorphy3 dictionaries and the gazetteer loaded before)",
        ),
        Figure(
            "match: index build",
            built,
            "s",
            higher_is_better=False,
            note=f"{count:,} watch queries, every word expanded by pymorphy3 (a first start)",
        ),
        Figure(
            "match: index load, saved forms",
            loaded,
            "s",
            higher_is_better=False,
            note=f"{count:,} watch queries at a restart: forms read from the file the first "
            "start wrote, nothing expanded",
        ),
    ]


if __name__ == "__main__":
    bench_main(figures, __doc__)
