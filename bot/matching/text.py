"""Text normalization and word boundaries shared by region and watch-term matching.

`normalize` lowercases, folds ё→е, unifies apostrophes and hyphens, drops soft hyphens,
zero-width characters and stress marks, and collapses runs of whitespace to one space. It
returns an index map so that a match in the normalized text can be reported at its offsets
in the original text. Pure functions; nothing here touches I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff\u0301\u0300")
_APOSTROPHES = frozenset("'\u2019\u02bc`\u2032\u2018\u02b9")
_HYPHENS = frozenset("\u2010\u2011")
_FOLD = {"ё": "е", "ѐ": "е"}


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and, for each of its characters, the offset in the original."""

    text: str
    origin: Sequence[int]  # len(text) + 1 entries; the last is len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalized slice [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


class _Draft:
    """A `Normalized` being made: the same slots, not frozen (see `_normalized`)."""

    __slots__ = ("origin", "text")
    text: str
    origin: Sequence[int]


_new = object.__new__


def _normalized(text: str, origin: Sequence[int]) -> Normalized:
    """`Normalized(text, origin)`, made in half the time: a `_Draft` filled, then made a
    `Normalized` by assigning its class (the two have the same layout), as
    `bot.matching.mentions.mention` makes mentions."""
    made = _new(_Draft)
    made.text = text
    made.origin = origin
    made.__class__ = Normalized  # type: ignore[assignment]
    return made  # type: ignore[return-value]


def as_normalized(joined: str, sizes: Iterable[int], separator: str) -> list[Normalized]:
    """Texts that normalization leaves as they are, joined by `separator` in `joined`, each
    of its size, as their `normalize`s: each character from the same offset in its
    original. (A loop of `_normalized`, inlined: a poll's texts are read this way.)"""
    made: list[Normalized] = []
    start = 0
    for size in sizes:
        end = start + size
        norm = _new(_Draft)
        norm.text = joined[start:end]
        norm.origin = range(size + 1)
        norm.__class__ = Normalized  # type: ignore[assignment]
        made.append(norm)  # type: ignore[arg-type]
        start = end + len(separator)
    return made


def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    if ch in _HYPHENS:
        return "-"
    low = ch.lower()
    if len(low) != 1:
        return ch
    return _FOLD.get(low, low)


_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
_SPACES += "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # str.isspace()
_FAST = str.maketrans(
    {
        **{ch: " " for ch in _SPACES},
        **{ch: "'" for ch in _APOSTROPHES},
        **{ch: "-" for ch in _HYPHENS},
        **_FOLD,
        "Ё": "е",
        "Ѐ": "е",
        "Σ": "σ",  # str.lower() would pick the final form by context; _fold_char does not
    }
)
_SPACE_RUNS = re.compile("  +")
# what `_FAST` changes (a plain space or apostrophe maps to itself): most texts have none or
# few, and replacing only those is quicker than str.translate over every character
_CHANGES = {chr(c): to for c, to in _FAST.items() if isinstance(to, str) and chr(c) != to}
# anything that `_normalize_fast` or `_normalize_slow` would change but case: most texts have
# none, and one search finding none leaves only lowercasing to do
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_DROP)) + "İ" + "".join(_CHANGES)) + "]")


@functools.lru_cache(maxsize=16)
def normalize(text: str) -> Normalized:
    """Normalize `text` for matching, keeping a map back to the original offsets.

    Cached for the last few texts: region and term matching read the same item."""
    return normalize_uncached(text)


def normalize_uncached(text: str) -> Normalized:
    """`normalize`, not cached: for a batch's texts, each normalized once."""
    special = _SPECIAL.findall(text)  # one pass: what there is to change, if anything
    if not special:
        return _lowercased(text, text.lower())
    found = set(special)
    if found.isdisjoint(_DROP) and "İ" not in found:
        return _normalize_fast(text, found)
    return _normalize_slow(text)


def _normalize_fast(text: str, found: set[str]) -> Normalized:
    """The same as `_normalize_slow` for text without dropped characters or "İ", at C speed:
    `found` is the characters of `text` that `_FAST` changes (each to one character)."""
    folded = text
    for char in found:
        folded = folded.replace(char, _CHANGES[char])
    return _lowercased(text, folded.lower())


def _lowercased(text: str, folded: str) -> Normalized:
    """`text` normalized, given `folded`: the same characters but spaces folded and cased."""
    if "  " not in folded:
        return _normalized(folded, range(len(text) + 1))
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for run in _SPACE_RUNS.finditer(folded):
        parts.append(folded[pos : run.start() + 1])
        origin.extend(range(pos, run.start() + 1))
        pos = run.end()
    parts.append(folded[pos:])
    origin.extend(range(pos, len(text) + 1))
    return _normalized("".join(parts), tuple(origin))


def _normalize_slow(text: str) -> Normalized:
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            origin.append(i)
            continue
        out.append(_fold_char(ch))
        origin.append(i)
    origin.append(len(text))
    if len(out) == len(text):  # nothing dropped: the same map the fast path gives
        return _normalized("".join(out), range(len(text) + 1))
    return _normalized("".join(out), tuple(origin))


def normalize_phrase(text: str) -> str:
    """Normalize a name or term the way item text is normalized, trimmed."""
    return normalize(text).text.strip()


def common_start(a: str, b: str) -> str:
    """The longest start `a` and `b` share."""
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]


def is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def is_word_char(text: str, i: int) -> bool:
    """True when text[i] belongs to a word; a Ukrainian apostrophe between letters does."""
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    if ch.isalnum():
        return True
    if ch == "'":
        return 0 < i < len(text) - 1 and is_cyrillic(text[i - 1]) and is_cyrillic(text[i + 1])
    return False


def is_whole_word(text: str, start: int, end: int, *, join_hyphens: bool = False) -> bool:
    """True when text[start:end] is not part of a longer word.

    With `join_hyphens`, a hyphenated compound counts as one word, so "Білгород" does not
    match inside "Білгород-Дністровський".
    """
    if is_word_char(text, start - 1) or is_word_char(text, end):
        return False
    if join_hyphens:
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum():
            return False
        if end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum():
            return False
    return True


# A word character (`is_word_char`) and a word as `words_after` reads it: word characters
# and hyphens, the hyphen not last in the text. Compiled once, so the scans run in C.
# Written for `re`'s quick paths: runs of letters in one repeat, each alternative that starts
# with a character written first, and nothing given back (`*+`: a shorter word or gap could
# not make a match that the longest one does not).
_CYRILLIC = "[\u0400-\u04ff]"
_INNER_APOSTROPHE = rf"'(?<={_CYRILLIC}')(?={_CYRILLIC})"  # an apostrophe between Cyrillic
_WORD_CHAR = rf"(?:[^\W_]|{_INNER_APOSTROPHE})"
_WORD = rf"{_WORD_CHAR}(?:[^\W_]+|{_INNER_APOSTROPHE}|-(?=.))*+"
# what lies between two words (a regex): characters that are not word characters
GAP = rf"(?:[^\w']+|_|'(?!{_CYRILLIC})|'(?<!{_CYRILLIC}'))*+"


@functools.lru_cache(maxsize=8)
def _next_words(count: int) -> re.Pattern[str]:
    """Up to `count` words from a position, one group each: a single `match` call in C."""
    pattern = ""
    for _ in range(count):
        pattern = GAP + "(" + _WORD + ")" + (f"(?:{pattern})?" if pattern else "")
    return re.compile(pattern, re.S)


@functools.lru_cache(maxsize=16)
def _reversed(text: str) -> str:
    return text[::-1]


def words_before(text: str, start: int, count: int) -> list[str]:
    """Up to `count` words that end before `start`, nearest first."""
    # the rules are symmetric, so the words before are the words after in the reversed text
    found = _next_words(count).match(_reversed(text), max(len(text) - start, 0))
    if found is None:
        return []
    return [w.rstrip("-")[::-1] for w in found.groups() if w is not None]


def words_after(text: str, end: int, count: int) -> list[str]:
    """Up to `count` words that start at or after `end`, nearest first."""
    found = _next_words(count).match(text, max(end, 0))
    if found is None:
        return []
    return [w.rstrip("-") for w in found.groups() if w is not None]


_ONE_WORD = _next_words(1)
_WORD_CHARS = re.compile(rf"(?:[^\W_]+|{_INNER_APOSTROPHE})*+")


def word_end(text: str, i: int) -> int:
    """The first position from `i` on that is not a word character (`is_word_char`)."""
    if i >= 0:  # the usual case: letters, then a space or the end
        stop = text.find(" ", i)
        if stop < 0:
            stop = len(text)
        if stop == i or text[i:stop].isalnum():
            return stop
    found = _WORD_CHARS.match(text, i)  # never None: it may match nothing
    return found.end() if found else i


def word_before(text: str, start: int) -> str:
    """The word nearest before `start` ("" when none): `words_before(text, start, 1)`'s."""
    if start > 0 and text[start - 1 : start] == " ":  # the usual case: "... word |"
        word = text[text.rfind(" ", 0, start - 1) + 1 : start - 1]
        if word.isalnum():  # letters between two spaces (or the start): that word
            return word
    found = _ONE_WORD.match(_reversed(text), max(len(text) - start, 0))
    return "" if found is None else found.group(1).rstrip("-")[::-1]


def word_after(text: str, end: int) -> str:
    """The word nearest at or after `end` ("" when none): `words_after(text, end, 1)`'s."""
    if end >= 0 and text[end : end + 1] == " ":  # the usual case: "| word ..."
        stop = text.find(" ", end + 1)
        word = text[end + 1 : stop] if stop >= 0 else text[end + 1 :]
        if word.isalnum():  # letters between two spaces (or the end): that word
            return word
    found = _ONE_WORD.match(text, max(end, 0))
    return "" if found is None else found.group(1).rstrip("-")


def gap_after(text: str, end: int) -> str:
    """The non-word characters between `end` and the next word, e.g. " — " or ", "."""
    i = end
    while i < len(text) and not is_word_char(text, i):
        i += 1
    return text[end:i]
