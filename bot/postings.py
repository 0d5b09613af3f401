"""Positions filed under terms, and the positions a probe's terms meet often enough.

    postings.file(terms, position)              # positions ascending, each filed once
    met(postings.read(terms, filed), need)      # the positions `need` or more terms hold

A term's positions are a list. A probe counts how many of its terms' lists hold a position
with set operations, at C speed, over each list it reads; but against a day of items a
probe's terms are common words whose lists hold a tenth of the day, and those set operations
were most of what clustering a new item cost (bench_stories, bench_ingest). So a list holding
at least 1/DENSE of the filed positions is also read as a bitmap (a Python int, bit p set for
position p) and counted with bitwise operations: three of them a list, over (positions / 8)
bytes, where a set operation per list touches every position in it. Its bitmap is kept and
brought up to date from the list's tail when next read (`read`); it is no bigger than the list
it stands for (8 bytes a position), and only lists a probe reads as bitmaps get one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

DENSE = 64  # a list of 1/DENSE of the filed positions or more is read as a bitmap
DENSE_FLOOR = 64  # ... and of this many positions or more (a small pool's lists: sets)


@dataclass(slots=True)
class Read:
    """A probe's terms' postings as `met` counts them: short lists, and the long ones with
    their bitmaps."""

    lists: list[list[int]] = field(default_factory=list)
    dense: list[list[int]] = field(default_factory=list)
    bitmaps: list[int] = field(default_factory=list)


class Postings:
    """term -> the positions filed under it, ascending."""

    def __init__(self) -> None:
        self.lists: dict[str, list[int]] = {}
        self._bitmaps: dict[str, tuple[int, int]] = {}  # term -> bitmap, list items it holds

    def file(self, terms: Iterable[str], position: int) -> None:
        lists = self.lists
        for term in terms:
            if (positions := lists.get(term)) is None:
                lists[term] = [position]
            else:
                positions.append(position)

    def drop_below(self, count: int) -> None:
        """Forget the positions below `count`; the others go down by `count`."""
        lists, bitmaps = self.lists, self._bitmaps
        for term, positions in list(lists.items()):
            cut = bisect_left(positions, count)
            if cut == len(positions):
                del lists[term]
                bitmaps.pop(term, None)
                continue
            lists[term] = [position - count for position in positions[cut:]]
            if (held := bitmaps.get(term)) is not None:
                bits, covered = held
                bitmaps[term] = (bits >> count, max(0, covered - cut))

    def read(self, terms: Iterable[str], filed: int) -> Read:
        """The postings of `terms` (those filed under any): a list, or, if it holds 1/DENSE
        of the `filed` positions, a list and its bitmap."""
        found = Read()
        dense = dense_from(filed)
        lists = self.lists
        for term in terms:
            positions = lists.get(term)
            if positions is None:
                continue
            if len(positions) < dense:
                found.lists.append(positions)
            else:
                found.dense.append(positions)
                found.bitmaps.append(self._bitmap(term, positions))
        return found

    def _bitmap(self, term: str, positions: list[int]) -> int:
        bits, held = self._bitmaps.get(term, (0, 0))
        if held < len(positions):
            bits |= bitmap(positions[held:])
            self._bitmaps[term] = (bits, len(positions))
        return bits


def dense_from(filed: int) -> int:
    """How many positions make a list read as a bitmap, of `filed` in all."""
    return max(DENSE_FLOOR, filed // DENSE)


# What met's two ways cost, in ns (bench: 2 cores, Python 3.11): a position of a list counted
# with set operations; one put in a bitmap; one read back out of a bitmap.
SET_NS = 80
BUILD_NS = 150
READ_NS = 300


def met(read: Read, need: int, within: int | None = None) -> set[int]:
    """The positions in `need` or more of the postings (each holds a position once); of
    those the bitmaps count, only those in `within` (a bitmap: the caller passes over the
    others anyway, and reading them out of a bitmap is most of what it costs).

    The short lists are counted with set operations: `levels[i]`, the positions in i + 1 or
    more of them. The long ones (`dense`) are counted so too when that is the cheaper way,
    and otherwise as bitmaps: `bits[i]`, the positions in i + 1 or more of the bitmaps. A
    position is then met when it is in `need` of either, or in i of the lists and need - i of
    the bitmaps."""
    levels = _levels(read.lists, need)
    if not read.dense:
        return levels[-1]
    bits = [0] * need
    for one in read.bitmaps:
        for level in range(need - 1, 0, -1):
            bits[level] |= bits[level - 1] & one
        bits[0] |= one
    if within is not None:
        bits = [one & within for one in bits]
    cost = 0
    crossed: list[tuple[set[int], int, bool]] = []  # a list level, a bitmap level, which way
    for level in range(need - 1):  # in level + 1 lists and need - level - 1 bitmaps
        if levels[level] and (other := bits[need - level - 2]):
            built = BUILD_NS * len(levels[level])
            read_out = READ_NS * other.bit_count()
            crossed.append((levels[level], other, built < read_out))
            cost += min(built, read_out)
    if cost + READ_NS * bits[-1].bit_count() > SET_NS * sum(map(len, read.dense)):
        return _levels(read.dense, need, levels)[-1]
    found = levels[-1]
    more = bits[-1]
    for positions_met, other, build in crossed:
        if build:
            more |= bitmap(positions_met) & other
        else:
            found = found.union(positions_met.intersection(positions(other)))
    return found.union(positions(more))


def _levels(
    postings: list[list[int]], need: int, levels: list[set[int]] | None = None
) -> list[set[int]]:
    """levels[i]: the positions in i + 1 or more of the lists (counted on from `levels`)."""
    if levels is None:
        levels = [set() for _ in range(need)]
    for one in postings:
        for level in range(need - 1, 0, -1):
            levels[level].update(levels[level - 1].intersection(one))
        levels[0].update(one)
    return levels


_BIT = [1 << n for n in range(8)]
_BITS_OF = [tuple(n for n in range(8) if byte >> n & 1) for byte in range(256)]
_NOT_ZERO = bytes([0] + [1] * 255)  # a translation: 1 for a byte not zero


def bitmap(filed: Collection[int]) -> int:
    """The int with a bit set for each position, built in a bytearray (shifting an int for
    each would copy it each time)."""
    if not filed:
        return 0
    low = min(filed) & ~7
    data = bytearray(((max(filed) - low) >> 3) + 1)
    bit = _BIT
    for position in filed:
        position -= low
        data[position >> 3] |= bit[position & 7]
    return int.from_bytes(data, "little") << low


def positions(bits: int) -> list[int]:
    """The positions of the bits set, ascending: the bytes not zero are found with
    bytes.find at C speed (a regular expression scanning for them took 5 ns a byte)."""
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    flags = data.translate(_NOT_ZERO)
    found: list[int] = []
    bits_of = _BITS_OF
    at = flags.find(1)
    while at != -1:
        base = at << 3
        for bit in bits_of[data[at]]:
            found.append(base + bit)
        at = flags.find(1, at + 1)
    return found
