"""Gazetteer loading, lookup by code, coverage and resolve() on what users type."""

from __future__ import annotations

import pytest

from bot.matching.gazetteer import Gazetteer, Region


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_load_is_cached(gazetteer: Gazetteer) -> None:
    assert Gazetteer.load() is gazetteer


def test_covers_every_russian_subject_and_ukrainian_oblast(gazetteer: Gazetteer) -> None:
    codes = {r.code for r in gazetteer.regions()}
    assert len([c for c in codes if c.startswith("RU-")]) == 83
    assert len([c for c in codes if c.startswith("UA-")]) == 27
    assert {"UA-30", "UA-40", "UA-43", "RU-MOW", "RU-SPE"} <= codes


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [
        ("RU-BEL", "en", "Belgorod Oblast"),
        ("RU-BEL", "ru", "Белгородская область"),
        ("RU-BEL", "uk", "Бєлгородська область"),
        ("UA-63", "uk", "Харківська область"),
        ("UA-30", "en", "Kyiv"),
        ("UA-43", "de", "Autonomous Republic of Crimea"),
    ],
)
def test_region_names(gazetteer: Gazetteer, code: str, lang: str, name: str) -> None:
    region = gazetteer.get(code)
    assert isinstance(region, Region)
    assert region.name(lang) == name


def test_get_is_case_insensitive_and_none_for_unknown(gazetteer: Gazetteer) -> None:
    assert gazetteer.get("ru-bel") == gazetteer.get("RU-BEL")
    assert gazetteer.get("XX-YY") is None


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("Belgorod", "RU-BEL"),
        ("белгород", "RU-BEL"),
        ("Белгородская область", "RU-BEL"),
        ("Белгородской области", "RU-BEL"),
        ("Бєлгородщина", "RU-BEL"),
        ("RU-BEL", "RU-BEL"),
        ("ru-bel", "RU-BEL"),
        ("Bilhorod", "RU-BEL"),
        ("Graivoron", "RU-BEL"),
        ("Грайворон", "RU-BEL"),
        ("Belgorod region", "RU-BEL"),
        ("Belgorot", "RU-BEL"),  # typo
        ("Харкив", "UA-63"),  # typo
        ("Kharkov", "UA-63"),
        ("Kupiansk", "UA-63"),
        ("Zaporozhye", "UA-23"),
        ("Odessa", "UA-51"),
        ("Kiev", "UA-30"),
        ("Київщина", "UA-32"),
        ("Moscow", "RU-MOW"),
        ("Moscow region", "RU-MOS"),
        ("Подмосковье", "RU-MOS"),
        ("Saint Petersburg", "RU-SPE"),
        ("Крым", "UA-43"),
        ("Sevastopol", "UA-40"),
        ("Білгород-Дністровський", "UA-51"),
        ("Kropyvnytskyi", "UA-35"),
        ("Kirovograd", "UA-35"),
        ("Sudzha", "RU-KRS"),
    ],
)
def test_resolve_best_choice(gazetteer: Gazetteer, query: str, best: str) -> None:
    found = gazetteer.resolve(query)
    assert found, query
    assert found[0].code == best


@pytest.mark.parametrize("query", ["", "   ", "xyzzy", "qwertyuiop", "погода"])
def test_resolve_nothing_close(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.resolve(query) == []


def test_resolve_ambiguous_offers_choices(gazetteer: Gazetteer) -> None:
    codes = [r.code for r in gazetteer.resolve("Kyiv")]
    assert codes[0] == "UA-30"
    assert len(codes) <= 5
