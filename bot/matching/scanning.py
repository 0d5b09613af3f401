"""Searching many normalized texts with one `ahocorasick_rs` call.

An `ahocorasick_rs.AhoCorasick` search releases the GIL, so a worker thread can search while
Python works on other items; but each call must take the GIL to start and to hand back its
hits, so many small calls would wait on a busy main thread. A `Batch` is a batch's texts
joined by a newline, which no normalized text or pattern contains (normalization turns every
whitespace run into one space), so no hit spans two texts; every automaton searches the same
joined string (its UTF-8 form, which the search needs, is made once). `scan` hands back each
text's share of the hits as they are, with the offset to subtract: no tuple is made again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter

from ahocorasick_rs import AhoCorasick, Implementation

from bot.heap import return_freed_memory

Hit = tuple[int, int, int]  # (pattern index, start, end), in characters
# a text's hits, and what to subtract from their offsets (where the text starts in its batch)
Hits = tuple[list[Hit], int]

SEPARATOR = "\n"
NO_HITS: Hits = ([], 0)
_END = itemgetter(2)
TRIM_AFTER = 10_000  # keys; building a larger automaton hands its scratch memory back


def automaton(keys: Iterable[str], count: int) -> AhoCorasick:
    """An automaton over the `count` `keys` (none empty): a contiguous NFA, the fastest to
    search short of a DFA, which is 40 times the size. It keeps no copy of the keys (nothing
    here asks it for a key's text). Building one of 100,000 keys takes scratch memory that
    the C allocator would keep as RSS, so it is handed back."""
    built = AhoCorasick(keys, implementation=Implementation.ContiguousNFA, store_patterns=False)
    if count >= TRIM_AFTER:
        return_freed_memory()
    return built


class Batch:
    """Normalized texts, joined to be searched at once."""

    __slots__ = ("sizes", "text")

    def __init__(self, texts: Sequence[str]) -> None:
        self.text = SEPARATOR.join(texts)
        self.sizes = [len(t) for t in texts]

    def __len__(self) -> int:
        return len(self.sizes)


def scan(automaton: AhoCorasick, batch: Batch) -> list[Hits]:
    """Every (overlapping) hit of `automaton` in each of the batch's texts."""
    found = automaton.find_matches_as_indexes(batch.text, overlapping=True)
    if not found:
        return [NO_HITS] * len(batch)
    if len(batch) == 1:
        return [(found, 0)]
    return split(found, batch.sizes)


def split(found: list[Hit], sizes: Sequence[int]) -> list[Hits]:
    """Hits in texts of `sizes` joined by one separator character, as each text's hits.

    `found` is in the order the automaton reports hits: by where they end."""
    result: list[Hits] = []
    ends = list(map(_END, found))  # so that each search below is bisect's own, in C
    offset = 0
    first = 0
    for size in sizes:
        last = bisect_right(ends, offset + size, first)
        result.append((found[first:last], offset) if last > first else NO_HITS)
        first = last
        offset += size + len(SEPARATOR)
    return result
