"""Which items tell the same story: pure functions over text, no I/O, no clock.

An item's *story terms* are the set of its title and text words after normalization:

    lowercase, ё -> е, apostrophes dropped, punctuation stripped, words of 3+ letters cut to
    their first 5 letters (so "Белгородской", "Белгородского" and "Белгород" meet as "белго",
    "дронов"/"дроны" as "дроны"/"дрон"), numbers kept whole

Two items of the same language are one story when their term sets overlap enough:
`jaccard + containment >= STORY_THRESHOLD`, where containment is the overlap over the smaller
set (a two-line Telegram post inside a longer site article still counts). Measured on
`seeds/`: the six same-language pairs score 0.96..1.6, the closest different stories (a drone
downed over Belgorod vs one over Kursk) 0.88. Items that name regions, all different, are never
one story. Cross-language reports (ru/uk/en) mostly do not meet: accepted.

The same content arriving again from the *same* source under a new key (a feed that rotates
its GUIDs or republishes its backlog) scores near 2.0 (`is_reissue`). Only a burst of them
(`rotating_feed`: 3 or more, and at least half of a poll's new items) is suppressed and marks
the source: a channel that posts the same "air raid alert" text again is telling news.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

STEM_CHARS = 5
MIN_WORD = 3
STORY_THRESHOLD = 0.92
REISSUE_THRESHOLD = 1.95  # the same words: a republished item, not a similar one
STORY_WINDOW_SECONDS = 24 * 3600
ROTATING_MIN_ITEMS = 3
ROTATING_SHARE = 0.5

_WORD = re.compile(r"\w+")
_APOSTROPHES = str.maketrans({"'": None, "’": None, "ʼ": None, "`": None, "ё": "е"})


def story_terms(title: str, text: str) -> frozenset[str]:
    """The normalized word set the story comparison works on."""
    folded = f"{title} {text}".lower().translate(_APOSTROPHES)
    terms: set[str] = set()
    for word in _WORD.findall(folded):
        if word.isdigit():
            terms.add(word)
        elif len(word) >= MIN_WORD:
            terms.add(word.replace("_", "")[:STEM_CHARS])
    terms.discard("")
    return frozenset(terms)


def encode_terms(terms: frozenset[str]) -> str:
    return " ".join(sorted(terms))


def decode_terms(stored: str | None) -> frozenset[str]:
    return frozenset(stored.split()) if stored else frozenset()


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard plus containment: 0 for nothing shared, 2 for the same set."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / len(a | b) + shared / min(len(a), len(b))


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item stored earlier that a new item may belong with."""

    item_id: int
    story_id: int
    source: str
    terms: frozenset[str]
    regions: frozenset[str] = frozenset()
    fetched_at: float = 0.0


def same_story(
    terms: frozenset[str],
    regions: frozenset[str],
    other: Candidate,
) -> float:
    """The similarity score, or 0 when the two name regions and share none."""
    if regions and other.regions and not regions & other.regions:
        return 0.0
    return similarity(terms, other.terms)


def find_story(
    terms: frozenset[str],
    regions: frozenset[str],
    source: str,
    candidates: Iterable[Candidate],
) -> Candidate | None:
    """The best-matching earlier item from another source, if it scores as the same story."""
    best: Candidate | None = None
    best_score = STORY_THRESHOLD
    for other in candidates:
        if other.source == source:
            continue
        score = same_story(terms, regions, other)
        if score >= best_score:
            best, best_score = other, score
    return best


def is_reissue(terms: frozenset[str], earlier: Iterable[frozenset[str]]) -> bool:
    """Whether a "new" item repeats one this source already published."""
    return any(similarity(terms, old) >= REISSUE_THRESHOLD for old in earlier)


def rotating_feed(new_items: int, reissued: int) -> bool:
    """A poll whose new items are mostly old ones under new keys: GUID rotation or a
    republished backlog."""
    return reissued >= ROTATING_MIN_ITEMS and reissued >= ROTATING_SHARE * new_items
