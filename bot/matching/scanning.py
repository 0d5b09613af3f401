"""Searching many normalized texts with one `ahocorasick_rs` call, one byte per character.

Each `ahocorasick_rs` call costs the same to start and to hand back its hits however short
its text, so a chunk of texts is searched in one call. A `Batch` is a batch's texts
joined by a newline, which no normalized text or pattern contains (normalization turns every
whitespace run into one space), so no hit spans two texts; every automaton searches the same
joined string (its bytes, which the search needs, are made once). `scan` hands back each
text's share of the hits as they are, with the offset to subtract: no tuple is made again.

The automata search bytes, not `str`: the batch encoded as cp1251, where every character is
one byte (Cyrillic, Latin; any other character becomes "?"), so a byte offset is a character
offset and a Cyrillic word takes half the steps (and the automaton half the states) of its
UTF-8 form: the search takes a third less time. A key that cp1251 cannot spell, or that
holds a "?" (which also stands for those characters in the text), is searched as `str` in a
second, small automaton, over batches that have a "?" at all (see `Automaton`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick, Implementation

from bot.heap import return_freed_memory

Hit = tuple[int, int, int]  # (pattern index, start, end), in characters
# a text's hits, and what to subtract from their offsets (where the text starts in its batch)
Hits = tuple[list[Hit], int]

SEPARATOR = "\n"
NO_HITS: Hits = ([], 0)
_END = itemgetter(2)
TRIM_AFTER = 10_000  # keys; building a larger automaton hands its scratch memory back


ENCODING = "cp1251"  # one byte per character; Russian, Ukrainian and English all fit
_UNSPELLED = ord("?")  # what cp1251 (errors="replace") makes of any other character
_NEVER = b"\x98"  # the one byte cp1251 leaves unassigned: no encoded text has it


def automaton(keys: Iterable[str], count: int) -> Automaton:
    """An automaton over the `count` `keys` (none empty), searched as `Automaton` says. It
    keeps no copy of the keys (nothing here asks it for a key's text). Building one of
    100,000 keys takes scratch memory that the C allocator would keep as RSS, so it is handed
    back."""
    built = Automaton(keys)
    if count >= TRIM_AFTER:
        return_freed_memory()
    return built


class Automaton:
    """Keys found in a `Batch`: those cp1251 spells (nearly all) in its bytes, the others
    (their pattern numbers kept in `_other_keys`) in its text, and only when the batch has a
    "?" (where any character cp1251 lacks is). Pattern k is the k-th key either way.

    Each is a contiguous NFA, the fastest to search short of a DFA, which is 40 times the
    size."""

    __slots__ = ("_bytes", "_other_keys", "_others")

    def __init__(self, keys: Iterable[str]) -> None:
        others: list[str] = []
        self._other_keys = array("i")
        self._bytes = BytesAhoCorasick(
            self._spelled(keys, others), implementation=Implementation.ContiguousNFA
        )
        self._others = (
            AhoCorasick(others, implementation=Implementation.ContiguousNFA, store_patterns=False)
            if others
            else None
        )

    def _spelled(self, keys: Iterable[str], others: list[str]) -> Iterator[bytes]:
        """Each key in cp1251; `_NEVER` (matching nothing) for one it cannot spell, which
        goes to `others`."""
        for number, key in enumerate(keys):
            data = key.encode(ENCODING, "replace")
            if _UNSPELLED in data:
                others.append(key)
                self._other_keys.append(number)
                yield _NEVER
            else:
                yield data

    def find(self, batch: Batch) -> list[Hit]:
        """Every (overlapping) hit in the batch, by where it ends; no GIL while it searches."""
        found = self._bytes.find_matches_as_indexes(batch.data, overlapping=True)
        if self._others is not None and _UNSPELLED in batch.data:
            more = self._others.find_matches_as_indexes(batch.text, overlapping=True)
            if more:
                number = self._other_keys
                found += [(number[k], start, end) for k, start, end in more]
                found.sort(key=_END)
        return found


class Keys:
    """Keys kept to build automata over them again, joined in one string (a tenth of the
    memory of a list of strings): iterating gives them in order."""

    __slots__ = ("_joined", "count")

    def __init__(self, keys: Iterable[str]) -> None:
        parts = [key + SEPARATOR for key in keys]  # no key holds SEPARATOR (see above)
        self.count = len(parts)
        self._joined = "".join(parts)

    def __iter__(self) -> Iterator[str]:
        joined, start = self._joined, 0
        for _ in range(self.count):
            end = joined.index(SEPARATOR, start)
            yield joined[start:end]
            start = end + 1


class Batch:
    """Normalized texts, joined to be searched at once."""

    __slots__ = ("data", "sizes", "text")

    def __init__(self, texts: Sequence[str]) -> None:
        self.text = SEPARATOR.join(texts)
        self.data = self.text.encode(ENCODING, "replace")  # one byte per character
        self.sizes = [len(t) for t in texts]

    def __len__(self) -> int:
        return len(self.sizes)


def scan(automaton: Automaton, batch: Batch) -> list[Hits]:
    """Every (overlapping) hit of `automaton` in each of the batch's texts."""
    found = automaton.find(batch)
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
