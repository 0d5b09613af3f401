"""Measure region and watch-term matching against a labelled corpus (JSON Lines).

Each line: {"id", "lang", "title", "summary", "regions": [...], "terms": [...]} as described
in `tests/data/corpus/README.md`. Scores are micro-averaged over (item, label) pairs, per
language and over all items. Terms: every term of the corpus's fixed list is watched in one
`KeywordIndex` (a phrase as a quoted watch query); for an item, only terms of the item's own
language count.

`python -m bot eval FILE.jsonl [--json]` prints a table, or one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex

TERMS: dict[str, tuple[str, ...]] = {
    "en": (
        "drone", "shelling", "evacuation", "explosion", "air defense", "power outage",
        "incursion",
    ),
    "ru": (
        "дрон", "беспилотник", "обстрел", "эвакуация", "взрыв", "ПВО", "отключение света",
        "диверсия",
    ),
    "uk": (
        "дрон", "безпілотник", "обстріл", "евакуація", "вибух", "ППО", "відключення світла",
        "диверсія",
    ),
}  # fmt: skip


@dataclass(slots=True)
class _Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, item_id: str, predicted: set[str], expected: set[str]) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)
        for label in sorted(predicted - expected):
            self.misses.append(f"{item_id} +{label}")
        for label in sorted(expected - predicted):
            self.misses.append(f"{item_id} -{label}")

    def scores(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        total = precision + recall
        f1 = 2 * precision * recall / total if total else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(items: Iterable[dict[str, Any]], *, with_errors: bool = False) -> dict[str, Any]:
    """Precision, recall and F1 of region and term matching, per language and for "all".

    With `with_errors`, also an "errors" list like "dev-013 +UA-30" (a false positive) or
    "dev-020 -UA-43" (a miss).
    """
    gazetteer = Gazetteer.load()
    index = KeywordIndex()
    label_of: dict[str, str] = {}  # the watch query for a term -> the term as labelled
    for language_terms in TERMS.values():
        for term in language_terms:
            query = f'"{term}"' if " " in term else term
            label_of[query] = term
            index.add(query)
    tallies: dict[str, dict[str, _Tally]] = {"regions": {}, "terms": {}}
    for item in items:
        lang = str(item.get("lang", ""))
        title, text = str(item.get("title", "")), str(item.get("summary", ""))
        item_id = str(item.get("id", "?"))
        regions = {m.value for m in gazetteer.find(title, text)}
        own_terms = set(TERMS.get(lang, ()))
        found = {label_of[m.value] for m in index.find(title, text)}
        terms = found & own_terms
        checks: tuple[tuple[str, set[str], set[str]], ...] = (
            ("regions", regions, set(item.get("regions", []))),
            ("terms", terms, set(item.get("terms", []))),
        )
        for kind, predicted, expected in checks:
            for key in (lang, "all"):
                tallies[kind].setdefault(key, _Tally()).add(item_id, predicted, expected)
    result: dict[str, Any] = {
        kind: {key: tally.scores() for key, tally in sorted(by_lang.items())}
        for kind, by_lang in tallies.items()
    }
    if with_errors:
        result["errors"] = {
            kind: by_lang["all"].misses for kind, by_lang in tallies.items() if "all" in by_lang
        }
    return result


def read_items(path: Path) -> list[dict[str, Any]]:
    """The items of a JSON Lines file, blank lines skipped."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _table(result: dict[str, Any]) -> str:
    rows = [f"{'':8} {'lang':5} {'precision':>9} {'recall':>7} {'f1':>7}"]
    for kind in ("regions", "terms"):
        for lang, s in result[kind].items():
            rows.append(
                f"{kind:8} {lang:5} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:7.3f}"
            )
    for kind, misses in result.get("errors", {}).items():
        rows.extend(f"{kind} {miss}" for miss in misses)
    return "\n".join(rows)


def main(argv: Sequence[str]) -> int:
    """`eval FILE.jsonl [--json] [--errors]`; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="lookout eval", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="labelled items, one JSON object per line")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list false positives and misses")
    args = parser.parse_args(list(argv))
    try:
        items = read_items(args.file)
    except (OSError, ValueError) as exc:
        print(f"eval: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    result = evaluate(items, with_errors=args.errors)
    print(json.dumps(result, ensure_ascii=False) if args.json else _table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
