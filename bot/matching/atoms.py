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

from array import array
from collections.abc import Collection, Iterable

import ahocorasick

from bot.matching.forms import term_forms
from bot.matching.text import is_whole_word, is_word_char, normalize, normalize_phrase
from bot.models import Field, Mention

_NONE = -1  # a slot no word or phrase owns (a prefix only, or free)
_MANY = -2  # a slot several words or phrases own: see `_shared`


class AtomIndex:
    """Watched words, phrases and prefixes, found in one pass over an item.

    Kept compact, since a bot watches hundreds of thousands of forms: the automaton stores a
    small int per key (a slot), and a slot's key length, owner and prefix flag sit in flat
    arrays. A word or phrase is a small int too (`_term_ids`); its forms are not kept, they
    are computed again (deterministically) when it is removed.
    """

    def __init__(self) -> None:
        self._term_ids: dict[str, int] = {}
        self._term_names: list[str] = []
        self._free_terms: list[int] = []
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._lengths = array("I")  # slot -> length of its key
        self._owner = array("i")  # slot -> term id, _NONE or _MANY
        self._shared: dict[int, set[int]] = {}  # slot -> term ids, for _MANY slots
        self._is_prefix = bytearray()  # slot -> 1 when its key is a watched prefix
        self._free_slots: list[int] = []
        self._prefix_count = 0
        self._dirty = False

    def __len__(self) -> int:
        return len(self._term_ids) + self._prefix_count

    def __contains__(self, term: object) -> bool:
        return term in self._term_ids

    def add(self, term: str, forms: Iterable[str] | None = None) -> Collection[str]:
        """Watch a word or phrase in all its forms; adding it again changes nothing.

        `forms`: its forms as `term_forms` gave them before (saved), to skip expanding it.
        Returns the forms added (nothing when the term was already watched)."""
        if term in self._term_ids:
            return ()
        known = term_forms(term) if forms is None else frozenset(forms)
        if self._free_terms:
            term_id = self._free_terms.pop()
            self._term_names[term_id] = term
        else:
            term_id = len(self._term_names)
            self._term_names.append(term)
        self._term_ids[term] = term_id
        for form in known:
            slot = self._slot(form)
            owner = self._owner[slot]
            if owner == _NONE:
                self._owner[slot] = term_id
            elif owner == _MANY:
                self._shared[slot].add(term_id)
            elif owner != term_id:
                self._shared[slot] = {owner, term_id}
                self._owner[slot] = _MANY
        return known

    def remove(self, term: str) -> None:
        """Stop watching a word or phrase; unknown terms are ignored."""
        term_id = self._term_ids.pop(term, None)
        if term_id is None:
            return
        self._term_names[term_id] = ""
        self._free_terms.append(term_id)
        for form in term_forms(term):
            slot = self._automaton.get(form, None)
            if slot is None:
                continue
            owner = self._owner[slot]
            if owner == _MANY:
                owners = self._shared[slot]
                owners.discard(term_id)
                if len(owners) == 1:
                    self._owner[slot] = owners.pop()
                    del self._shared[slot]
            elif owner == term_id:
                self._owner[slot] = _NONE
                self._release(form, slot)

    def add_prefix(self, stem: str) -> None:
        """Watch every word starting with `stem`; reported as `stem*`."""
        stem = normalize_phrase(stem)
        if not stem:
            return
        slot = self._slot(stem)
        if not self._is_prefix[slot]:
            self._is_prefix[slot] = 1
            self._prefix_count += 1

    def remove_prefix(self, stem: str) -> None:
        stem = normalize_phrase(stem)
        slot = self._automaton.get(stem, None) if stem else None
        if slot is not None and self._is_prefix[slot]:
            self._is_prefix[slot] = 0
            self._prefix_count -= 1
            self._release(stem, slot)

    def _slot(self, key: str) -> int:
        """The slot of `key`, added to the automaton when new."""
        slot: int | None = self._automaton.get(key, None)
        if slot is not None:
            return slot
        if self._free_slots:
            slot = self._free_slots.pop()
            self._lengths[slot] = len(key)
        else:
            slot = len(self._lengths)
            self._lengths.append(len(key))
            self._owner.append(_NONE)
            self._is_prefix.append(0)
        self._automaton.add_word(key, slot)
        self._dirty = True
        return slot

    def _release(self, key: str, slot: int) -> None:
        """Drop `key` from the automaton once neither a term nor a prefix needs it."""
        if self._owner[slot] == _NONE and not self._is_prefix[slot]:
            self._automaton.remove_word(key)
            self._free_slots.append(slot)
            self._dirty = True

    def find(self, title: str, text: str) -> list[Mention]:
        """Mentions of watched atoms, title first, in text order."""
        if self._dirty:
            if len(self._automaton):
                self._automaton.make_automaton()
            self._dirty = False
        if not len(self._automaton):
            return []
        fields: tuple[tuple[Field, str], ...] = (("title", title), ("text", text))
        return [m for field, value in fields for m in self._find_in(field, value)]

    def _find_in(self, field: Field, original: str) -> list[Mention]:
        if not original:
            return []
        norm = normalize(original)
        text = norm.text
        lengths, owner, is_prefix = self._lengths, self._owner, self._is_prefix
        names = self._term_names
        mentions: list[Mention] = []
        for last, slot in self._automaton.iter(text):
            end = last + 1
            start = end - lengths[slot]
            if is_prefix[slot] and not is_word_char(text, start - 1):
                word_end = end
                while is_word_char(text, word_end):
                    word_end += 1
                o_start, o_end = norm.span(start, word_end)
                surface = original[o_start:o_end]
                key = f"{text[start:end]}*"
                mentions.append(Mention("term", key, surface, field, o_start, o_end))
            term_id = owner[slot]
            if term_id == _NONE or not is_whole_word(text, start, end):
                continue
            if term_id == _MANY:
                terms = sorted(names[t] for t in self._shared[slot])
            else:
                terms = [names[term_id]]
            o_start, o_end = norm.span(start, end)
            surface = original[o_start:o_end]
            for term in terms:
                mentions.append(Mention("term", term, surface, field, o_start, o_end))
        mentions.sort(key=lambda m: (m.start, m.end))
        return mentions
