"""Everything an item can match: regions from the gazetteer and every chat's watch terms.

One `ItemMatcher` serves all chats. Which chats care about a mention is the store's business.

    normalize titles and texts (a chunk's at once: `normalize_batch`) | one search (the
        watch terms' automaton, which holds the gazetteer's forms first:
        `KeywordIndex.find_alongside`) | region rules on the hits on its forms, atom
        endings and queries on the rest

`find_many` (a poll's new items) takes `CHUNK` items at a time through all three steps, on
this thread. The automaton is megabytes, and each search pushes the rules' data out of the
core's caches (and the rules push out the automaton): one automaton instead of two, and a
small chunk's search, push out less. Searching the next chunk in a worker thread gained
nothing (bench_match, alternating runs): its hits reached the rules from the other core's
cache, and each hand-back waited for the GIL. With both changes: 33,000-38,000 items/s
against 27,000-30,000 at 100k watch queries.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.matching.atoms import AtomHits
from bot.matching.folding import normalize_batch
from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex
from bot.matching.regions import RegionMatcher
from bot.matching.scanning import Batch
from bot.matching.text import Normalized
from bot.models import Field, Item, Mention

CHUNK = 64  # items per search (bench_match, since searches start only at words: 16 items
# 37,000 items/s, 64 items 40,000, 128 items 38,000-40,000)

# (item number in its chunk, field, the field's text, normalized) for each non-empty field
Fields = list[tuple[int, Field, str, Normalized]]


class ItemMatcher:
    def __init__(self, gazetteer: Gazetteer, watch_terms: KeywordIndex) -> None:
        self.gazetteer = gazetteer
        self.watch_terms = watch_terms

    @property
    def watch_terms(self) -> KeywordIndex:
        return self._watch_terms

    @watch_terms.setter
    def watch_terms(self, index: KeywordIndex) -> None:
        """Match against `index` from now on; it finds the gazetteer's forms too (an index
        made with them, as `bot.watch_loading` makes it, is not rebuilt)."""
        index.find_alongside(self.gazetteer.matcher.keys)
        self._watch_terms = index

    def find(self, item: Item) -> list[Mention]:
        """The item's regions (title's, then text's), then the watch queries it matches."""
        return self.find_many([item])[0]

    def found_in(self, items: Sequence[Item]) -> Matched:
        """The items' mentions, found at once by `find_many`, for code that asks `find`."""
        return Matched(self, items, self.find_many(items))

    def find_many(self, items: Sequence[Item]) -> list[list[Mention]]:
        """`find` of each item, read `CHUNK` items at a time (see the module's docstring).

        Call it where the watch terms do not change meanwhile (the event loop's thread)."""
        regions, terms = self.gazetteer.matcher, self.watch_terms
        terms.prepare()
        result: list[list[Mention]] = []
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            fields, batch = _fields(chunk)
            result += _mentions(regions, terms, chunk, fields, terms.scan(batch))
        return result


class Matched:
    """Mentions found beforehand for some items; `find` hands them out like an `ItemMatcher`
    (and asks the matcher about any other item)."""

    def __init__(
        self, matcher: ItemMatcher, items: Sequence[Item], found: list[list[Mention]]
    ) -> None:
        self._matcher = matcher
        self._items = items  # kept, so that no other item takes one's id meanwhile
        self._found = {id(item): mentions for item, mentions in zip(items, found, strict=True)}

    def find(self, item: Item) -> list[Mention]:
        found = self._found.get(id(item))
        return list(found) if found is not None else self._matcher.find(item)


def _fields(items: Sequence[Item]) -> tuple[Fields, Batch]:
    """The items' non-empty fields, normalized, and the batch the search reads them in."""
    named: list[tuple[int, Field, str]] = []
    for n, item in enumerate(items):
        if item.title:
            named.append((n, "title", item.title))
        if item.text:
            named.append((n, "text", item.text))
    norms, batch = normalize_batch([value for _, _, value in named])
    return [(n, f, value, norm) for (n, f, value), norm in zip(named, norms, strict=True)], batch


def _mentions(
    regions: RegionMatcher,
    terms: KeywordIndex,
    items: Sequence[Item],
    fields: Fields,
    found: list[AtomHits],
) -> list[list[Mention]]:
    """Each item's mentions, from its fields' hits: its regions, title's then text's, then
    the queries its atoms make true."""
    result: list[list[Mention]] = [[] for _ in items]
    atoms: dict[int, list[Mention]] = {}  # item number -> its atom mentions, if any
    region_mentions, atom_mentions = regions.mentions, terms.atom_mentions
    first_own = terms.first_own  # base patterns below it are the regions' forms
    for (n, field, value, norm), term_hits in zip(fields, found, strict=True):
        hits = term_hits[0][0]
        if hits:
            result[n] += region_mentions(field, value, norm, term_hits[0])
        # most fields have no hit on any atom (max: the hit on the highest pattern)
        if (hits and max(hits)[0] >= first_own) or term_hits[1][0]:
            found_atoms = atom_mentions(field, value, norm, term_hits)
            if found_atoms:
                atoms.setdefault(n, []).extend(found_atoms)
    for n, found_atoms in atoms.items():
        result[n] += terms.matching(found_atoms)
    return result
