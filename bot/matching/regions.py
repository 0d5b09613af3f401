"""Find region mentions in an item's title and text.

The rules, from the labelling spec (`tests/data/corpus/README.md`):

1. Every form of every gazetteer entry is searched at once (Aho-Corasick over normalized
   text). A match must be a whole word, and a hyphenated compound is one word, so
   "Білгород" never matches inside "Білгород-Дністровський". Overlapping matches: the
   leftmost longest wins ("Kyiv region" is Kyiv Oblast, not the city).
2. A region adjective ("Белгородской", "Харківська") counts only before a region noun
   (область, край, ОВА, губернатор, ...; "Воронежской и Белгородской областями") or as an
   ellipsis ("в Курской — сёла"). So "Курском вокзале", "Курской битвы", "Депутат
   Смоленский" do not count. A district adjective counts before район/округ/громада.
3. A capital ("Москва", "Kyiv") used as a government does not count: in Russian/Ukrainian
   its bare nominative ("Киев заявил"), after "с"/"з" + instrumental, or after a word like
   "обвинил", "стороны"; in English before "said"/"says"/"has"... or after "accused",
   "with".
4. Not counted either: a dateline at the start of the text ("MOSCOW –", "КИЕВ, 3 мая –");
   a homonym of a common word written in lowercase ("орёл" the bird, "сума"); a name in
   quotes («Москва» the cruiser, «Ростов» the club); a name next to a ship, club, street,
   battle or river word ("submarine Kursk", "Dynamo Kyiv", "Battle of Kursk", "Dnipro
   River", "берега Дніпра").

Pure functions over strings; the automaton is built once by `RegionMatcher`. It is an
`ahocorasick_rs` one: a third faster than pyahocorasick, a quarter of its memory, and it
releases the GIL while it searches, so `scan` can run in a worker thread while Python applies
these rules to other items (`bot.matching.item_matcher.ItemMatcher.find_many`).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from bot.matching.scanning import NO_HITS, Batch, Hits, automaton, scan
from bot.matching.text import (
    GAP,
    Normalized,
    gap_after,
    is_whole_word,
    normalize,
    words_after,
    words_before,
)
from bot.models import Field, Mention


@dataclass(frozen=True, slots=True)
class Pattern:
    """What one normalized form stands for."""

    code: str
    kind: str  # "region", "town", "adj" or "district"
    capital: bool = False
    homonym: bool = False
    nominative: bool = False  # the form is the name's dictionary form
    place: str | None = None  # a town's place id ("RU-BEL/graivoron")


_REGION_NOUN_STEMS = (
    "област", "обласн", "областн", "республик", "республік", "регион", "регіон",
    "губернатор", "губерни", "губерні", "оперштаб", "обладміністрац", "облдержадміністрац",
)  # fmt: skip
_REGION_NOUN_WORDS = frozenset(
    "край края краю краем крае краї краєм округ округа округе округу округом окрузі ова ода "
    "обл аэс аес власти властей влада влади владі".split()
)
_DISTRICT_STEMS = ("район", "округ", "громад", "district", "raion", "hromad")
_LINK_WORDS = frozenset("и і та й а также and".split())
_LINK_STEMS = ("автономн", "военн", "військов")
_LOC_PREPS = frozenset(
    "в во у на к ко над под під до по из із от від около возле біля поблизу вблизи через "
    "in into to on over near around across from of outside inside at".split()
)
_CASE_PREPS = frozenset("в во на о об у по к ко от из до від".split())
_VERB_ENDINGS = ("л", "ла", "ли", "ло", "ть", "ся", "сь", "ют", "ят", "ет", "ит", "ут", "ать")
_WITH_PREPS = frozenset("с со з із зі".split())
_METONYM_STEMS = (
    "обвин", "звинуват", "звинувач", "сторон", "позици", "позиці", "требован", "вимог",
    "ответ", "відповід", "заявлен", "переговор", "отношен", "відносин", "предложен",
    "пропозиці", "ультиматум", "официальн", "офіційн", "между", "між", "призва", "закликав",
    "закликал", "упрекн", "критик", "осуди", "засуди", "поддержк", "підтримк", "союзник",
    "партнер", "давлен", "тиск",
)  # fmt: skip
_EN_METONYM_PREV = frozenset(
    "accused accuses accusing accuse blamed blames blaming urged urges urging with between "
    "official against pressed pressure told warned warns persuade".split()
)
_EN_SPEECH_VERBS = frozenset(
    "said says say saying denied denies deny accused accuses accuse blamed blames has have "
    "had is was will would could should may might must did does remains remained began "
    "begins wants wanted insists insisted claims claimed rejected rejects warned warns "
    "announced announces demanded demands responded responds agreed agrees refused refuses "
    "hopes expects believes sees views seeks sought considers plans intends called calls "
    "stated states argued argues confirmed confirms welcomed welcomes condemned condemns "
    "dismissed dismisses vowed vows threatened threatens offered offers".split()
)
_PREV_BLOCK_STEMS = (
    "крейсер", "корабл", "подлодк", "фрегат", "субмарин", "судн", "танкер", "submarine",
    "ship", "cruiser", "vessel", "frigate", "corvette", "tanker", "улиц", "вулиц", "проспект",
    "площад", "переул", "провул", "street", "avenue", "берег", "берез", "river", "річк",
    "рек", "лівобереж", "правобереж",
)  # fmt: skip
_PREV_BLOCK_WORDS = frozenset(
    "ул вул пр шахтер шахтар динамо зоря заря металлист металіст dynamo shakhtar zorya "
    "fc фк".split()
)
_NEXT_BLOCK_WORDS = frozenset(
    "submarine ship cruiser river reservoir sea bulge battle водохранилище водохранилища "
    "водосховище водосховища".split()
)
_BATTLE_STEMS = ("битв", "сражен", "бій", "бою")
_OPEN_QUOTES = frozenset("«\"“„'‘")
_CLOSE_QUOTES = frozenset("»\"”'’“")
_DASHES = ("-", "–", "—")
_JOINERS = "'-"  # what can join a word to the next (normalized apostrophes and hyphens)


class RegionMatcher:
    """All gazetteer forms in one automaton, and the context rules above.

    Kept small: the automaton keeps no strings, a form is its index there, and a form's
    pattern is a small int (`_number_of`); forms that stand for the same thing share one
    `Pattern`. Finding is two steps, so that a batch can search in a worker thread while
    the rules run here: `scan` (the automaton, without the GIL), then `mentions`."""

    def __init__(self, patterns: dict[str, Pattern], adjectives: Iterable[str] = ()) -> None:
        """`adjectives`: every region-adjective form, also those a town's form shadows."""
        numbers: dict[Pattern, int] = {_BLOCKING: 0}
        keys = [form for form in patterns if form]  # an automaton has no empty pattern
        self._number_of = array("i", (numbers.setdefault(patterns[f], len(numbers)) for f in keys))
        # the words that can block a name are found in the same pass: a text without any
        # needs no neighbour check (a form that is such a word itself counts as one)
        self._blocking = {0}
        for word in sorted(_BLOCKING_VOCABULARY):
            if word in patterns:
                self._blocking.add(numbers[patterns[word]])
            else:
                keys.append(word)
                self._number_of.append(0)
        self._patterns = list(numbers)
        self._adjectives = frozenset(adjectives) | {
            f for f, p in patterns.items() if p.kind == "adj"
        }
        self._automaton = automaton(keys) if patterns else None

    def find(self, title: str, text: str) -> list[Mention]:
        fields: tuple[tuple[Field, str], ...] = (("title", title), ("text", text))
        return [
            m
            for field, value in fields
            if value
            for m in self.mentions(field, value, *self.scan_one(value))
        ]

    def scan_one(self, original: str) -> tuple[Normalized, Hits]:
        """`original` normalized, and the automaton's hits in it."""
        norm = normalize(original)
        return norm, self.scan(Batch([norm.text]))[0]

    def scan(self, batch: Batch) -> list[Hits]:
        """The automaton's hits in each normalized text; safe in any thread, GIL released."""
        if self._automaton is None:
            return [NO_HITS] * len(batch)
        return scan(self._automaton, batch)

    def mentions(self, field: Field, original: str, norm: Normalized, hits: Hits) -> list[Mention]:
        """The regions `original` mentions, from `scan`'s hits in its normalized text."""
        if not hits[0]:
            return []
        candidates, may_be_blocked = self._candidates(norm.text, hits)
        if not candidates:
            return []
        mentions: list[Mention] = []
        context = _Context(norm, original, field, may_be_blocked)
        origin = norm.origin
        for start, end, pattern in _leftmost_longest(candidates):
            o_start, o_end = origin[start], origin[end - 1] + 1  # norm.span, inlined
            if self._counts(context, start, end, o_start, o_end, pattern):
                surface = original[o_start:o_end]
                mentions.append(
                    Mention("region", pattern.code, surface, field, o_start, o_end, pattern.place)
                )
        return mentions

    def _candidates(self, text: str, hits: Hits) -> tuple[list[tuple[int, int, Pattern]], bool]:
        """Whole-word forms in `text`, and whether a word that can block one is there."""
        found: list[tuple[int, int, Pattern]] = []
        may_be_blocked = False
        size = len(text)
        patterns, blocking, number_of = self._patterns, self._blocking, self._number_of
        in_batch, shift = hits
        for key, start, end in in_batch:
            start -= shift
            end -= shift
            if start and text[start - 1].isalnum():
                continue  # most hits sit inside a longer word
            number = number_of[key]
            if number in blocking:
                may_be_blocked = True
                if not number:
                    continue
            after = text[end] if end < size else " "
            if after.isalnum():
                continue
            # neither side a letter: a whole word unless an apostrophe or a hyphen joins on
            if (
                after not in _JOINERS and (not start or text[start - 1] not in _JOINERS)
            ) or is_whole_word(text, start, end, join_hyphens=True):
                found.append((start, end, patterns[number]))
        return found, may_be_blocked

    def _counts(
        self, context: _Context, start: int, end: int, o_start: int, o_end: int, p: Pattern
    ) -> bool:
        """Whether text[start:end] (original[o_start:o_end]) is a mention of `p`."""
        norm, original, text = context.norm, context.original, context.norm.text
        if p.homonym and not original[o_start : o_start + 1].isupper():
            return False
        if (
            context.field == "text"
            and not text[:start].strip()  # the dateline's first test, before a call
            and _is_dateline(text, start, end, original[o_start:o_end])
        ):
            return False
        if _quoted(original, o_start, o_end):
            return False
        if context.may_be_blocked and _blocked_by_neighbours(text, start, end):
            return False
        if p.kind == "adj":
            return self._adjective_counts(text, end)
        if p.kind == "district":
            return any(w.startswith(_DISTRICT_STEMS) for w in words_after(text, end, 1))
        if (
            p.kind == "town"
            and text[start:end] in self._adjectives
            and _reads_as_adjective(text, original, start, end, norm)
        ):
            # "на Курском вокзале" is the adjective; "под Курском", "у Луганську
            # пролунали вибухи", "в окупованому Луганську" are the town
            return self._adjective_counts(text, end)
        if p.capital:
            return _capital_counts(text, start, end, p)
        return True

    def _adjective_counts(self, text: str, end: int) -> bool:
        if _REGION_NOUN_NEXT.match(text, end):  # the usual case: "Белгородской области"
            return True
        gap = gap_after(text, end).strip()
        if gap.startswith(("—", "–")):
            return True
        for word in words_after(text, end, 4):
            if word in _REGION_NOUN_WORDS or word.startswith(_REGION_NOUN_STEMS):
                return True
            if not (
                word in _LINK_WORDS or word in self._adjectives or word.startswith(_LINK_STEMS)
            ):
                return False
        return False


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WHOLE = r"(?![^\W_]|['\-])"  # at a word's end, for sure (no apostrophe or hyphen goes on)
# a region noun as the next word: a certain yes for `_adjective_counts`, in one C call
_REGION_NOUN_NEXT = re.compile(
    rf"{GAP}(?:(?:{_alternatives(_REGION_NOUN_WORDS)}){_WHOLE}"
    rf"|(?:{_alternatives(_REGION_NOUN_STEMS)}))",
    re.S,
)
# every word `_blocked_by_neighbours` looks for (stems: as the start of a word)
_BLOCKING_VOCABULARY = frozenset(
    (*_PREV_BLOCK_WORDS, *_NEXT_BLOCK_WORDS, *_PREV_BLOCK_STEMS, *_BATTLE_STEMS)
)
_BLOCKING = Pattern("", "blocking")  # pattern number 0: a blocking word, not a name


class _Context:
    """One field being read, and what is known about it for all its candidates."""

    __slots__ = ("field", "may_be_blocked", "norm", "original")

    def __init__(self, norm: Normalized, original: str, field: Field, may_be_blocked: bool):
        self.norm = norm
        self.original = original
        self.field = field
        self.may_be_blocked = may_be_blocked  # False: no ship, street, club, battle or river


def _reads_as_adjective(text: str, original: str, start: int, end: int, norm: Normalized) -> bool:
    """A form that is both a town and an adjective ("Курском") reads as the adjective
    after a preposition and before a lowercase word that is not a verb."""
    before = words_before(text, start, 1)
    if not before or before[0] not in _CASE_PREPS:
        return False
    after = words_after(text, end, 1)
    if not after:
        return False
    next_start = text.find(after[0], end)
    first = original[norm.origin[next_start]] if next_start >= 0 else ""
    return first.islower() and not after[0].endswith(_VERB_ENDINGS)


def _leftmost_longest_first(candidate: tuple[int, int, Pattern]) -> tuple[int, int]:
    return candidate[0], candidate[0] - candidate[1]


def _leftmost_longest(
    candidates: list[tuple[int, int, Pattern]],
) -> list[tuple[int, int, Pattern]]:
    if len(candidates) < 2:
        return list(candidates)
    chosen: list[tuple[int, int, Pattern]] = []
    last_end = -1
    for start, end, pattern in sorted(candidates, key=_leftmost_longest_first):
        if start >= last_end:
            chosen.append((start, end, pattern))
            last_end = end
    return chosen


def _is_dateline(text: str, start: int, end: int, surface: str) -> bool:
    if text[:start].strip():
        return False
    gap = gap_after(text, end).lstrip()
    if gap.startswith(_DASHES):
        return True
    return (
        surface.isupper()
        and gap.startswith(",")
        and any(d in text[end : end + 40] for d in _DASHES)
    )


def _quoted(original: str, start: int, end: int) -> bool:
    before = original[start - 1] if start > 0 else ""
    after = original[end] if end < len(original) else ""
    return before in _OPEN_QUOTES and after in _CLOSE_QUOTES


def _blocked_by_neighbours(text: str, start: int, end: int) -> bool:
    before = words_before(text, start, 2)
    if before and (before[0] in _PREV_BLOCK_WORDS or before[0].startswith(_PREV_BLOCK_STEMS)):
        return True
    if before[:2] == ["of", "battle"] or (before[:1] in (["под"], ["за"]) and _battle(before)):
        return True
    after = words_after(text, end, 1)
    return bool(after) and after[0] in _NEXT_BLOCK_WORDS


def _battle(before: list[str]) -> bool:
    return len(before) > 1 and before[1].startswith(_BATTLE_STEMS)


def _capital_counts(text: str, start: int, end: int, p: Pattern) -> bool:
    form = text[start:end]
    before = words_before(text, start, 1)
    prev = before[0] if before else ""
    if form.isascii():
        if prev in _EN_METONYM_PREV:
            return False
        after = words_after(text, end, 1)
        return not (after and after[0] in _EN_SPEECH_VERBS)
    if prev in _WITH_PREPS and form.endswith(("ом", "ою", "ой", "ю")):
        return False
    if prev in _LOC_PREPS:
        return True
    if prev.startswith(_METONYM_STEMS):
        return False
    return not p.nominative
