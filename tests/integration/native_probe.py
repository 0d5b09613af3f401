"""What the matching and parsing modules make of the test data, as JSON on stdout: run once
with the compiled modules and once without (`LOOKOUT_NATIVE=0`) by test_native.

    python -m tests.integration.native_probe
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import native
from bot.errors import FeedError
from bot.matching import regions
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.models import Item
from bot.sources.parse import parse_feed

DATA = Path(__file__).resolve().parents[1] / "data"
URL = "https://probe.example/"
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # a future date is read as this (both runs alike)
QUERIES = [
    "дрон",
    "обстрел*",
    "drone -exercise",
    '"air defense" OR ПВО',
    "title:взрыв",
    "вибух",
    "shelling",
    "беспилотник",
]


def matched() -> list[list[list[Any]]]:
    """Every mention in each dev corpus item, as lists."""
    index = KeywordIndex()
    index.load(QUERIES)
    matcher = ItemMatcher(Gazetteer.load(), index)
    with (DATA / "corpus" / "dev.jsonl").open(encoding="utf-8") as lines:
        items = [
            Item("probe", str(n), None, d["title"], d["summary"], NOW, "ru")
            for n, d in enumerate(map(json.loads, lines))
            if d
        ]
    return [
        [[m.kind, m.value, m.surface, m.field, m.start, m.end, m.place] for m in found]
        for found in matcher.find_many(items)
    ]


def parsed() -> dict[str, Any]:
    """Each test feed's entries (or its FeedError), by path."""
    result: dict[str, Any] = {}
    for path in sorted([*(DATA / "feeds").rglob("*"), *(DATA / "peer-feeds").rglob("*")]):
        if not path.is_file() or path.name.endswith(".json.expected.json"):
            continue
        kind = "telegram" if path.suffix == ".html" else "feed"
        name = str(path.relative_to(DATA))
        try:
            entries = parse_feed(path.read_bytes(), url=URL, kind=kind, now=NOW)
        except FeedError as error:
            result[name] = f"FeedError: {error}"
            continue
        result[name] = [
            [e.guid, e.link, e.title, e.text, e.published and e.published.isoformat()]
            for e in entries
        ]
    return result


def main() -> None:
    json.dump(
        {
            "compiled": native.in_use() and regions.__file__.endswith(".so"),
            "matched": matched(),
            "parsed": parsed(),
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
