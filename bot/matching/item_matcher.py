"""Everything an item can match: regions from the gazetteer and every chat's watch terms.

One `ItemMatcher` serves all chats. Which chats care about a mention is the store's business.

Matching an item is three steps: normalize its title and text, search them with the
automata (the regions' and the watch terms'), apply the rules to the hits. The search is
`ahocorasick_rs`, which releases the GIL, so `find_many` (a poll's new items) searches one
chunk of items in a worker thread while this thread normalizes the next one and applies the
rules to the one before: the two cores share the work, and the result is exactly
`[find(item) for item in items]`. The worker takes the GIL back after each search within the
process's switch interval, 0.5 ms in the bot (`bot.gil`), so its hits come back in time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.matching.atoms import AtomHits
from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex
from bot.matching.regions import RegionMatcher
from bot.matching.scanning import Batch, Hits
from bot.matching.text import Normalized, normalize_uncached
from bot.models import Field, Item, Mention

CHUNK = 128  # items per search in the worker thread (fewer: the GIL handovers cost more)

# (item number in its chunk, field, the field's text, normalized) for each non-empty field
Fields = list[tuple[int, Field, str, Normalized]]
Found = tuple[list[Hits], list[AtomHits]]  # a chunk's fields' region hits and term hits


class ItemMatcher:
    def __init__(self, gazetteer: Gazetteer, watch_terms: KeywordIndex) -> None:
        self.gazetteer = gazetteer
        self.watch_terms = watch_terms

    def find(self, item: Item) -> list[Mention]:
        return self.gazetteer.find(item.title, item.text) + self.watch_terms.find(
            item.title, item.text
        )

    def found_in(self, items: Sequence[Item]) -> Matched:
        """The items' mentions, found at once by `find_many`, for code that asks `find`."""
        return Matched(self, items, self.find_many(items))

    def find_many(self, items: Sequence[Item]) -> list[list[Mention]]:
        """`find` of each item, searching in a worker thread while rules run here.

        Call it where the watch terms do not change meanwhile (the event loop's thread)."""
        regions, terms = self.gazetteer.matcher, self.watch_terms
        terms.prepare()
        chunks = _chunks(items)
        if len(chunks) < 2:  # too few items to share
            fields = _fields(items)
            return _mentions(regions, terms, items, fields, _search(regions, terms, fields))
        scanner = _scanner()
        result: list[list[Mention]] = []
        next_fields = _fields(chunks[1])
        searching = scanner.submit(_search, regions, terms, next_fields)
        fields = _fields(chunks[0])
        found = _search(regions, terms, fields)  # here, while the worker searches the next
        for k, chunk in enumerate(chunks):
            result += _mentions(regions, terms, chunk, fields, found)
            if k + 1 == len(chunks):
                break
            fields, found = next_fields, searching.result()
            if k + 2 < len(chunks):  # the one after, searched while this one's rules run
                next_fields = _fields(chunks[k + 2])
                searching = scanner.submit(_search, regions, terms, next_fields)
        return result


def _chunks(items: Sequence[Item]) -> list[Sequence[Item]]:
    """`items` in chunks of about `CHUNK` (none of them much smaller than the others)."""
    count = -(-len(items) // CHUNK)
    return [items[len(items) * k // count : len(items) * (k + 1) // count] for k in range(count)]


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


def _fields(items: Sequence[Item]) -> Fields:
    fields: Fields = []
    for n, item in enumerate(items):
        if item.title:
            fields.append((n, "title", item.title, normalize_uncached(item.title)))
        if item.text:
            fields.append((n, "text", item.text, normalize_uncached(item.text)))
    return fields


def _search(regions: RegionMatcher, terms: KeywordIndex, fields: Fields) -> Found:
    """Both automata's hits in each field (the GIL released while they search)."""
    batch = Batch([norm.text for _, _, _, norm in fields])
    return regions.scan(batch), terms.scan(batch)


def _mentions(
    regions: RegionMatcher,
    terms: KeywordIndex,
    items: Sequence[Item],
    fields: Fields,
    found: Found,
) -> list[list[Mention]]:
    """Each item's mentions, from its fields' hits: as `ItemMatcher.find` gives them (its
    regions, title's then text's, then the queries its atoms make true)."""
    result: list[list[Mention]] = [[] for _ in items]
    atoms: dict[int, list[Mention]] = {}  # item number -> its atom mentions, if any
    region_mentions, atom_mentions = regions.mentions, terms.atom_mentions
    for (n, field, value, norm), region_hits, term_hits in zip(fields, *found, strict=True):
        if region_hits[0]:
            result[n] += region_mentions(field, value, norm, region_hits)
        if term_hits[0][0] or term_hits[1][0]:  # most fields have no hit on any term
            found_atoms = atom_mentions(field, value, norm, term_hits)
            if found_atoms:
                atoms.setdefault(n, []).extend(found_atoms)
    for n, found_atoms in atoms.items():
        result[n] += terms.matching(found_atoms)
    return result


_scanner_lock = threading.Lock()
_scanners: list[ThreadPoolExecutor] = []


def _scanner() -> ThreadPoolExecutor:
    """The one worker thread that searches, started when first needed."""
    with _scanner_lock:
        if not _scanners:
            _scanners.append(ThreadPoolExecutor(1, thread_name_prefix="match-search"))
        return _scanners[0]
