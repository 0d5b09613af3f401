"""What /subscribe makes of a name: a region, a town in it, choices, or nothing; and towns
linked across languages so a town subscription hears of it in any of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.data.town_links import link_towns, skeleton
from bot.matching.gazetteer import Gazetteer
from bot.matching.keywords import KeywordIndex
from bot.store import chats
from bot.store.db import Database
from bot.subscriptions import Subscriptions
from tests.unit.test_query_watchlist import NOW


@pytest.mark.parametrize(
    ("query", "codes", "place", "exact"),
    [
        ("RU-BEL", ["RU-BEL"], None, True),
        ("белгород", ["RU-BEL"], None, True),  # the town named like its region is the region
        ("Bilhorod", ["RU-BEL"], None, True),
        ("Белгородской области", ["RU-BEL"], None, True),
        ("Graivoron", ["RU-BEL"], "RU-BEL/graivoron", True),
        ("Грайворон", ["RU-BEL"], "RU-BEL/graivoron", True),
        ("Грайвороне", ["RU-BEL"], "RU-BEL/graivoron", True),
        ("Hraivoron", ["RU-BEL"], "RU-BEL/graivoron", True),
        ("Izium", ["UA-63"], "UA-63/izium", True),
        ("Ізюм", ["UA-63"], "UA-63/izium", True),
        ("Kharkiv", ["UA-63"], None, True),
        ("Одесса", ["UA-51"], None, True),
        ("Adygea", ["RU-AD"], None, True),
        ("Kuban", ["RU-KDA"], None, True),
        ("Belgorot", ["RU-BEL"], None, False),  # a typo: a choice, never a silent subscription
        ("xyzzy", [], None, False),
    ],
)
def test_lookup(query: str, codes: list[str], place: str | None, exact: bool) -> None:
    found = Gazetteer.load().lookup(query)
    assert [r.code for r in found.regions][: len(codes)] == codes
    assert (found.place.id if found.place else None) == place
    assert found.exact is exact


def test_town_mentions_carry_their_place_in_every_language() -> None:
    gazetteer = Gazetteer.load()
    for title in ("Обстрел Грайворона", "Обстріл Грайворона", "Shelling of Graivoron"):
        (mention,) = gazetteer.find(title, "")
        assert (mention.value, mention.place) == ("RU-BEL", "RU-BEL/graivoron")
    (mention,) = gazetteer.find("Обстрел Белгородской области", "")
    assert mention.place is None


@pytest.mark.parametrize(
    ("a", "b"),
    [("Грайворон", "Hraivoron"), ("Харків", "Kharkov"), ("Изюм", "Izyum"), ("Суджа", "Sudja")],
)
def test_skeletons_of_one_town_agree(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b) or link_towns([("ru", a), ("en", b)])[0][1] == [a, b]


def test_different_towns_stay_apart() -> None:
    towns = link_towns([("ru", "Старый Оскол"), ("ru", "Новый Оскол"), ("en", "Novy Oskol")])
    assert [members for _, members in towns] == [["Старый Оскол"], ["Новый Оскол", "Novy Oskol"]]


async def test_town_subscribers_hear_of_their_town_only(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "lookout.sqlite3")
    try:
        service = Subscriptions(db, Gazetteer.load(), KeywordIndex(), FixedClock(NOW))
        await service.register_chat(1, chat_type="private", title=None, language="en")
        assert await service.subscribe_place(1, "RU-BEL/graivoron") is True
        assert await service.subscribe_place(1, "RU-BEL/graivoron") is False
        assert await service.subscribe_place(1, "RU-XXX/nowhere") is False
        assert await service.places(1) == ["RU-BEL/graivoron"]
        assert service.region_name("RU-BEL/graivoron", "ru") == "Грайворон"
        async with db.write() as conn:
            town = await chats.subscribers(conn, ["RU-BEL"], [], ["RU-BEL/graivoron"])
            other = await chats.subscribers(conn, ["RU-BEL"], [], ["RU-BEL/shebekino"])
        assert town == {1: ({"RU-BEL/graivoron"}, set())}
        assert other == {}
        assert await service.unsubscribe_place(1, "RU-BEL/graivoron") is True
        assert await service.places(1) == []
    finally:
        await db.close()


def test_geonames_settlements_are_in_and_the_file_stays_small() -> None:
    from bot.matching.gazetteer import DATA_FILE

    gazetteer = Gazetteer.load()
    for title in ("В Волоконовке повреждена ЛЭП", "Drone debris fell in Volokonovka"):
        (mention,) = gazetteer.find(title, "")
        assert (mention.value, mention.place) == ("RU-BEL", "RU-BEL/volokonovka")
    assert Gazetteer.load().lookup("Volokonovka").place is not None
    # a GeoNames town whose case form is also an adjective or a surname is not matched there
    assert gazetteer.find("Сообщение на украинском от Орлова", "") == []
    assert DATA_FILE.stat().st_size < 5_000_000
