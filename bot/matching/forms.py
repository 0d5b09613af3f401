"""Watch terms' surface forms: every form that counts as the same word or phrase.

`term_forms` expands a term into the normalized forms that count as the same word:
- Russian/Ukrainian words: the forms of the same lemma and part of speech, from pymorphy3
  ("дрон" → дрона, дронов, дронами...; "обстрел" never gives the verb "обстрелять", and
  "взрыв" never gives "взрывчатка"). In a phrase the head noun inflects, adjectives before
  it agree with it, and words after it stay as typed ("отключения света").
- English: plural of the last word (drone → drones, power outage → power outages) and
  British/US spellings (defense/defence). "evacuated" is not "evacuation".
- Acronyms in capitals ("ПВО", "ППО") are matched as they are, in any letter case.

Pure (pymorphy3's dictionaries are read once, on first use). The index of these forms is
`bot.matching.atoms`.
"""

from __future__ import annotations

import functools
from typing import Any

from bot.matching.morph import analyzer, guess_lang, is_cyrillic_word
from bot.matching.text import normalize_phrase

_SPELLINGS = (("ence", "ense"), ("our", "or"), ("ise", "ize"), ("yse", "yze"), ("tre", "ter"))
_ES_ENDINGS = ("s", "x", "z", "ch", "sh")
_HEAD_POS = frozenset({"NOUN"})
_AGREEING_POS = frozenset({"ADJF", "PRTF", "NUMR"})


@functools.lru_cache(maxsize=4_096)
def term_forms(term: str) -> frozenset[str]:
    """Normalized surface forms of a watch term; empty for a blank term."""
    words = normalize_phrase(term).split()
    if not words:
        return frozenset()
    raw_words = term.split()
    if len(raw_words) == len(words) and all(_is_acronym(w) for w in raw_words):
        return frozenset({" ".join(words)})
    if any(is_cyrillic_word(w) for w in words):
        return frozenset(_cyrillic_phrase_forms(words, raw_words))
    return frozenset(_english_phrase_forms(words))


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _english_phrase_forms(words: list[str]) -> set[str]:
    variants = [_spelling_variants(w) for w in words]
    phrases: set[str] = {""}
    for i, options in enumerate(variants):
        last = i == len(variants) - 1
        expanded = {p for w in options for p in (_english_plurals(w) if last else {w})}
        phrases = {f"{p} {w}".strip() for p in phrases for w in expanded}
    return phrases


def _spelling_variants(word: str) -> set[str]:
    variants = {word}
    for british, american in _SPELLINGS:
        for a, b in ((british, american), (american, british)):
            if word.endswith(a) and len(word) > len(a) + 2:
                variants.add(word[: -len(a)] + b)
    return variants


def _english_plurals(word: str) -> set[str]:
    if not word.isalpha():
        return {word}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return {word, word[:-1] + "ies"}
    if word.endswith(_ES_ENDINGS):
        return {word, word + "es"}
    return {word, word + "s"}


def _analyzers_for(word: str) -> list[Any]:
    known = [analyzer(lang) for lang in ("ru", "uk") if analyzer(lang).word_is_known(word)]
    return known or [analyzer(guess_lang(word))]


def _pick_parse(word: str, morph: Any) -> Any:
    parses = morph.parse(word)
    same = [p for p in parses if normalize_phrase(p.normal_form) == word]
    for candidates in (same, parses):
        nouns = [p for p in candidates if p.tag.POS in _HEAD_POS]
        if nouns:
            return nouns[0]
    return (same or parses)[0]


def _lexeme_forms(parse: Any) -> set[str]:
    pos = parse.tag.POS
    family = {"INFN", "VERB"} if pos in {"INFN", "VERB"} else {pos}
    return {normalize_phrase(f.word) for f in parse.lexeme if f.tag.POS in family}


def _cyrillic_phrase_forms(words: list[str], raw_words: list[str]) -> set[str]:
    forms: set[str] = set()
    for morph in _analyzers_for(next(w for w in words if is_cyrillic_word(w))):
        parses = [_pick_parse(w, morph) for w in words]
        head = next((i for i, p in enumerate(parses) if p.tag.POS in _HEAD_POS), None)
        if len(words) == 1 or head is None:
            if len(words) == 1:
                forms |= _lexeme_forms(parses[0]) | {words[0]}
            else:
                forms.add(" ".join(words))
            continue
        forms |= _agreeing_phrases(words, raw_words, parses, head)
    return forms


def _agreeing_phrases(words: list[str], raw: list[str], parses: list[Any], head: int) -> set[str]:
    phrases = {" ".join(words)}
    for head_form in parses[head].lexeme:
        if head_form.tag.POS not in _HEAD_POS:
            continue
        grammemes = {g for g in (head_form.tag.case, head_form.tag.number) if g}
        out: list[str] = []
        for i, (word, parse) in enumerate(zip(words, parses, strict=True)):
            if i == head:
                out.append(normalize_phrase(head_form.word))
            elif i < head and parse.tag.POS in _AGREEING_POS and not _is_acronym(raw[i]):
                agreed = _inflect(parse, grammemes)
                out.append(agreed or word)
            else:
                out.append(word)
        phrases.add(" ".join(out))
    return phrases


def _inflect(parse: Any, grammemes: set[str]) -> str | None:
    try:
        inflected = parse.inflect(grammemes)
    except ValueError:
        return None
    return normalize_phrase(inflected.word) if inflected is not None else None
