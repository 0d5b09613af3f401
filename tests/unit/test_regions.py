"""Region detection in items: the hard cases of the labelling rules."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import native
from bot.matching.gazetteer import Gazetteer
from bot.matching.regions import Candidate


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def codes(gazetteer: Gazetteer, title: str, text: str = "") -> set[str]:
    return {m.value for m in gazetteer.find(title, text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names in inflected forms, spellings and transliterations
        ("Беспилотники над Белгородской областью", {"RU-BEL"}),
        ("Взрывы в Белгороде", {"RU-BEL"}),
        ("Дрони атакували Бєлгородщину", {"RU-BEL"}),
        ("у Бєлгородській області Росії", {"RU-BEL"}),
        ("Drone attack in Belgorod region", {"RU-BEL"}),
        ("Вибухи в Харкові", {"UA-63"}),
        ("На Харківщині оголосили евакуацію", {"UA-63"}),
        ("Explosions in Kharkov", {"UA-63"}),
        ("Shelling in Zaporozhye region", {"UA-23"}),
        ("Blackouts in Odessa and Mykolaiv", {"UA-51", "UA-48"}),
        ("Russian strikes on Nikolaev", {"UA-48"}),
        ("Попадание в Кременчуці", {"UA-53"}),
        ("Под Курском нашли обломки", {"RU-KRS"}),
        ("в Запорожской и Херсонской областях", {"UA-23", "UA-65"}),
        ("Над Воронежской и Белгородской областями", {"RU-VOR", "RU-BEL"}),
        ("Сумщина отримає кошти", {"UA-59"}),
        ("Глава Харьковской ОВА сообщил", {"UA-63"}),
        # towns count for their region
        ("Шебекино снова под обстрелом", {"RU-BEL"}),
        ("raid near Graivoron", {"RU-BEL"}),
        ("attacks on Shebekino and Hraivoron", {"RU-BEL"}),
        ("бои у Суджи", {"RU-KRS"}),
        ("Вовчанськ: евакуація триває", {"UA-63"}),
        ("Под Купянском продолжаются бои", {"UA-63"}),
        ("drone hits Enerhodar", {"UA-23"}),
        ("Обломки упали в Россоши", {"RU-VOR"}),
        ("В Новом Осколе ранен водитель", {"RU-BEL"}),
        ("В окупованому Луганську пролунали вибухи", {"UA-09"}),
        # a city that is a subdivision maps to its own code
        ("Дроны летели на Москву", {"RU-MOW"}),
        ("Пулково в Санкт-Петербурге закрыт", {"RU-SPE"}),
        ("Нічна атака на Київ", {"UA-30"}),
        ("Residents of Kyiv and the surrounding Kyiv region", {"UA-30", "UA-32"}),
        ("Air defense active over Sevastopol", {"UA-40"}),
        ("explosions in Yevpatoria, Crimea", {"UA-43"}),
        ("Moscow region governor", {"RU-MOS"}),
        # names inside other names: longest match, hyphenated compounds
        ("Missile strike on Bilhorod-Dnistrovskyi", {"UA-51"}),
        ("дрони атакували порт у Білгороді-Дністровському", {"UA-51"}),
        ("удар по Новгород-Сіверському районі", {"UA-74"}),
        ("В Ростове Великом отреставрировали стену", {"RU-YAR"}),
    ],
)
def test_finds(gazetteer: Gazetteer, text: str, expected: set[str]) -> None:
    assert codes(gazetteer, "", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # datelines
        "MOSCOW – Russia's central bank kept its key rate.",
        "КИЕВ, 12 мая – Верховная Рада приняла закон.",
        "KYIV - Parliament extended martial law.",
        # metonyms for governments
        "Moscow said it was open to talks.",
        "Kyiv denied involvement.",
        "Kyiv has not commented on the claim.",
        "The Kremlin accused Kyiv of sabotage.",
        "Киев заявил о готовности к переговорам.",
        "Київ заявив, що не причетний.",
        "Москва відкинула пропозицію.",
        "Киев обвинил Москву в срыве переговоров.",
        "шагов со стороны Киева не видно",
        "Dynamo Kyiv lost 1-0 away.",
        "Shakhtar Donetsk beat Antwerp in Hamburg",
        # homonyms
        "Молодой степной орёл выпущен на волю.",
        "Общая сумма ущерба превысила миллиард.",
        "на загальну суму 120 мільйонів",
        "Депутат Смоленский внёс законопроект.",
        # adjectives that are not the region
        "На Курском вокзале усилили досмотр.",
        "На Киевском вокзале задержали мужчину.",
        "выставка к годовщине Курской битвы",
        "the Battle of Kursk in 1943",
        "anniversary of the sinking of the submarine Kursk",
        "the landing ship Novocherkassk was damaged",
        "крейсер «Москва» затонул",
        "«Ростов» обыграл «Зенит»",
        "shelled from across the Dnipro River",
        "обстріляли з лівого берега Дніпра",
        "Україна отримала нові системи ППО",
    ],
)
def test_does_not_count(gazetteer: Gazetteer, text: str) -> None:
    assert codes(gazetteer, "", text) == set()


def test_dateline_only_at_start_of_text(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer, "", "KYIV – A drone hit a hospital in Kherson.") == {"UA-65"}
    assert codes(gazetteer, "", "Blasts were heard in Moscow – officials said.") == {"RU-MOW"}


def test_capitalized_homonym_is_the_city(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer, "Атака дронов на Орёл отражена", "Над Орлом сбиты дроны") == {"RU-ORL"}
    assert codes(gazetteer, "Суми: ворог ударив по місту", "У Сумах пошкоджено школу") == {"UA-59"}


def test_mention_offsets_point_into_the_field(gazetteer: Gazetteer) -> None:
    title, text = "Вибухи в  Харкові", "Ночью дроны атаковали Белгородскую область."
    mentions = gazetteer.find(title, text)
    assert [(m.field, m.value) for m in mentions] == [("title", "UA-63"), ("text", "RU-BEL")]
    for m in mentions:
        source = title if m.field == "title" else text
        assert source[m.start : m.end] == m.surface
    assert mentions[0].surface == "Харкові"
    assert mentions[1].surface == "Белгородскую"


def test_several_regions_and_title_only(gazetteer: Gazetteer) -> None:
    found = codes(
        gazetteer,
        "Приграничье за сутки",
        "В Белгородской области под обстрел попали Шебекино, в Курской — сёла. "
        "В Брянской области дроны атаковали Климово.",
    )
    assert found == {"RU-BEL", "RU-KRS", "RU-BRY"}


def test_empty_item(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("", "") == []


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="Бєлгород Kyiv Харків-«»–,. МОСКВАорёл'", max_size=60))
def test_find_never_crashes_and_offsets_are_valid(text: str) -> None:
    gazetteer = Gazetteer.load()
    for m in gazetteer.find(text, text):
        assert text[m.start : m.end] == m.surface
        assert gazetteer.get(m.value) is not None


_WORDS = (
    "Курск Курской Курском области под за битвы битва Battle of Kursk submarine крейсер "
    "«Москва» Москва пр ул улица вул. Динамо Kyiv Dynamo river Dnipro берега Дніпра Shakhtar "
    "Donetsk sea Azov Белгород Белгородской вокзале ship Sevastopol заявил в с Киевом"
).split()


@pytest.mark.skipif(native.in_use(), reason="patches a method: plain Python only")
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", ", ", " — ", "-", ". ", "'"])),
        max_size=12,
    )
)
def test_the_blocking_words_shortcut_changes_nothing(words: list[tuple[str, str]]) -> None:
    """A name with no ship, street, club, battle or river word found before it (after it)
    skips the check of its words before (after): the same mentions as checking every
    candidate's neighbours."""
    text = "".join(word + gap for word, gap in words)
    matcher = Gazetteer.load().matcher
    norm, hits = matcher.scan_one(text)
    found = matcher.mentions("text", text, norm, hits)
    candidates = matcher._candidates

    def always_maybe_blocked(*args: Any) -> tuple[list[Candidate], int, int]:
        return candidates(*args)[0], -1, len(text) + 1  # as if blocking words were all around

    with mock.patch.object(matcher, "_candidates", always_maybe_blocked):
        assert matcher.mentions("text", text, norm, hits) == found
