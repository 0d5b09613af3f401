"""The gazetteer: Russian and Ukrainian regions (ISO 3166-2), their names and towns.

Loaded from `bot/data/gazetteer.json` (built by `bot/data/build_gazetteer.py`); loading
reads one file and builds one automaton, no morphology at run time. `resolve` turns what a
user types after /subscribe into regions; `find` reports region mentions in an item (the
rules live in `bot.matching.regions`).
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.matching.regions import Pattern, RegionMatcher
from bot.matching.text import common_start, normalize_phrase
from bot.models import Mention

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "gazetteer.json"
_KIND_RANK = {"region": 0, "adj": 0, "town": 1, "district": 2}
_TYPE_WORDS = frozenset(
    "область обл обл. край республика республіка регион регіон округ автономный автономна "
    "oblast region province krai kray territory republic".split()
)
_TYPE_STEMS = ("област", "республик", "республік", "регион", "регіон", "краю", "края", "краї")
_FUZZY_CUTOFF = 0.75
_TOWN_CUTOFF = 0.8
_MAX_CHOICES = 5


@dataclass(frozen=True, slots=True)
class Place:
    """A town, with its names in each language and its region."""

    id: str  # e.g. "RU-BEL/graivoron"
    code: str  # its region's ISO 3166-2 code
    name_en: str
    name_ru: str
    name_uk: str

    def name(self, lang: str) -> str:
        return {"ru": self.name_ru, "uk": self.name_uk}.get(lang, self.name_en)


@dataclass(frozen=True, slots=True)
class Region:
    """A first-level subdivision of Russia or Ukraine."""

    code: str  # ISO 3166-2, e.g. "RU-BEL", "UA-63"
    name_en: str
    name_ru: str
    name_uk: str

    def name(self, lang: str) -> str:
        """The name in "en", "ru" or "uk"; English for any other language."""
        return {"ru": self.name_ru, "uk": self.name_uk}.get(lang, self.name_en)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a name typed after /subscribe stands for."""

    regions: tuple[Region, ...] = ()  # best first; empty when nothing is close
    place: Place | None = None  # the name is this town's (not its region's own name)
    exact: bool = True  # False: the regions are only close spellings


class Gazetteer:
    """Regions by code, every known form of their names, and a mention finder."""

    def __init__(self, document: dict[str, Any]) -> None:
        """The gazetteer in `document` (the shipped file's JSON), which this takes apart as it
        reads: its places and entries are let go one by one, so the strings and tables kept
        reuse their memory rather than leaving it in holes (5 MB less RSS)."""
        self._regions = {
            r["code"]: Region(r["code"], r["name_en"], r["name_ru"], r["name_uk"])
            for r in document["regions"]
        }
        self._places = {
            p["id"]: Place(p["id"], p["code"], p["name_en"], p["name_ru"], p["name_uk"])
            for p in document.pop("places", ())
        }
        self._place_keys: dict[str, str] = {}  # a town's form or name -> its place id
        patterns: dict[str, Pattern] = {}
        adjectives: set[str] = set()
        # form or name -> (rank, region code) of every entry that has it. Built without a
        # list per key and with shared tuples: tens of thousands of forms, most with one hit
        Hits = tuple[tuple[int, str], ...]
        shared: dict[Hits, Hits] = {}
        self._forms: dict[str, Hits] = {}
        self._names: dict[str, Hits] = {}

        def add(table: dict[str, Hits], key: str, hit: Hits) -> None:
            known = table.get(key)
            table[key] = hit if known is None else shared.setdefault(known + hit, known + hit)

        unique: dict[Pattern, Pattern] = {}
        entries: list[dict[str, Any]] = document.pop("entries")
        entries.reverse()
        while entries:  # each entry let go once read: what is kept fills the space it took
            entry = entries.pop()
            code, kind = entry["code"], entry["kind"]
            own: Hits = ((_KIND_RANK.get(kind, 3), code),)
            hit = shared.setdefault(own, own)
            flags = set(entry["flags"])
            lemma = normalize_phrase(entry["names"][0])
            entry_forms = _forms_of(entry)
            if kind == "adj":
                adjectives.update(entry_forms)
            place = entry.get("place")
            for form in entry_forms:
                if form not in patterns:
                    pattern = Pattern(
                        code, kind, "capital" in flags, "homonym" in flags, form == lemma, place
                    )
                    patterns[form] = unique.setdefault(pattern, pattern)
                add(self._forms, form, hit)
                if place:
                    self._place_keys.setdefault(form, place)
            for name in entry["names"]:
                add(self._names, normalize_phrase(name), hit)
                if place:
                    self._place_keys.setdefault(normalize_phrase(name), place)
        for region in self._regions.values():
            for name in (region.name_en, region.name_ru, region.name_uk, region.code):
                add(self._names, normalize_phrase(name), ((0, region.code),))
        self._matcher = RegionMatcher(patterns, adjectives)

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer shipped in `bot/data`, read once per process."""
        return _load_shipped()

    def get(self, code: str) -> Region | None:
        return self._regions.get(code.strip().upper())

    def regions(self) -> list[Region]:
        return sorted(self._regions.values(), key=lambda r: r.code)

    def place(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def lookup(self, query: str) -> Resolution:
        """What `query` names: a region (or choices), and the town when it is a town's name.

        A town named like its region ("Белгород", "Kyiv") stands for the region, as users
        mean it; any other town ("Грайворон", "Graivoron") comes with its region, so the chat
        can pick the whole region or the town only. Close spellings are never exact.
        """
        text = normalize_phrase(query)
        if not text:
            return Resolution()
        region = self.get(text)
        if region is not None:
            return Resolution((region,))
        for key in (text, _strip_type_words(text)):
            hits = self._forms.get(key) or self._names.get(key)
            if hits:
                regions = tuple(self._ranked(hits))
                place = self._places.get(self._place_keys.get(key, ""))
                if place is not None and (
                    self._named_like_region(place) or any(r.code != place.code for r in regions)
                ):
                    place = None
                return Resolution(regions, place)
        return Resolution(tuple(self._fuzzy(_strip_type_words(text) or text)), exact=False)

    def _named_like_region(self, place: Place) -> bool:
        region = self._regions.get(place.code)
        if region is None:
            return True
        for lang in ("en", "ru", "uk"):
            town = normalize_phrase(place.name(lang))
            for word in normalize_phrase(region.name(lang)).replace("(", " ").split():
                shared = len(common_start(town, word))
                if shared >= 3 and shared >= min(len(town) - 2, 5):
                    return True
        return False

    def find(self, title: str, text: str) -> list[Mention]:
        """Region mentions in an item, title first, in text order."""
        return self._matcher.find(title, text)

    @property
    def matcher(self) -> RegionMatcher:
        """What `find` uses, in steps a batch can spread over threads."""
        return self._matcher

    def resolve(self, query: str) -> list[Region]:
        """Regions a user most likely means by `query`, best first; [] when nothing is close.

        Tries, in turn: an ISO code, any known form of a name ("Белгородской", "Bilhorod",
        a town), the query without words like "область"/"region", then close spellings.
        """
        text = normalize_phrase(query)
        if not text:
            return []
        region = self.get(text)
        if region is not None:
            return [region]
        for key in (text, _strip_type_words(text)):
            hits = self._forms.get(key) or self._names.get(key)
            if hits:
                return self._ranked(hits)
        return self._fuzzy(_strip_type_words(text) or text)

    def _ranked(self, hits: tuple[tuple[int, str], ...]) -> list[Region]:
        codes: list[str] = []
        for _, code in hits:  # in table order: cities before the oblast that shares a name
            if code not in codes:
                codes.append(code)
        return [self._regions[c] for c in codes[:_MAX_CHOICES] if c in self._regions]

    def _fuzzy(self, text: str) -> list[Region]:
        """Regions whose name starts with `text` (3+ letters), else of the closest region
        names, else of the closest town names: only those about as close as the best one."""
        regional = [k for k, hits in self._names.items() if min(rank for rank, _ in hits) == 0]
        keys = [k for k in regional if len(text) >= 3 and k.startswith(text)]
        keys = sorted(keys, key=len) or _closest(text, regional, _FUZZY_CUTOFF)
        if not keys:
            keys = _closest(text, list(self._names), _TOWN_CUTOFF)
        if not keys:
            keys = _closest(text, list(self._forms), _TOWN_CUTOFF)
        codes: list[str] = []
        for key in keys:
            for _, code in sorted(self._names.get(key) or self._forms[key]):
                if code not in codes:
                    codes.append(code)
        return [self._regions[c] for c in codes[:_MAX_CHOICES] if c in self._regions]


def _forms_of(entry: dict[str, Any]) -> list[str]:
    """An entry's forms: one "|"-joined string in the shipped file (version 2), or a list."""
    forms = entry["forms"]
    return forms.split("|") if isinstance(forms, str) else list(forms)


def _closest(text: str, names: list[str], cutoff: float) -> list[str]:
    """Names as close to `text` as the closest one (within 0.05), best first."""
    close = difflib.get_close_matches(text, names, n=10, cutoff=cutoff)
    if not close:
        return []
    scores = {k: difflib.SequenceMatcher(None, text, k).ratio() for k in close}
    best = max(scores.values())
    return [k for k in close if scores[k] >= best - 0.05]


def _strip_type_words(text: str) -> str:
    return " ".join(
        w
        for w in text.replace(",", " ").split()
        if w not in _TYPE_WORDS and not w.startswith(_TYPE_STEMS)
    )


@functools.lru_cache(maxsize=1)
def _load_shipped() -> Gazetteer:
    return Gazetteer(json.loads(DATA_FILE.read_text(encoding="utf-8")))
