"""One Aho-Corasick automaton over every watched word, phrase and prefix of every chat.

A word or phrase is added by its text ("дрон", "power outage", "ПВО") and stands for all its
surface forms (`bot.matching.forms.term_forms`); it matches whole words only. The automaton
holds a term's stem (the forms' common start: "дрон"), not each form: a hit on the stem is a
match when the text goes on with one of the term's endings ("", "а", "ов", "ами"...) and the
word ends there. Endings come in a few thousand distinct sets shared by all terms, so a
term costs a stem and a small int, a third of what its forms would. A prefix is
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
from bot.matching.text import common_start, is_word_char, normalize, normalize_phrase
from bot.models import Field, Mention

_NONE = -1  # a slot no word or phrase owns (a prefix only, or free)
_MANY = -2  # a slot several words or phrases own: see `_shared`


class AtomIndex:
    """Watched words, phrases and prefixes, found in one pass over an item.

    Kept compact, since a bot watches hundreds of thousands of forms: the automaton stores a
    small int per key (a slot), and a slot's key length, owner, endings and prefix flag sit
    in flat arrays. A word or phrase is a small int too (`_term_ids`); its forms are not
    kept, they are computed again (deterministically) when it is removed.
    """

    def __init__(self) -> None:
        self._term_ids: dict[str, int] = {}
        self._term_names: list[str] = []
        self._free_terms: list[int] = []
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._lengths = array("I")  # slot -> length of its key
        self._owner = array("i")  # slot -> term id, _NONE or _MANY
        self._endings_of = array("i")  # slot -> its owner's endings (an `_endings` index)
        self._tail_of: list[str] = []  # slot -> what its owner's forms all end with
        # _MANY slot -> term id -> (endings, tail)
        self._shared: dict[int, dict[int, tuple[int, str]]] = {}
        self._endings: list[tuple[str, ...]] = []  # every distinct set of endings, once
        self._endings_index: dict[tuple[str, ...], int] = {}
        self._ending_strings: dict[str, str] = {}
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
        for stem, endings, tail in stems(known):
            slot = self._slot(stem)
            index = self._endings_index.get(endings)
            if index is None:  # a new set of endings: its strings shared with the others'
                index = len(self._endings)
                endings = tuple(self._ending_strings.setdefault(e, e) for e in endings)
                self._endings.append(endings)
                self._endings_index[endings] = index
            owner = self._owner[slot]
            if owner == _NONE:
                self._owner[slot] = term_id
                self._endings_of[slot] = index
                self._tail_of[slot] = tail
            elif owner == _MANY:
                self._shared[slot][term_id] = (index, tail)
            elif owner != term_id:
                first = (self._endings_of[slot], self._tail_of[slot])
                self._shared[slot] = {owner: first, term_id: (index, tail)}
                self._owner[slot] = _MANY
        return known

    def remove(self, term: str) -> None:
        """Stop watching a word or phrase; unknown terms are ignored."""
        term_id = self._term_ids.pop(term, None)
        if term_id is None:
            return
        self._term_names[term_id] = ""
        self._free_terms.append(term_id)
        for stem, _, _ in stems(term_forms(term)):
            slot = self._automaton.get(stem, None)
            if slot is None:
                continue
            owner = self._owner[slot]
            if owner == _MANY:
                owners = self._shared[slot]
                owners.pop(term_id, None)
                if len(owners) == 1:
                    last, (self._endings_of[slot], self._tail_of[slot]) = owners.popitem()
                    self._owner[slot] = last
                    del self._shared[slot]
            elif owner == term_id:
                self._owner[slot] = _NONE
                self._release(stem, slot)

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
            self._endings_of.append(0)
            self._tail_of.append("")
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
        names, endings, endings_of, tails = (
            self._term_names,
            self._endings,
            self._endings_of,
            self._tail_of,
        )
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
            if term_id == _NONE or is_word_char(text, start - 1):
                continue
            if term_id == _MANY:
                shared = self._shared[slot]
                owners = sorted((names[t], endings[i], tl) for t, (i, tl) in shared.items())
            else:
                owners = [(names[term_id], endings[endings_of[slot]], tails[slot])]
            for term, term_endings, tail in owners:
                for ending in term_endings:
                    stop = end + len(ending) + len(tail)
                    if (
                        text.startswith(ending, end)
                        and text.startswith(tail, stop - len(tail))
                        and not is_word_char(text, stop)
                    ):
                        o_start, o_end = norm.span(start, stop)
                        surface = original[o_start:o_end]
                        mentions.append(Mention("term", term, surface, field, o_start, o_end))
        mentions.sort(key=lambda m: (m.start, m.end))
        return mentions


_STEM_GROUP = 3  # forms that differ in their first three characters get stems of their own


def stems(forms: Iterable[str]) -> list[tuple[str, tuple[str, ...], str]]:
    """Forms as a stem, endings and a tail: {"дрон", "дрона", "дронами"} -> ("дрон", ("",
    "а", "ами"), ""); {"отключение света", "отключения света"} -> ("отключени", ("е", "я"),
    " света"). Endings repeat across terms (a few thousand distinct sets); the tail keeps a
    phrase's fixed words out of them.

    Forms are grouped by their first characters, so a form unlike the others ("люди" beside
    "человек") gets its own stem rather than shortening everyone's to nothing."""
    groups: dict[str, list[str]] = {}
    for form in forms:
        if form:
            groups.setdefault(form[:_STEM_GROUP], []).append(form)
    result: list[tuple[str, tuple[str, ...], str]] = []
    for group in groups.values():
        stem = common_start(min(group), max(group))  # the group's
        rests = [f[len(stem) :] for f in group]
        reversed_rests = [r[::-1] for r in rests]
        tail = common_start(min(reversed_rests), max(reversed_rests))[::-1]
        endings = tuple(sorted(r[: len(r) - len(tail)] for r in rests))
        result.append((stem, endings, tail))
    return result
