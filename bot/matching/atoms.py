"""One Aho-Corasick automaton over every watched word, phrase and prefix of every chat.

A word or phrase is added by its text ("дрон", "power outage", "ПВО") and stands for all its
surface forms (`bot.matching.forms.term_forms`); it matches whole words only. The automaton
holds a term's stem (the forms' common start: "дрон"), not each form: a hit on the stem is a
match when the text goes on with one of the term's endings ("", "а", "ов", "ами"...) and the
word ends there. Endings come in a few thousand distinct sets shared by all terms, so a
term costs a stem and a small int, a third of what its forms would. A prefix is
added by its stem ("дрон") and matches any word that starts with it; its mention spans the
whole word and is reported under the key "дрон*". Words and prefixes share the automaton,
so an item is read once however many chats watch however many atoms; another reader's keys
(the gazetteer's forms) can come first in the same automaton (`find_alongside`), so that one
search serves both. User input is never compiled as a regular expression.

The automata are `ahocorasick_rs` ones (a third faster than pyahocorasick, a third of its
memory; a poll's items are searched a chunk at a time: `bot.matching.item_matcher`), and
these cannot change once built. So the keys live in two: a "base" automaton over most of
them and a small "delta" one over those added since the base was built. Adding a key
rebuilds only the delta (before the next search: milliseconds); removing one only frees its
slot (hits on it are ignored); once the delta or the freed keys pass `REBUILD_AFTER`, the
base is built again over every key (0.2 s at 100,000 keys; the whole pyahocorasick
automaton used to be rebuilt at every change).
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Iterator
from itertools import chain

from bot.matching.forms import term_forms
from bot.matching.mentions import mention
from bot.matching.scanning import (
    NO_HITS,
    SEPARATOR,
    Automaton,
    Batch,
    Hits,
    Keys,
    automaton,
    scan,
)
from bot.matching.text import (
    Normalized,
    common_start,
    is_word_char,
    normalize,
    normalize_phrase,
    word_end,
)
from bot.models import Field, Mention

_NONE = -1  # a slot no word or phrase owns (a prefix only, or free)
_MANY = -2  # a slot several words or phrases own: see `_shared`
REBUILD_AFTER = 2_000  # keys added (or freed) since the base automaton was built

AtomHits = tuple[Hits, Hits]  # hits of the base automaton and of the delta one in a text


class AtomIndex:
    """Watched words, phrases and prefixes, found in one pass over an item.

    Kept compact, since a bot watches hundreds of thousands of forms: a key (a stem or a
    prefix) is a small int, its slot, and a slot's owner, endings and prefix flag sit in flat
    arrays. The base automaton keeps no strings: its keys are kept joined in one string
    (`_base_keys`), to build it again. A word or phrase is a small int too (`_term_ids`); its
    forms are not kept, they are computed again (deterministically) when it is removed.
    """

    def __init__(self) -> None:
        self._term_ids: dict[str, int] = {}
        self._term_names: list[str] = []
        self._free_terms: list[int] = []
        self._base: Automaton | None = None
        self._base_slot = array("i")  # base pattern - _base_first -> slot
        self._base_first = 0  # the base's first atom pattern (before it: alongside keys)
        self._base_keys = ""  # the base's patterns, each followed by SEPARATOR
        self._base_starts = array("I", [0])  # base pattern -> where it starts in _base_keys
        self._in_base = bytearray()  # slot -> 1 while its key is a live base pattern
        self._freed_in_base = 0  # base patterns whose slot has been freed since
        self._delta: dict[str, int] = {}  # key -> slot, for keys the base does not have
        self._delta_automaton: Automaton | None = None
        self._delta_slot = array("i")  # delta pattern -> slot
        self._owner = array("i")  # slot -> term id, _NONE or _MANY
        self._endings_of = array("i")  # slot -> its owner's endings (an `_endings` index)
        self._tail_of: list[str] = []  # slot -> what its owner's forms all end with
        # _MANY slot -> term id -> (endings, tail)
        self._shared: dict[int, dict[int, tuple[int, str]]] = {}
        self._endings: list[Endings] = []  # every distinct set of endings, once
        self._endings_index: dict[tuple[str, ...], int] = {}
        self._ending_strings: dict[str, str] = {}
        self._is_prefix = bytearray()  # slot -> 1 when its key is a watched prefix
        self._free_slots: list[int] = []
        self._prefix_count = 0
        self._dirty = False  # the delta automaton is not over `_delta`'s keys
        self._alongside: Keys | None = None  # another reader's keys, first in the base
        self._stale = False  # the base automaton is not over `_alongside` as it should be

    def find_alongside(self, keys: Keys) -> None:
        """Put `keys` (another reader's: the gazetteer's forms) first in the base automaton
        (patterns below `keys.count`), so that one search over a text finds theirs and the
        atoms' (`scan`); `mentions` skips their hits. Takes effect at the next `prepare`."""
        if keys is not self._alongside:
            self._alongside = keys
            self._stale = True

    @property
    def first_own(self) -> int:
        """The base automaton's first pattern that is an atom's (those before: `alongside`'s
        keys, as the base was last built)."""
        return self._base_first

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
                self._endings.append(Endings(endings))
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
            slot = self._slot_of(stem)
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
        slot = self._slot_of(stem) if stem else None
        if slot is not None and self._is_prefix[slot]:
            self._is_prefix[slot] = 0
            self._prefix_count -= 1
            self._release(stem, slot)

    def _slot_of(self, key: str) -> int | None:
        """The slot of `key`; None when it is not a key."""
        slot = self._delta.get(key)
        if slot is not None or self._base is None:
            return slot
        size, first = len(key), self._base_first
        for pattern, start, end in self._base.find(Batch([key])):
            # the automaton as an exact lookup: no dict of keys
            if start == 0 and end == size and pattern >= first:
                slot = self._base_slot[pattern - first]
                if self._in_base[slot]:
                    return slot
        return None

    def _slot(self, key: str) -> int:
        """The slot of `key`, added to the delta when new."""
        slot = self._slot_of(key)
        if slot is not None:
            return slot
        slot = self._free_slots.pop() if self._free_slots else self._new_slot()
        self._delta[key] = slot
        self._dirty = True
        return slot

    def _new_slot(self) -> int:
        slot = len(self._owner)
        self._owner.append(_NONE)
        self._endings_of.append(0)
        self._tail_of.append("")
        self._is_prefix.append(0)
        self._in_base.append(0)
        return slot

    def _release(self, key: str, slot: int) -> None:
        """Free `key`'s slot once neither a term nor a prefix needs it."""
        if self._owner[slot] == _NONE and not self._is_prefix[slot]:
            if self._in_base[slot]:
                self._in_base[slot] = 0
                self._freed_in_base += 1
            else:
                del self._delta[key]
                self._dirty = True
            self._free_slots.append(slot)

    def prepare(self) -> None:
        """Make the automata cover every key (before a search; `find` calls it)."""
        if self._stale or len(self._delta) + self._freed_in_base > REBUILD_AFTER:
            self._rebuild_base()
        elif self._dirty:
            keys = [key for key in self._delta if key]  # an automaton has no empty key
            self._delta_slot = array("i", (self._delta[key] for key in keys))
            self._delta_automaton = _automaton(keys)
        self._dirty = False

    def preload(self, keys: Iterable[str]) -> None:
        """Build the base automaton over `keys` (the stems of terms about to be added) while
        the index is still empty: at start-up, its build's scratch memory (12-15 MB at
        100,000 keys) is then taken before the index's own objects exist, not on top of them.
        The terms added next find their keys in the base; `settle` frees those none took.
        An index that has had keys is left as it is."""
        if self._owner or self._base is not None:
            return
        parts = [key + SEPARATOR for key in sorted({key for key in keys if key})]
        for _ in parts:
            self._in_base[self._new_slot()] = 1
        self._set_base(parts, array("i", range(len(parts))))

    def settle(self) -> None:
        """Free the slots of preloaded keys that no term or prefix took."""
        for slot in range(len(self._owner)):
            if self._in_base[slot] and self._owner[slot] == _NONE and not self._is_prefix[slot]:
                self._in_base[slot] = 0
                self._freed_in_base += 1
                self._free_slots.append(slot)

    def _rebuild_base(self) -> None:
        """One base automaton over every key, and an empty delta.

        The keys are first joined into one string and the delta let go: while the automaton
        is built (and its scratch memory taken: about 15 MB at 100,000 keys) the keys take
        2 MB, not the 8 MB of their strings and the delta's dict."""
        keys, starts, in_base = self._base_keys, self._base_starts, self._in_base
        parts: list[str] = []
        slots = array("i")
        for pattern, slot in enumerate(self._base_slot):
            if in_base[slot]:
                parts.append(keys[starts[pattern] : starts[pattern + 1]])  # with its separator
                slots.append(slot)
        for key, slot in self._delta.items():
            if key:  # an automaton has no empty key
                parts.append(key + SEPARATOR)
                slots.append(slot)
                in_base[slot] = 1
        self._base = None
        self._delta = {}
        self._delta_automaton = None
        self._delta_slot = array("i")
        self._freed_in_base = 0
        self._set_base(parts, slots)

    def _set_base(self, parts: list[str], slots: array[int]) -> None:
        """The base automaton over `parts` (keys, each followed by SEPARATOR), pattern k
        being slot `slots[k]`. `parts` is emptied once joined, before the build."""
        self._base_slot = slots
        self._base_starts = starts = array("I", [0])
        for part in parts:
            starts.append(starts[-1] + len(part))
        self._base_keys = keys = "".join(parts)
        parts.clear()
        alongside = self._alongside
        self._base_first = alongside.count if alongside is not None else 0
        self._base = _automaton_of(keys, starts, alongside)
        self._stale = False

    def find(self, title: str, text: str) -> list[Mention]:
        """Mentions of watched atoms, title first, in text order."""
        self.prepare()
        fields: tuple[tuple[Field, str], ...] = (("title", title), ("text", text))
        found: list[Mention] = []
        for field, value in fields:
            if value:
                norm = normalize(value)
                found += self.mentions(field, value, norm, self.scan(Batch([norm.text]))[0])
        return found

    def scan(self, batch: Batch) -> list[AtomHits]:
        """The automata's hits in each normalized text, for `mentions`; after `prepare`,
        before any change. Safe in any thread; the GIL is released while searching."""
        base, delta = self._base, self._delta_automaton
        in_base = scan(base, batch) if base is not None else [NO_HITS] * len(batch)
        if delta is None:
            return [(hits, NO_HITS) for hits in in_base]
        return list(zip(in_base, scan(delta, batch), strict=True))

    def mentions(
        self, field: Field, original: str, norm: Normalized, found: AtomHits
    ) -> list[Mention]:
        """The atoms `original` mentions, from `scan`'s hits in its normalized text."""
        (base_hits, base_shift), (delta_hits, delta_shift) = found
        if not (base_hits or delta_hits):
            return []
        base_slot, delta_slot, in_base = self._base_slot, self._delta_slot, self._in_base
        first = self._base_first
        hits = [
            (end - base_shift, start - base_shift, slot)
            for pattern, start, end in base_hits
            if pattern >= first and in_base[slot := base_slot[pattern - first]]
        ]
        if delta_hits:  # in the order pyahocorasick gave, which ties among mentions keep
            hits += [
                (end - delta_shift, start - delta_shift, delta_slot[pattern])
                for pattern, start, end in delta_hits
            ]
            hits.sort()  # (by end, longest first; the base's are in that order already)
        text, origin = norm.text, norm.origin
        owner, is_prefix = self._owner, self._is_prefix
        names, endings, endings_of, tails = (
            self._term_names,
            self._endings,
            self._endings_of,
            self._tail_of,
        )
        mentions: list[Mention] = []
        for end, start, slot in hits:
            # found where a word starts (`Automaton.find`): but an apostrophe between
            # letters is inside a word (`is_word_char`)
            if start and text[start - 1] == "'" and is_word_char(text, start - 1):
                continue
            stop = -1  # where the word that goes on from `end` ends, once needed
            if is_prefix[slot]:
                stop = word_end(text, end)
                o_start, o_end = origin[start], origin[stop - 1] + 1  # norm.span
                surface = original[o_start:o_end]
                key = f"{text[start:end]}*"
                mentions.append(mention("term", key, surface, field, o_start, o_end))
            term_id = owner[slot]
            if term_id == _NONE:
                continue
            if term_id == _MANY:
                shared = self._shared[slot]
                owners = sorted(
                    ((names[t], endings[i], tl) for t, (i, tl) in shared.items()), key=_first
                )
            else:
                owners = [(names[term_id], endings[endings_of[slot]], tails[slot])]
            for term, term_endings, tail in owners:
                if not tail and term_endings.words:  # the usual case: one look-up
                    if stop < 0:
                        stop = word_end(text, end)
                    if text[end:stop] in term_endings.words:
                        o_start, o_end = origin[start], origin[stop - 1] + 1  # norm.span
                        surface = original[o_start:o_end]
                        mentions.append(mention("term", term, surface, field, o_start, o_end))
                    others = term_endings.others
                else:
                    others = term_endings.all
                for ending in others:
                    after = end + len(ending) + len(tail)
                    if (
                        text.startswith(ending, end)
                        and text.startswith(tail, after - len(tail))
                        and not is_word_char(text, after)
                    ):
                        o_start, o_end = origin[start], origin[after - 1] + 1  # norm.span
                        surface = original[o_start:o_end]
                        mentions.append(mention("term", term, surface, field, o_start, o_end))
        if len(mentions) > 1:
            mentions.sort(key=_span)
        return mentions


class Endings:
    """A set of endings a stem goes on with, as the matcher reads them.

    A stem's hit matches with an ending made of letters alone ("", "а", "ами") only when
    the word goes on with exactly that ending and then stops, so those are one look-up of
    the rest of the word in `words`; any other ending (one with an apostrophe, a hyphen or a
    space, from a phrase) is tried in turn, as are all of them before a tail."""

    __slots__ = ("all", "others", "words")

    def __init__(self, endings: tuple[str, ...]) -> None:
        self.all = endings  # sorted
        self.words = frozenset(e for e in endings if e.isalnum() or not e)
        self.others = tuple(e for e in endings if e not in self.words)


def _first(owner: tuple[str, Endings, str]) -> str:
    return owner[0]


def _span(mention: Mention) -> tuple[int, int]:
    return mention.start, mention.end


def _automaton(keys: list[str]) -> Automaton | None:
    return automaton(keys, len(keys)) if keys else None


def _automaton_of(joined: str, starts: array[int], alongside: Keys | None) -> Automaton | None:
    """The automaton over `alongside`'s keys, then the keys in `joined`, each followed by
    SEPARATOR, `starts` apart: each key a string only while the automaton takes it in."""
    count = len(starts) - 1
    first = alongside.count if alongside is not None else 0
    if not count + first:
        return None
    whole = alongside.whole if alongside is not None else b""
    return automaton(chain(alongside or (), _keys_in(joined, starts)), first + count, whole)


def _keys_in(joined: str, starts: array[int]) -> Iterator[str]:
    """Each key in `joined`, one at a time (a generator function: mypyc makes a generator
    expression a list)."""
    for k in range(len(starts) - 1):
        yield joined[starts[k] : starts[k + 1] - 1]


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
