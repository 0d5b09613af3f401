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

Pure functions over strings; `RegionMatcher` keeps every form (its `keys`). An item's
forms are found by one `ahocorasick_rs` automaton (a third faster than pyahocorasick, a
quarter of its memory): the watch terms' one, which holds these keys first
(`bot.matching.item_matcher`), or, for `RegionMatcher.find` alone, its own.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from bot.matching.mentions import mention
from bot.matching.scanning import NO_HITS, Automaton, Batch, Hit, Hits, Keys, automaton, scan
from bot.matching.text import (
    GAP,
    Normalized,
    gap_after,
    is_whole_word,
    normalize,
    word_after,
    word_before,
    words_after,
    words_before,
)
from bot.models import Field, Mention

Candidate = tuple[int, int, int]  # a whole-word form found: (start, end, key)


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
_JOINERS = frozenset("'-")  # what can join a word to the next (normalized apostrophes, hyphens)


class RegionMatcher:
    """All gazetteer forms in one automaton, and the context rules above.

    Kept small: the forms are kept joined in one string (`keys`), a form is its index there
    (its key), and a form's pattern is a small int (`_number_of`); forms that stand for the
    same thing share one `Pattern`. What the rules need to know of a key is worked out once,
    here: which rule reads it (`_rule_of`) and whether it is a word that can block a name
    (`_blocks`). Finding is two steps: a search, then `mentions` over its hits. The search
    is usually not this matcher's own (`scan`): the watch terms' automaton holds these keys
    first, so one search over an item finds both (`bot.matching.item_matcher`)."""

    def __init__(self, patterns: dict[str, Pattern], adjectives: Iterable[str] = ()) -> None:
        """`adjectives`: every region-adjective form, also those a town's form shadows."""
        numbers: dict[Pattern, int] = {_BLOCKING: 0}
        keys = [form for form in patterns if form]  # an automaton has no empty pattern
        self._number_of = array("i", (numbers.setdefault(patterns[f], len(numbers)) for f in keys))
        self._patterns = list(numbers)
        self._adjectives = frozenset(adjectives) | {
            f for f, p in patterns.items() if p.kind == "adj"
        }
        self._rule_of = bytearray(_rule(f, patterns[f], self._adjectives) for f in keys)
        # the words that can block a name are found in the same pass: a name with none
        # before it (or after it) needs no check of its words before (after); a form that
        # is such a word itself counts as one
        self._blocks = bytearray(_blocking(f) for f in keys)
        for word in sorted(_BLOCKING_VOCABULARY.difference(patterns)):
            keys.append(word)
            self._number_of.append(0)
            self._rule_of.append(0)
            self._blocks.append(_blocking(word))
        # kept for the watch terms' automaton, which finds them too (`ItemMatcher`); this
        # one's own is built when first asked for (`find` on its own: /recent, eval)
        # a name, or a word that blocks one, is only ever a hit as a whole word; a blocking
        # stem is one at the start of any word
        whole = bytes(self._blocks.translate(_NOT_STEM))
        self.keys = Keys(keys if patterns else (), whole if patterns else b"")
        self._automaton: Automaton | None = None

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
        if not self.keys.count:
            return [NO_HITS] * len(batch)
        if self._automaton is None:
            self._automaton = automaton(self.keys, self.keys.count, self.keys.whole)
        return scan(self._automaton, batch)

    def mentions(self, field: Field, original: str, norm: Normalized, hits: Hits) -> list[Mention]:
        """The regions `original` mentions, from `scan`'s hits in its normalized text (or an
        automaton's whose first patterns are `keys`: hits on any later one are not read).

        The checks every reading shares come first, cheapest first (they only rule a
        candidate out, so their order changes nothing); most candidates pass them all and
        need no more: a region's or a town's name that is not a capital's."""
        found, shift = hits
        if not found:
            return []
        text = norm.text
        candidates, blocking_from, blocking_to = self._candidates(text, found, shift)
        if not candidates:
            return []
        # a candidate at or before the first word may be a dateline (`_is_dateline`)
        lead = (1 if text.startswith(" ") else 0) if field == "text" else -1  # one space at most
        origin, rule_of = norm.origin, self._rule_of
        patterns, number_of = self._patterns, self._number_of
        mentions: list[Mention] = []
        for start, end, key in candidates:
            o_start, o_end = origin[start], origin[end - 1] + 1  # norm.span, inlined
            rule = rule_of[key]
            if (
                (rule & _HOMONYM and not original[o_start : o_start + 1].isupper())
                or (start <= lead and _is_dateline(text, start, end, original[o_start:o_end]))
                or (
                    original[o_start - 1 : o_start] in _OPEN_QUOTES
                    and _quoted(original, o_start, o_end)
                )
                or (blocking_from < start and _blocked_by_words_before(text, start))
                or (blocking_to >= end and word_after(text, end) in _NEXT_BLOCK_WORDS)
            ):
                continue
            pattern = patterns[number_of[key]]
            if (
                rule & _READINGS
                # the usual adjective, "Белгородской области", decided here at once
                and not (rule & _ADJECTIVE and _REGION_NOUN_NEXT.match(text, end))
                and not self._reading_counts(rule, pattern, original, norm, start, end)
            ):
                continue
            mentions.append(
                mention(
                    "region",
                    pattern.code,
                    original[o_start:o_end],
                    field,
                    o_start,
                    o_end,
                    pattern.place,
                )
            )
        return mentions

    def _candidates(
        self, text: str, found: list[Hit], shift: int
    ) -> tuple[list[Candidate], int, int]:
        """Whole-word forms among a text's hits (`found`, their offsets `shift` too far) as
        (start, end, key), leftmost longest first; and where the words that can block one
        (`_blocked_by_words_before`, `_NEXT_BLOCK_WORDS`) start in the text: the first and
        the last such start (len(text) + 1 and -1: none). A word next to a candidate can
        block it only when such a word starts before it (a word before) or after it.

        Every hit starts a word, and one of a name or of a blocking word ends one too: the
        automaton finds them only there (`Keys.whole`, `Automaton.find`)."""
        candidates: list[Candidate] = []
        blocking_from, blocking_to = len(text) + 1, -1
        in_order = True  # each candidate starts after the one before ends: nothing to choose
        last_end = 0
        number_of, blocks, limit = self._number_of, self._blocks, self.keys.count
        for key, start, end in found:
            if key >= limit:
                continue  # another reader's key
            start -= shift
            end -= shift
            block = blocks[key]
            if block:
                if start < blocking_from:
                    blocking_from = start
                if start > blocking_to:
                    blocking_to = start
                if not number_of[key] or (block == _STEM and text[end : end + 1].isalnum()):
                    continue  # not a name; or a name that is a blocking stem, inside a word
            # a whole word unless an apostrophe or a hyphen joins on
            if (
                text[end : end + 1] not in _JOINERS and text[start - 1 : start] not in _JOINERS
            ) or is_whole_word(text, start, end, join_hyphens=True):
                if start < last_end:
                    in_order = False
                candidates.append((start, end, key))
                last_end = end
        if not in_order:
            candidates = _leftmost_longest(candidates)
        return candidates, blocking_from, blocking_to

    def _reading_counts(
        self, rule: int, p: Pattern, original: str, norm: Normalized, start: int, end: int
    ) -> bool:
        """Whether text[start:end], past the shared checks, is a mention of `p`: the rules
        that depend on how the form reads (`_rule`)."""
        text = norm.text
        if rule & _ADJECTIVE:
            return self._adjective_counts(text, end)
        if rule & _DISTRICT:
            return word_after(text, end).startswith(_DISTRICT_STEMS)
        if rule & _SHADOWS_ADJECTIVE and _reads_as_adjective(original, norm, start, end):
            # "на Курском вокзале" is the adjective; "под Курском", "у Луганську
            # пролунали вибухи", "в окупованому Луганську" are the town
            return self._adjective_counts(text, end)
        if rule & _CAPITAL:
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


# what `RegionMatcher._reading_counts` must check of a form, beyond the shared checks (bits)
_ADJECTIVE = 1  # a region adjective: before a region noun
_DISTRICT = 2  # a district adjective: before район, округ...
_SHADOWS_ADJECTIVE = 4  # a town's form that is an adjective's too ("Курском")
_CAPITAL = 8  # a capital: not as a government
_READINGS = _ADJECTIVE | _DISTRICT | _SHADOWS_ADJECTIVE | _CAPITAL
_HOMONYM = 16  # a shared check: a common word too, so only capitalized


def _rule(form: str, p: Pattern, adjectives: frozenset[str]) -> int:
    """The rules (bits above) that decide whether `form`, found, is a mention of `p`."""
    homonym = _HOMONYM if p.homonym else 0
    if p.kind == "adj":
        return _ADJECTIVE | homonym
    if p.kind == "district":
        return _DISTRICT | homonym
    shadows = _SHADOWS_ADJECTIVE if p.kind == "town" and form in adjectives else 0
    return shadows | (_CAPITAL if p.capital else 0) | homonym


_STEM = 1  # a blocking stem: blocks a name when a word next to it starts with it
_WORD = 2  # a blocking word: blocks a name when a word next to it is that word
_NOT_STEM = bytes(block != _STEM for block in range(256))  # `bytes.translate`: 1 unless _STEM


def _blocking(form: str) -> int:
    """Whether a key is a word that can block a name (`_blocked_by_words_before`,
    `_NEXT_BLOCK_WORDS`), and how."""
    if form in _PREV_BLOCK_STEMS or form in _BATTLE_STEMS:
        return _STEM
    return _WORD if form in _PREV_BLOCK_WORDS or form in _NEXT_BLOCK_WORDS else 0


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WHOLE = r"(?![^\W_]|['\-])"  # at a word's end, for sure (no apostrophe or hyphen goes on)
# a region noun as the next word: a certain yes for `_adjective_counts`, in one C call
_REGION_NOUN_NEXT = re.compile(
    rf"{GAP}(?:(?:{_alternatives(_REGION_NOUN_WORDS)}){_WHOLE}"
    rf"|(?:{_alternatives(_REGION_NOUN_STEMS)}))",
    re.S,
)
# every word that can block a name (stems: as the start of a word)
_BLOCKING_VOCABULARY = frozenset(
    (*_PREV_BLOCK_WORDS, *_NEXT_BLOCK_WORDS, *_PREV_BLOCK_STEMS, *_BATTLE_STEMS)
)
_BLOCKING = Pattern("", "blocking")  # pattern number 0: a blocking word, not a name


def _reads_as_adjective(original: str, norm: Normalized, start: int, end: int) -> bool:
    """A form that is both a town and an adjective ("Курском") reads as the adjective
    after a preposition and before a lowercase word that is not a verb."""
    text = norm.text
    if word_before(text, start) not in _CASE_PREPS:
        return False
    after = word_after(text, end)
    if not after:
        return False
    next_start = text.find(after, end)
    first = original[norm.origin[next_start]] if next_start >= 0 else ""
    return first.islower() and not after.endswith(_VERB_ENDINGS)


def _leftmost_longest_first(candidate: Candidate) -> tuple[int, int]:
    return candidate[0], candidate[0] - candidate[1]


def _leftmost_longest(candidates: list[Candidate]) -> list[Candidate]:
    chosen: list[Candidate] = []
    last_end = -1
    for candidate in sorted(candidates, key=_leftmost_longest_first):
        if candidate[0] >= last_end:
            chosen.append(candidate)
            last_end = candidate[1]
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


def _blocked_by_words_before(text: str, start: int) -> bool:
    """Whether the words before a name make it something else: a ship, a street, a club
    ("крейсер Москва", "ул. Киевская", "Динамо Киев"), a battle ("Battle of Kursk",
    "битва под Курском"). The word after can too: `_NEXT_BLOCK_WORDS` ("Kursk submarine")."""
    before = word_before(text, start)
    if before in _PREV_BLOCK_WORDS or before.startswith(_PREV_BLOCK_STEMS):
        return True
    if before not in ("of", "под", "за"):  # the usual case: no battle to look for
        return False
    second = words_before(text, start, 2)[1:]
    if before == "of":
        return second == ["battle"]
    return bool(second) and second[0].startswith(_BATTLE_STEMS)


def _capital_counts(text: str, start: int, end: int, p: Pattern) -> bool:
    form = text[start:end]
    prev = word_before(text, start)
    if form.isascii():
        if prev in _EN_METONYM_PREV:
            return False
        return word_after(text, end) not in _EN_SPEECH_VERBS
    if prev in _WITH_PREPS and form.endswith(("ом", "ою", "ой", "ю")):
        return False
    if prev in _LOC_PREPS:
        return True
    if prev.startswith(_METONYM_STEMS):
        return False
    return not p.nominative
