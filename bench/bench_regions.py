"""Region matching: Lookout's gazetteer against a naive substring matcher, for speed and F1.

    python -m bench.bench_regions [--scale 1.0]

The naive matcher is what many bots do: a region matches when any of its names (and its
towns' names), lowercased, occurs anywhere in the lowercased text. F1 is measured on the dev
corpus in tests/data/corpus/dev.jsonl; speed on the same items, repeated.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from bench.figures import Figure, bench_main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "dev.jsonl"

Matcher = Callable[[str, str], set[str]]


def load_corpus() -> list[dict[str, object]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def naive_matcher() -> Matcher:
    document = json.loads((ROOT / "bot" / "data" / "gazetteer.json").read_text("utf-8"))
    names: list[tuple[str, str]] = []
    for region in document["regions"]:
        for key in ("name_en", "name_ru", "name_uk"):
            names.append((region[key].lower(), region["code"]))
    for entry in document["entries"]:
        for name in entry["names"]:
            names.append((name.lower(), entry["code"]))

    def match(title: str, text: str) -> set[str]:
        haystack = f"{title}\n{text}".lower()
        return {code for name, code in names if name in haystack}

    return match


def lookout_matcher() -> Matcher:
    from bot.matching.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    return lambda title, text: {m.value for m in gazetteer.find(title, text)}


def f1(matcher: Matcher, items: list[dict[str, object]]) -> float:
    tp = fp = fn = 0
    for item in items:
        predicted = matcher(str(item["title"]), str(item["summary"]))
        expected = set(item["regions"])  # type: ignore[call-overload]
        tp += len(predicted & expected)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def items_per_second(matcher: Matcher, items: list[dict[str, object]], seconds: float) -> float:
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for item in items:
            matcher(str(item["title"]), str(item["summary"]))
        done += len(items)
    return done / (time.perf_counter() - started)


def figures(scale: float) -> list[Figure]:
    items = load_corpus()
    ours, naive = lookout_matcher(), naive_matcher()
    seconds = max(0.3, 2.0 * scale)
    return [
        Figure(
            "regions: F1 on dev corpus",
            f1(ours, items),
            "F1",
            target=0.95,
            baseline=f1(naive, items),
            baseline_name="naive substring",
        ),
        Figure(
            "regions: match speed",
            items_per_second(ours, items, seconds),
            "items/s",
            baseline=items_per_second(naive, items, seconds),
            baseline_name="naive substring",
        ),
    ]


if __name__ == "__main__":
    bench_main(figures, __doc__)
