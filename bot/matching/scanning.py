"""Searching many normalized texts with one `ahocorasick_rs` call.

An `ahocorasick_rs.AhoCorasick` search releases the GIL, so a worker thread can search while
Python works on other items; but each call must take the GIL to start and to hand back its
hits, so many small calls would wait on a busy main thread. `scan` searches a batch's texts
joined by a newline, which no normalized text or pattern contains (normalization turns every
whitespace run into one space), so no hit spans two texts, and hands back each text's hits.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from operator import itemgetter

from ahocorasick_rs import AhoCorasick

Hit = tuple[int, int, int]  # (pattern index, start, end) in a text, in characters
Hits = list[Hit]

SEPARATOR = "\n"
_END = itemgetter(2)


def scan(automaton: AhoCorasick, texts: Sequence[str]) -> list[Hits]:
    """Every (overlapping) hit of `automaton` in each of `texts`, offsets in that text."""
    if len(texts) == 1:
        return [automaton.find_matches_as_indexes(texts[0], overlapping=True)]
    found = automaton.find_matches_as_indexes(SEPARATOR.join(texts), overlapping=True)
    if not found:
        return [[] for _ in texts]
    return split(found, [len(t) for t in texts])


def split(found: Hits, sizes: Sequence[int]) -> list[Hits]:
    """Hits in texts of `sizes` joined by one separator character, as hits in each text.

    `found` is in the order the automaton reports hits: by where they end."""
    result: list[Hits] = []
    offset = 0
    first = 0
    for size in sizes:
        last = bisect_right(found, offset + size, lo=first, key=_END)
        if first == last:
            result.append([])
        elif offset:
            result.append([(k, s - offset, e - offset) for k, s, e in found[first:last]])
        else:
            result.append(found[first:last])
        first = last
        offset += size + len(SEPARATOR)
    return result
