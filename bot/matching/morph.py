"""Russian and Ukrainian word forms via pymorphy3: place-name cases and a word's lexeme.

Each analyzer is built on first use (about 0.05 s) and kept until `release_analyzers`: the
two hold about 45 MB, which a bot that has expanded its watch terms need not keep. Outputs
are normalized (lowercase, ё→е). Used by the gazetteer build script and by the watch-term
expansion in `keywords`; region detection at run time does not need it.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from bot.matching.text import normalize_phrase

_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъ")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_NON_PLACE = frozenset({"Name", "Surn", "Patr", "anim"})
_FIXED_WORDS = frozenset({"на", "над", "при", "у", "в", "де", "on", "upon"})


_analyzers: dict[str, Any] = {}  # lang -> its pymorphy3 analyzer, while kept
_last_use = [0.0]  # time.monotonic() of the last `analyzer` call


def analyzer(lang: str) -> Any:
    """The pymorphy3 analyzer for "ru" or "uk", built on first use after a release."""
    _last_use[0] = time.monotonic()
    built = _analyzers.get(lang)
    if built is None:
        import pymorphy3

        built = _analyzers[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return built


def kept_analyzers() -> list[str]:
    """The languages whose analyzers are built and kept."""
    return sorted(_analyzers)


def release_analyzers(idle_seconds: float = 0.0) -> bool:
    """Let go of the analyzers unless one was used in the last `idle_seconds`; True when some
    were let go. Their memory is freed by the next full `gc.collect()` (they hold cycles);
    a later `analyzer` call builds them again."""
    if not _analyzers or time.monotonic() - _last_use[0] < idle_seconds:
        return False
    _analyzers.clear()
    return True


def guess_lang(word: str) -> str:
    """ "uk" when the word has letters only Ukrainian uses, else "ru"."""
    letters = set(word.lower())
    if letters & _UK_LETTERS:
        return "uk"
    if letters & _RU_LETTERS:
        return "ru"
    return "ru"


def is_cyrillic_word(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _grammemes(parse: Any) -> set[str]:
    return set(str(parse.tag).replace(" ", ",").split(","))


def _place_parses(word: str, lang: str) -> list[Any]:
    parses = analyzer(lang).parse(word)
    geox = [p for p in parses if "Geox" in _grammemes(p) and "nomn" in _grammemes(p)]
    if geox:
        return geox
    return [
        p
        for p in parses
        if p.tag.POS == "NOUN"
        and "nomn" in _grammemes(p)
        and not (_grammemes(p) & _NON_PLACE)
        and normalize_phrase(p.word) == normalize_phrase(word)
    ]


def _suffix_forms(word: str, lang: str) -> set[str]:
    """Case endings by rule, for names the dictionary does not know as nouns."""
    forms = {word}
    if word.endswith(("ки", "ги", "ы", "и")) and len(word) > 3:
        stem = word[:-1]
        forms |= {stem + end for end in ("ам", "ами", "ах")}
        if word.endswith("ки"):
            forms |= {word[:-2] + "ок", word[:-2] + "ек"}
        return forms
    if lang == "uk" and re.search(r"[іï]в$", word):
        stem = word[:-2] + ("є" if word[-2] == "ї" else "о")
        forms |= {stem + "в" + end for end in ("а", "у", "ові", "ом", "і")}
    elif word.endswith(("а", "я")):
        stem = word[:-1]
        soft = word.endswith("я")
        ends: tuple[str, ...]
        if lang == "uk":
            ends = ("і", "ю", "ею") if soft else ("и", "і", "у", "ою")
        else:
            ends = ("и", "е", "ю", "ей") if soft else ("ы", "и", "е", "у", "ой")
        forms |= {stem + end for end in ends}
    elif word.endswith("ь"):
        stem = word[:-1]
        forms |= {stem + end for end in ("я", "ю", "ем", "е", "і")}
    elif word[-1:].isalpha() and word[-1] not in "оеиіуюы":
        endings = ("а", "у", "ові", "ом", "і") if lang == "uk" else ("а", "у", "ом", "е")
        forms |= {word + end for end in endings}
    return forms


def place_word_forms(word: str, lang: str) -> set[str]:
    """Case forms of a one-word place name, keeping its number (Суми stays plural)."""
    word = normalize_phrase(word)
    parses = _place_parses(word, lang)
    if not parses or all("Fixd" in _grammemes(p) for p in parses):
        return _suffix_forms(word, lang)
    forms: set[str] = set()
    for parse in parses:
        number = parse.tag.number
        for form in parse.lexeme:
            if form.tag.number == number and "voct" not in _grammemes(form):
                forms.add(normalize_phrase(form.word))
    return forms


def _inflect_token(token: str, lang: str, case: str) -> str:
    parses = analyzer(lang).parse(token)
    for parse in parses:
        grammemes = _grammemes(parse)
        if "nomn" not in grammemes or parse.tag.POS not in {"NOUN", "ADJF", "NUMR"}:
            continue
        if parse.tag.POS == "NOUN" and grammemes & {"Name", "Surn", "Patr"}:
            continue
        try:
            inflected = parse.inflect({case})
        except ValueError:
            inflected = None
        if inflected is not None:
            return normalize_phrase(inflected.word)
    return token


def place_forms(name: str, lang: str) -> set[str]:
    """All case forms of a place name: "Новый Оскол" → "Новом Осколе", "Ростов-на-Дону" →
    "Ростове-на-Дону", "Новгород-Сіверський" → "Новгорода-Сіверського" and the district
    style "Новгород-Сіверського" (first part left as is)."""
    name = normalize_phrase(name)
    if not is_cyrillic_word(name):
        return {name}
    parts = re.split(r"([ -])", name)
    words = parts[0::2]
    if len(words) == 1:
        return place_word_forms(name, lang)
    fixed_from = next((i for i, w in enumerate(words) if w in _FIXED_WORDS), len(words))
    forms = {name}
    if parts[1::2] == ["-"] and fixed_from == len(words):
        # "Білгороді-Дністровському": each part takes its own case variant
        first, last = words
        lasts = adjective_forms(last, lang) if _is_adjective(last) else place_word_forms(last, lang)
        forms |= {f"{a}-{b}" for a in place_word_forms(first, lang) for b in lasts}
    for case in CASES:
        inflected = [
            _inflect_token(w, lang, case) if i < fixed_from else w for i, w in enumerate(words)
        ]
        forms.add(_join(inflected, parts))
        if "-" in parts and fixed_from == len(words):
            forms.add(_join([*words[:-1], inflected[-1]], parts))
    return forms


def _is_adjective(word: str) -> bool:
    return word.endswith(("ий", "ій", "ый", "ой", "ая", "ська", "цька", "ское", "ське"))


def _join(words: list[str], parts: list[str]) -> str:
    seps = parts[1::2]
    return "".join(w + s for w, s in itertools.zip_longest(words, seps, fillvalue=""))


_RU_ADJ_ENDS = ("ая", "ой", "ую", "ий", "ый", "ого", "ому", "им", "ым", "ом", "ое", "ие", "ые")
_RU_ADJ_ENDS_PL = ("их", "ых", "ими", "ыми")
_UK_ADJ_ENDS = ("а", "ої", "ій", "у", "ою", "ий", "ого", "ому", "им", "ім", "е", "і", "их", "ими")


def adjective_forms(adjective: str, lang: str) -> set[str]:
    """All gender/case forms of a region adjective ("Белгородская", "Харківська")."""
    adj = normalize_phrase(adjective)
    if lang == "uk":
        for end in ("ий", "а", "е", "ій"):
            if adj.endswith(end):
                stem = adj[: -len(end)]
                return {stem + e for e in _UK_ADJ_ENDS} | {adj}
        return {adj}
    for end in ("ая", "ий", "ый", "ой", "ое"):
        if adj.endswith(end):
            stem = adj[: -len(end)]
            return {stem + e for e in _RU_ADJ_ENDS + _RU_ADJ_ENDS_PL} | {adj}
    return {adj}
