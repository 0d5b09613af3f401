"""Throughput of matching: one KeywordIndex (100,000 synthetic watch queries: words, phrases,
and some OR / NOT / prefix queries) plus all regions,
against one compiled regex per term (on a smaller term count, it is slow).

Run: `.venv/bin/python bench/bench_match.py [--terms 100000] [--regex-terms 2000]`.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import time
from pathlib import Path

from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex

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


def bench_index(terms: list[str], items: list[tuple[str, str]], rounds: int) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = KeywordIndex()
    for query in as_queries(terms):
        index.add(query)
    for query in ("дрон", "обстрел*", "drone -exercise", '"air defense" OR ПВО'):
        index.add(query)
    index.find("", "")  # build the automaton
    built = time.perf_counter() - started
    memory_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    gazetteer = Gazetteer.load()
    started = time.perf_counter()
    found = 0
    for _ in range(rounds):
        for title, text in items:
            found += len(index.find(title, text)) + len(gazetteer.find(title, text))
    elapsed = time.perf_counter() - started
    n = rounds * len(items)
    print(
        f"KeywordIndex queries={len(index)} atoms={index.atom_count} build_s={built:.1f} "
        f"index_peak_rss_mb={memory_mb:.0f} items={n} "
        f"items_per_s={n / elapsed:.0f} (terms + regions) mentions={found}"
    )


def bench_regex(terms: list[str], items: list[tuple[str, str]]) -> None:
    started = time.perf_counter()
    patterns = [re.compile(r"\b" + re.escape(t) + r"\b", re.IGNORECASE) for t in terms]
    built = time.perf_counter() - started
    started = time.perf_counter()
    found = 0
    for title, text in items:
        for pattern in patterns:
            found += bool(pattern.search(title)) + bool(pattern.search(text))
    elapsed = time.perf_counter() - started
    print(
        f"regex-per-term terms={len(terms)} build_s={built:.2f} items={len(items)} "
        f"items_per_s={len(items) / elapsed:.0f} (terms only, no inflections) hits={found}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--regex-terms", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    items = load_items()
    started = time.perf_counter()
    Gazetteer.load()
    print(f"Gazetteer.load_s={time.perf_counter() - started:.3f}")
    bench_index(synthetic_terms(args.terms), items, args.rounds)
    bench_regex(synthetic_terms(args.regex_terms), items)


if __name__ == "__main__":
    main()
