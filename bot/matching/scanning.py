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

A key is only ever wanted where a word starts (its readers drop any other hit), so the
bytes are searched for it only there: every key is marked by a leading space and searched
in the batch's `words`, a copy of its bytes in which every byte that is not a letter or a
digit is a space (one `bytes.translate`). A search then leaves a word, once its first
letters match no key, without trying a key at each of its later letters, and gives no
hits inside words: the search takes half the time and hands back a fifth fewer hits. A key
that holds a byte other than a letter or digit ("air defense", "ростов-на-дону") is found
as such only where the text has those very bytes (`Automaton._holds`). A key that is
wanted only as a whole word (a place's name; see `Keys`) is marked after it too, so a word
that merely starts with it ("курск" in "курской") is no hit either. A letter cp1251 lacks
is a letter in `words` too (`_letters_kept`), and the hits of the keys searched as `str` are
kept only where words start (and end, for a whole word): so every hit starts a word (and a
whole word's ends one) in `str.isalnum`'s sense, and no reader checks again.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
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
# in `words`, for a letter or digit cp1251 lacks (a "?" in the bytes): a letter too, but one
# that no key has ("Ђ", a capital, which no normalized text or key has)
_OTHER_LETTER = 0x80
_MARK = b" "  # before every key, and before each word in a batch's `words`
# each byte as `words` has it: a letter or a digit (`str.isalnum`) stays, any other byte
# (a space, punctuation, "?" for a character cp1251 lacks) becomes a space
_WORD_BYTES = bytes(
    byte if bytes([byte]).decode(ENCODING, "replace").isalnum() else _MARK[0] for byte in range(256)
)
# what `Automaton._flags` says of a key: how its hits are checked (not at all: letters and
# digits only; that the text has spaces where the key has, its other bytes being spaces; that
# the text is the key, `_exact`), and whether it is marked after too (a whole word)
_AS_FOUND, _SPACED, _EXACT, _CHECKS = 0, 1, 2, 3
_WHOLE = 4


def automaton(keys: Iterable[str], count: int, whole: bytes = b"") -> Automaton:
    """An automaton over the `count` `keys` (none empty), searched as `Automaton` says;
    `whole[k]`, when true, finds the k-th key only as a whole word. It keeps no copy of the
    keys (nothing here asks it for a key's text). Building one of 100,000 keys takes scratch
    memory that the C allocator would keep as RSS, so it is handed back."""
    built = Automaton(keys, whole)
    if count >= TRIM_AFTER:
        return_freed_memory()
    return built


class Automaton:
    """Keys found in a `Batch`: those cp1251 spells (nearly all) in its bytes, the others
    (their pattern numbers kept in `_other_keys`) in its text, and only when the batch has a
    "?" (where any character cp1251 lacks is). Pattern k is the k-th key either way.

    Each is a contiguous NFA, the fastest to search short of a DFA, which is 40 times the
    size."""

    __slots__ = (
        "_bytes",
        "_exact",
        "_exact_patterns",
        "_exact_starts",
        "_flags",
        "_other_keys",
        "_others",
    )

    def __init__(self, keys: Iterable[str], whole: bytes = b"") -> None:
        others: list[str] = []
        self._other_keys = array("i")
        self._flags = bytearray()  # pattern -> how its hits are read (_SPACED, _WHOLE...)
        # the _EXACT keys (a tenth of the gazetteer's: hyphens, apostrophes), joined, and
        # their patterns in order: 0.2 MB, where a dict of them would take 1.5
        self._exact = bytearray()
        self._exact_starts = array("I", [0])
        self._exact_patterns = array("i")
        self._bytes = BytesAhoCorasick(
            self._spelled(keys, whole, others), implementation=Implementation.ContiguousNFA
        )
        self._others = (
            AhoCorasick(others, implementation=Implementation.ContiguousNFA, store_patterns=False)
            if others
            else None
        )

    def _spelled(self, keys: Iterable[str], whole: bytes, others: list[str]) -> Iterator[bytes]:
        """Each key in cp1251 as `words` has it, after `_MARK` (and before one, when `whole`
        says so); `_NEVER` (matching nothing) for one cp1251 cannot spell, which goes to
        `others`."""
        flags, wholes = self._flags, len(whole)
        for number, key in enumerate(keys):
            data = key.encode(ENCODING, "replace")
            wanted_whole = number < wholes and whole[number]
            if _UNSPELLED in data or _OTHER_LETTER in data:
                others.append(key)
                self._other_keys.append(number)
                flags.append(_WHOLE if wanted_whole else _AS_FOUND)
                yield _NEVER
                continue
            words = data.translate(_WORD_BYTES)
            if words != data:
                flag = _EXACT
                self._exact += data
                self._exact_starts.append(len(self._exact))
                self._exact_patterns.append(number)
            else:
                flag = _SPACED if _MARK in data else _AS_FOUND
            if wanted_whole:
                flags.append(flag | _WHOLE)
                yield _MARK + words + _MARK
            else:
                flags.append(flag)
                yield _MARK + words

    def find(self, batch: Batch) -> list[Hit]:
        """Every (overlapping) hit in the batch that starts a word (at the start of a text,
        or after any character but a letter or a digit: `str.isalnum`), by where it ends; a
        key wanted whole, only where a word ends too. No GIL while it searches."""
        marked = self._bytes.find_matches_as_indexes(batch.words, overlapping=True)
        # a hit's key starts a character after its mark: in the batch, where the mark is
        flags, data = self._flags, batch.data
        found = [
            (key, start, end - 1 - (flags[key] >> 2))  # less its marks: one or two
            for key, start, end in marked
            if not flags[key] & _CHECKS
            or self._holds(key, data[start : end - 1 - (flags[key] >> 2)])
        ]
        if self._others is not None and _UNSPELLED in data:
            more = self._others.find_matches_as_indexes(batch.text, overlapping=True)
            text, number = batch.text, self._other_keys
            more = [
                (number[k], start, end)
                for k, start, end in more
                if not text[start - 1 : start].isalnum()
                and not (flags[number[k]] & _WHOLE and text[end : end + 1].isalnum())
            ]
            if more:
                found += more
                found.sort(key=_END)
        return found

    def _holds(self, key: int, found: bytes) -> bool:
        """Whether a hit on `key`, which holds bytes other than letters and digits, is the
        key itself: `found`, what the batch has there, has the same bytes, not others that
        `words` also reads as spaces."""
        if self._flags[key] & _CHECKS == _SPACED:
            return found.translate(_WORD_BYTES) == found
        k = bisect_left(self._exact_patterns, key)
        return found == self._exact[self._exact_starts[k] : self._exact_starts[k + 1]]


class Keys:
    """Keys kept to build automata over them again, joined in one string (a tenth of the
    memory of a list of strings): iterating gives them in order. `whole[k]`, when true:
    the k-th key is wanted only as a whole word (`automaton`)."""

    __slots__ = ("_joined", "count", "whole")

    def __init__(self, keys: Iterable[str], whole: bytes = b"") -> None:
        parts = [key + SEPARATOR for key in keys]  # no key holds SEPARATOR (see above)
        self.count = len(parts)
        self._joined = "".join(parts)
        self.whole = bytes(whole)

    def __iter__(self) -> Iterator[str]:
        joined, start = self._joined, 0
        for _ in range(self.count):
            end = joined.index(SEPARATOR, start)
            yield joined[start:end]
            start = end + 1


class Batch:
    """Normalized texts, joined to be searched at once."""

    __slots__ = ("data", "sizes", "text", "words")

    def __init__(self, texts: Sequence[str], joined: tuple[str, bytes] | None = None) -> None:
        """`joined`: the texts joined by `SEPARATOR`, and that in cp1251, if made already."""
        self.text, self.data = joined or _joined(texts)
        # what the keys are searched in: every word between marks (see the module's docstring)
        self.words = _MARK + self.data.translate(_WORD_BYTES) + _MARK
        if _UNSPELLED in self.data:  # a "?", or a character cp1251 lacks: a letter, maybe
            self.words = _letters_kept(self.text, self.data, self.words)
        self.sizes = [len(t) for t in texts]

    def __len__(self) -> int:
        return len(self.sizes)


def spells(text: str, data: bytes) -> bool:
    """Whether cp1251 spells every character of `text`, `data` being its encoding (errors
    "replace"): each "?" in `data` is one in `text`."""
    return _UNSPELLED not in data or data.count(_UNSPELLED) == text.count("?")


def _joined(texts: Sequence[str]) -> tuple[str, bytes]:
    text = SEPARATOR.join(texts)
    return text, text.encode(ENCODING, "replace")  # one byte per character


def _letters_kept(text: str, data: bytes, words: bytes) -> bytes:
    """`words`, where `text` has a letter or a digit that cp1251 lacks (a "?" in `data`),
    with `_OTHER_LETTER` instead of a space: a word goes on through it ("café")."""
    kept: bytearray | None = None
    at = data.find(_UNSPELLED)
    while at >= 0:
        if text[at].isalnum():
            if kept is None:
                kept = bytearray(words)
            kept[at + len(_MARK)] = _OTHER_LETTER
        at = data.find(_UNSPELLED, at + 1)
    return words if kept is None else bytes(kept)


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
