"""One Aho-Corasick automaton over every watched word, phrase and prefix of every chat.

A word or phrase is added by its text ("дрон", "power outage", "ПВО") and stands for all its
surface forms (`bot.matching.forms.term_forms`); it matches whole words only. A prefix is
added by its stem ("дрон") and matches any word that starts with it; its mention spans the
whole word and is reported under the key "дрон*". Words and prefixes share the automaton,
so an item is read once however many chats watch however many atoms. Adding or removing an
atom only marks the automaton for a rebuild before the next search. User input is never
compiled as a regular expression.
"""

from __future__ import annotations

import ahocorasick

from bot.matching.forms import term_forms
from bot.matching.text import is_whole_word, is_word_char, normalize, normalize_phrase
from bot.models import Field, Mention


class AtomIndex:
    """Watched words, phrases and prefixes, found in one pass over an item."""

    def __init__(self) -> None:
        self._terms: dict[str, frozenset[str]] = {}
        self._by_form: dict[str, set[str]] = {}
        self._prefixes: set[str] = set()
        self._automaton = ahocorasick.Automaton()
        self._dirty = False

    def __len__(self) -> int:
        return len(self._terms) + len(self._prefixes)

    def __contains__(self, term: object) -> bool:
        return term in self._terms

    def add(self, term: str) -> None:
        """Watch a word or phrase in all its forms; adding it again changes nothing."""
        if term in self._terms:
            return
        forms = term_forms(term)
        self._terms[term] = forms
        for form in forms:
            owners = self._by_form.setdefault(form, set())
            if not owners:
                self._add_key(form)
            owners.add(term)

    def remove(self, term: str) -> None:
        """Stop watching a word or phrase; unknown terms are ignored."""
        forms = self._terms.pop(term, None)
        if forms is None:
            return
        for form in forms:
            owners = self._by_form.get(form)
            if owners is None:
                continue
            owners.discard(term)
            if not owners:
                del self._by_form[form]
                self._drop_key(form)

    def add_prefix(self, stem: str) -> None:
        """Watch every word starting with `stem`; reported as `stem*`."""
        stem = normalize_phrase(stem)
        if stem and stem not in self._prefixes:
            self._prefixes.add(stem)
            self._add_key(stem)

    def remove_prefix(self, stem: str) -> None:
        stem = normalize_phrase(stem)
        if stem in self._prefixes:
            self._prefixes.discard(stem)
            self._drop_key(stem)

    def _add_key(self, key: str) -> None:
        if not self._automaton.exists(key):
            self._automaton.add_word(key, key)
            self._dirty = True

    def _drop_key(self, key: str) -> None:
        if key not in self._by_form and key not in self._prefixes:
            self._automaton.remove_word(key)
            self._dirty = True

    def find(self, title: str, text: str) -> list[Mention]:
        """Mentions of watched atoms, title first, in text order."""
        if self._dirty:
            if self._by_form or self._prefixes:
                self._automaton.make_automaton()
            self._dirty = False
        if not self._by_form and not self._prefixes:
            return []
        fields: tuple[tuple[Field, str], ...] = (("title", title), ("text", text))
        return [m for field, value in fields for m in self._find_in(field, value)]

    def _find_in(self, field: Field, original: str) -> list[Mention]:
        if not original:
            return []
        norm = normalize(original)
        text = norm.text
        mentions: list[Mention] = []
        for last, key in self._automaton.iter(text):
            start, end = last - len(key) + 1, last + 1
            if key in self._prefixes and not is_word_char(text, start - 1):
                word_end = end
                while is_word_char(text, word_end):
                    word_end += 1
                o_start, o_end = norm.span(start, word_end)
                surface = original[o_start:o_end]
                mentions.append(Mention("term", f"{key}*", surface, field, o_start, o_end))
            owners = self._by_form.get(key)
            if not owners or not is_whole_word(text, start, end):
                continue
            o_start, o_end = norm.span(start, end)
            surface = original[o_start:o_end]
            for term in sorted(owners):
                mentions.append(Mention("term", term, surface, field, o_start, o_end))
        mentions.sort(key=lambda m: (m.start, m.end))
        return mentions
