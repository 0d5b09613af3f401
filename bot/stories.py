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

import math
import re
import sys
from collections.abc import Collection, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from bot.matching.scanning import ENCODING, spells
from bot.postings import Postings, bitmap, dense_from, met

STEM_CHARS = 5
MIN_WORD = 3
STORY_THRESHOLD = 0.92
REISSUE_THRESHOLD = 1.95  # the same words: a republished item, not a similar one
STORY_WINDOW_SECONDS = 24 * 3600
ROTATING_MIN_ITEMS = 3
ROTATING_SHARE = 0.5

_WORD = re.compile(r"\w+")
# One string per stem however many items of the story pool use it ("белго", "облас"): the
# pool keeps a day of items' stems (10,000 sources: 3.5 MB of copies). Gone with their last user.
_intern = sys.intern
_APOSTROPHES = ("'", "’", "ʼ", "`")


def _fold(text: str) -> str:
    """Lowercase, ё -> е, apostrophes dropped. (str.replace, not str.translate: translating
    non-ASCII text with a table costs ~80 times as much.)"""
    folded = text.lower().replace("ё", "е")
    for apostrophe in _APOSTROPHES:
        if apostrophe in folded:
            folded = folded.replace(apostrophe, "")
    return folded


def story_terms(title: str, text: str) -> frozenset[str]:
    """The normalized word set the story comparison works on."""
    joined = f"{title} {text}"
    data = joined.encode(ENCODING, "replace")
    if _UNDERSCORE not in data and spells(joined, data):
        # the common case: each character folded and words split at C speed (see _BYTES)
        words = data.translate(_BYTES, _DROPPED).decode(ENCODING).split()
    else:
        words = _WORD.findall(_fold(joined))
        if "_" in joined:
            return _terms_of_words_with_underscores(words)
    return frozenset(
        word if word.isdigit() else _intern(word[:STEM_CHARS])
        for word in words
        if len(word) >= MIN_WORD or word.isdigit()
    )


def _terms_of_words_with_underscores(words: list[str]) -> frozenset[str]:
    terms: set[str] = set()
    for word in words:
        if word.isdigit():
            terms.add(word)
        elif len(word) >= MIN_WORD:
            terms.add(_intern(word.replace("_", "")[:STEM_CHARS]))
    terms.discard("")
    return frozenset(terms)


# Story terms of a text that cp1251 spells, found in its bytes: `_fold` and `_WORD` read
# one character at a time, and neither depends on a character's neighbours, so each byte's
# character is folded by one `bytes.translate` (`_BYTES`: as `_fold` folds it; a space for
# one that is no word character; dropped, `_DROPPED`, for an apostrophe) and the words are
# what `str.split` leaves: 5.2 µs an item against 6.6 (bench_ingest's items). A text with a
# character cp1251 lacks, or an underscore (`_WORD` reads it as a letter, the terms drop it),
# is read the slow way.
_UNDERSCORE = b"_"


def _byte_table() -> tuple[bytes, bytes]:
    table = bytearray(range(256))
    dropped = bytearray()
    for byte in range(256):
        folded = _fold(bytes([byte]).decode(ENCODING, "replace"))
        if not folded:
            dropped.append(byte)
        elif _WORD.fullmatch(folded) and len(spelled := folded.encode(ENCODING, "replace")) == 1:
            table[byte] = spelled[0]
        else:  # no word character (or no character cp1251 has: never in an encoded text)
            table[byte] = ord(" ")
    return bytes(table), bytes(dropped)


_BYTES, _DROPPED = _byte_table()


# A stored item's story terms (the story pool's, a source's history): sorted, each once. A
# tuple takes a fifth to a tenth of a frozenset's memory (8 terms: 104 bytes against 728, 40:
# 360 against 2,264), and the pool holds a day of items; the new item's own terms, which
# every comparison probes, stay a frozenset.
Kept = tuple[str, ...]


# One empty set for every candidate that names no region: each `frozenset()` is a new
# object of 216 bytes.
NO_REGIONS: frozenset[str] = frozenset()


def kept(terms: AbstractSet[str]) -> Kept:
    return tuple(sorted(terms))


def similarity(a: frozenset[str], b: Collection[str]) -> float:
    """Jaccard plus containment: 0 for nothing shared, 2 for the same set (`b`'s terms each
    once: a frozenset, or Kept)."""
    if not a or not b:
        return 0.0
    shared = len(a.intersection(b))
    return score(shared, len(a), len(b))


def score(shared: int, size: int, other_size: int) -> float:
    """similarity() from the sizes: the union's size is theirs less the shared terms."""
    return shared / (size + other_size - shared) + shared / min(size, other_size)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item stored earlier that a new item may belong with."""

    item_id: int
    story_id: int
    source: str
    terms: Kept
    regions: frozenset[str] = NO_REGIONS
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


def is_reissue(terms: frozenset[str], earlier: Iterable[Collection[str]]) -> bool:
    """Whether a "new" item repeats one this source already published."""
    return any(similarity(terms, old) >= REISSUE_THRESHOLD for old in earlier)


def rotating_feed(new_items: int, reissued: int) -> bool:
    """A poll whose new items are mostly old ones under new keys: GUID rotation or a
    republished backlog."""
    return reissued >= ROTATING_MIN_ITEMS and reissued >= ROTATING_SHARE * new_items


@cache
def min_shared(threshold: float, smaller: int) -> int:
    """The fewest shared terms with which a set of `smaller` terms and a set at least as large
    can score `threshold` (the score falls as the larger set grows, so equal sizes are the
    most lenient case)."""
    for shared in range(1, smaller + 1):
        if shared / (2 * smaller - shared) + shared / smaller >= threshold - 1e-9:
            return shared
    return smaller


# How many shared terms SimilarSets meets a set by, where it can: each set is filed, and each
# probe probes, with HITS - 1 terms more than the prefix-filtering lemma asks for, so a set
# that can score the threshold is met HITS times. Against a day of 20,000 items
# (bench_stories) a probe scored about 730 candidates when one meeting was enough, 33 at two
# and 2 at three; bench_ingest against such a day: 1,165 items/s at two, 1,429 at three.
HITS = 3
# Up to how many more a probe's own terms meet the larger sets by (which are filed under all
# their terms, so a probe may choose), when its next rarest terms are common enough to be
# read as bitmaps (bot.postings), which makes reading them cheap and scoring what they let
# through the dearer part: bench_ingest against a day of 20,000 items, 3,500 items/s at 0
# more, 5,100-5,700 at 2 or 3 (bench_stories' Zipf day: 4,000-4,300 either way).
MORE_HITS = 3


class SimilarSets:
    """Term sets indexed so a probe meets only those that can score `threshold` with it.

    Prefix filtering: two sets scoring `threshold` share at least k = min_shared(smaller)
    terms, so any (size - k + 1) terms of the smaller set include a shared one, and any
    (size - k + HITS) include HITS of them (all, if k < HITS). Each set is filed under all its
    terms (`_every`, probed with the rarest (size - k + HITS) terms of a smaller-or-equal
    probe) and under (size - k + HITS) of its rarest terms (`_some`, probed with every term of
    a larger probe), and a set is a candidate when met that many times (`_need`). A posting
    is a position; a probe passes over its own source's sets as it reads them (postings kept
    per term and source, a list for each, took 1.3 KB an item of the dev corpus, against
    0.3). Which terms count as rarest only decides how much is met, not what: everything that
    can reach the threshold is returned, and the caller scores them exactly, so results equal
    a full scan's.

    The postings of a term common in the day are read as a bitmap (bot.postings), and the
    sets of the wrong size for the side probed are masked out of the bitmaps before their
    positions are read out (`_smaller`): against a day of 20,000 items, a probe's terms are
    words a tenth of the day holds.

    Sets are filed when a probe may meet them, not when added: a probe from a source passes
    over that source's sets, so a poll's own items wait until another source's probe comes
    (and a language with one source never files any). They are filed in the order added, with
    the counts they would have had, so the postings are the same as if filed at once.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.sets: list[Kept] = []
        self._source_of: list[str] = []
        self._filed = 0  # sets[:_filed] are in the postings
        self._waiting: set[str] = set()  # the sources of the sets not filed yet
        self._sources: dict[str, int] = {}  # non-empty sets per source, filed or not
        self._count: dict[str, int] = {}  # term -> len(_every.lists[term]): a C-speed sort key
        self._every = Postings()
        # term -> positions, apart by how many meetings make a candidate (`_need`)
        self._some: dict[int, Postings] = {}
        self._smaller_than: dict[int, tuple[int, int]] = {}  # size -> bitmap, sets it covers

    def __len__(self) -> int:
        return len(self.sets)

    def _keep(self, size: int) -> int:
        """How many of a set's terms it is filed under (`_some`), and a probe probes with
        (`_every`): enough that a set it can score `threshold` with is met by `_need` of them."""
        return min(size, size - min_shared(self.threshold, size) + HITS)

    def _need(self, size: int) -> int:
        return min(HITS, min_shared(self.threshold, size))

    def add(self, terms: Kept, source: str = "") -> int:
        """Take the set in, to be filed when a probe may meet it; returns its position."""
        position = len(self.sets)
        self.sets.append(terms)
        self._source_of.append(source)
        if terms:
            self._waiting.add(source)
            self._sources[source] = self._sources.get(source, 0) + 1
        return position

    @property
    def waiting(self) -> int:
        """How many sets are not filed yet."""
        return len(self.sets) - self._filed

    def file_waiting(self, most: int) -> None:
        """File up to `most` of the sets waiting, as a probe would file them: a caller that
        took in many at once (a day's items read at start) files them a slice at a time."""
        self._file_waiting(self._filed + most)

    def drop_first(self, count: int) -> None:
        """Forget the first `count` sets; the others' positions go down by `count`. The
        postings are cut and shifted rather than filed again, the bitmaps shifted, the counts
        taken from what is left: a pool of 10,000 forgetting its oldest quarter takes 30-36
        ms, where building it anew of the rest and filing them took 72-105 (bench_stories;
        once a quarter of the pool ages out, so 12-15 µs for each new item in a steady state,
        against 29-42)."""
        count = min(count, len(self.sets))
        if count <= 0:
            return
        del self.sets[:count]
        del self._source_of[:count]
        self._filed = max(0, self._filed - count)
        for postings in (self._every, *self._some.values()):
            postings.drop_below(count)
        self._count = {term: len(positions) for term, positions in self._every.lists.items()}
        sources: dict[str, int] = {}
        for source, terms in zip(self._source_of, self.sets, strict=True):
            if terms:
                sources[source] = sources.get(source, 0) + 1
        self._sources = sources
        sets, source_of = self.sets, self._source_of
        self._waiting = {source_of[p] for p in range(self._filed, len(sets)) if sets[p]}
        self._smaller_than = {
            size: (bits >> count, max(0, held - count))
            for size, (bits, held) in self._smaller_than.items()
        }

    def _file_waiting(self, end: int | None = None) -> None:
        end = len(self.sets) if end is None else min(end, len(self.sets))
        count = self._count
        for position in range(self._filed, end):
            terms = self.sets[position]
            if not terms:
                continue
            for term in terms:  # counted first: every term gains one, so their order stands
                count[term] = count.get(term, 0) + 1
            keep = self._keep(len(terms))
            rarest = terms if keep >= len(terms) else sorted(terms, key=count.__getitem__)[:keep]
            need = self._need(len(terms))
            if (some := self._some.get(need)) is None:
                some = self._some[need] = Postings()
            some.file(rarest, position)
            self._every.file(terms, position)
        self._filed = end
        if end == len(self.sets):
            self._waiting.clear()

    def near(self, terms: frozenset[str], skip: str | None = None) -> list[int]:
        """Positions (ascending) of the sets, other than source `skip`'s, that may score
        `threshold` with `terms`."""
        if not terms or not any(source != skip for source in self._sources):
            return []
        waiting = self._waiting
        if waiting and (len(waiting) > 1 or skip not in waiting):
            self._file_waiting()
        size = len(terms)
        sets = self.sets
        source_of = self._source_of
        filed = self._filed
        rarest, need = self._rarest(terms)
        read = self._every.read(rarest, filed)
        larger = met(read, need, ~self._smaller(size) if read.dense else None)
        found = [p for p in larger if len(sets[p]) >= size and source_of[p] != skip]
        for need, some in self._some.items():  # smaller sets
            read = some.read(terms, filed)
            smaller = met(read, need, self._smaller(size) if read.dense else None)
            found += [p for p in smaller if len(sets[p]) < size and source_of[p] != skip]
        return sorted(found)

    def _smaller(self, size: int) -> int:
        """A bitmap of the filed sets of fewer than `size` terms, brought up to date from
        the sets filed since it was last asked for."""
        bits, held = self._smaller_than.get(size, (0, 0))
        if held < self._filed:
            sets = self.sets
            bits |= bitmap([p for p in range(held, self._filed) if len(sets[p]) < size])
            self._smaller_than[size] = (bits, self._filed)
        return bits

    def _rarest(self, terms: frozenset[str]) -> tuple[list[str], int]:
        """The probe's rarest terms, and how many of them a larger set it can score
        `threshold` with holds. Its terms never filed come first (no set holds them), then
        the filed ones by how many sets hold them: `_keep` of its terms, `_need` met; or, when
        the next rarest are common enough to be read as bitmaps, up to MORE_HITS more of
        them, and as many more met (a candidate shares k of the probe's terms: of any but
        (k - hits) of them, hits)."""
        size = len(terms)
        need = self._need(size)
        keep = self._keep(size)
        count = self._count
        filed = [term for term in terms if term in count]
        keep -= size - len(filed)
        if keep <= 0:
            return [], need
        if keep >= len(filed):
            return filed, need
        rarest = sorted(filed, key=count.__getitem__)
        more = min(MORE_HITS, min_shared(self.threshold, size) - need, len(filed) - keep)
        if more > 0 and count[rarest[keep]] >= dense_from(self._filed):
            keep += more
            need += more
        return rarest[:keep], need


@cache
def reissue_prefix(size: int) -> int:
    """How many of a set's terms, in sorted order, ReissueIndex files it under.

    A reissue scores REISSUE_THRESHOLD, and containment is at most 1, so the two sets'
    Jaccard is at least `j = REISSUE_THRESHOLD - 1`: they share at least j * (the larger size)
    terms. Two sets sharing `o` terms meet within their first (size - o + 1) terms in any one
    fixed order (the prefix-filtering lemma); a set's own size gives it the longer prefix."""
    shared = math.ceil((REISSUE_THRESHOLD - 1) * size - 1e-6)
    return max(1, min(size, size - shared + 1))


@cache
def reissue_only_if_equal(size: int) -> bool:
    """Whether a set of `size` terms can score REISSUE_THRESHOLD only with an equal set: the
    closest different sets (one term swapped, one more, one fewer) score below it, and any
    other scores less still. True up to 18 terms; the same holds of any set it could meet,
    so such sets are looked up whole and never compared with the larger ones."""
    closest = [score(size, size, size + 1)]
    if size >= 2:
        closest += [score(size - 1, size, size), score(size - 1, size, size - 1)]
    return max(closest) < REISSUE_THRESHOLD


class ReissueIndex:
    """A source's earlier term sets, so `near` meets only those that can score
    REISSUE_THRESHOLD: near-identical sets. Small sets can only be reissues of equal ones
    (reissue_only_if_equal) and are kept in a dict; larger ones are filed under their first
    few terms in sorted order. Unlike SimilarSets it keeps no term counts, so filing a set
    costs a lookup, or a sort and a couple of appends.

    The sets before position `first` are forgotten (`keep_last`): a source's history is its
    latest items, and the index is built again once most of what it holds is forgotten.
    """

    def __init__(self) -> None:
        self.sets: list[Kept] = []
        self.first = 0
        self._equal: dict[Kept, int] = {}  # small sets -> the latest position
        self._postings: dict[str, list[int]] = {}

    def add(self, terms: Kept) -> None:
        """File `terms`."""
        position = len(self.sets)
        self.sets.append(terms)
        if not terms:
            return
        if reissue_only_if_equal(len(terms)):
            self._equal[terms] = position
            return
        postings = self._postings
        for term in terms[: reissue_prefix(len(terms))]:
            if (positions := postings.get(term)) is None:
                postings[term] = [position]
            else:
                positions.append(position)

    def near(self, terms: frozenset[str], ordered: Kept | None = None) -> set[int]:
        """Positions of the sets not forgotten that may score REISSUE_THRESHOLD with `terms`
        (`ordered`: kept(terms), when the caller has it already)."""
        if not terms:
            return set()
        ordered = ordered or kept(terms)
        if reissue_only_if_equal(len(terms)):
            position = self._equal.get(ordered, -1)
            return {position} if position >= self.first else set()
        found: set[int] = set()
        postings = self._postings
        for term in ordered[: reissue_prefix(len(terms))]:
            if (positions := postings.get(term)) is not None:
                found.update(positions)
        if self.first:
            found = {p for p in found if p >= self.first}
        return found

    def latest(self) -> list[Kept]:
        """The sets not forgotten, oldest first."""
        return self.sets[self.first :]

    def keep_last(self, count: int) -> ReissueIndex:
        """Forget all but the latest `count` sets; the index itself, or once it would hold
        more forgotten sets than kept ones, a new one of the kept."""
        first = max(self.first, len(self.sets) - count)
        if first <= count:
            self.first = first
            return self
        return reissue_index(self.sets[first:])


def reissue_index(earlier: Iterable[Kept]) -> ReissueIndex:
    index = ReissueIndex()
    for terms in earlier:
        index.add(terms)
    return index


def is_reissue_in(
    terms: frozenset[str], earlier: ReissueIndex, ordered: Kept | None = None
) -> bool:
    """is_reissue over an index of the source's earlier items (`ordered`: kept(terms), when
    the caller has it already)."""
    sets = earlier.sets
    for position in earlier.near(terms, ordered):
        if similarity(terms, sets[position]) >= REISSUE_THRESHOLD:
            return True
    return False


class StoryIndex:
    """Candidates in arrival order, indexed by their terms: find_story without a full scan.

    `find` gives what find_story gives over the candidates fetched at or after `since`.
    """

    def __init__(self) -> None:
        self.candidates: list[Candidate] = []
        self.item_ids: set[int] = set()
        self._sets = SimilarSets(STORY_THRESHOLD)

    def __len__(self) -> int:
        return len(self.candidates)

    @property
    def waiting(self) -> int:
        return self._sets.waiting

    def file_waiting(self, most: int) -> None:
        self._sets.file_waiting(most)

    def drop_first(self, count: int) -> None:
        """Forget the `count` oldest candidates (SimilarSets.drop_first)."""
        count = min(count, len(self.candidates))
        self.item_ids.difference_update(c.item_id for c in self.candidates[:count])
        del self.candidates[:count]
        self._sets.drop_first(count)

    def add(self, candidate: Candidate) -> int:
        """File the candidate; returns its position."""
        self.candidates.append(candidate)
        self.item_ids.add(candidate.item_id)
        return self._sets.add(candidate.terms, candidate.source)

    def find(
        self,
        terms: frozenset[str],
        regions: frozenset[str],
        source: str,
        since: float = float("-inf"),
        best_score: float = STORY_THRESHOLD,
    ) -> tuple[Candidate | None, float]:
        """The best candidate scoring at least `best_score` (the last one on a tie, as
        find_story), and its score."""
        best: Candidate | None = None
        candidates = self.candidates
        size = len(terms)
        for position in self._sets.near(terms, skip=source):
            other = candidates[position]
            if other.fetched_at < since:
                continue  # (near passed over the source's own)
            if regions and other.regions and not regions & other.regions:
                continue  # same_story's 0: below any threshold the index answers for
            found = score(len(terms.intersection(other.terms)), size, len(other.terms))
            if found >= best_score:
                best, best_score = other, found
        return best, best_score
