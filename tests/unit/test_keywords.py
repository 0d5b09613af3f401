"""Watch-term forms and the keyword index."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.keywords import KeywordIndex, term_forms


@pytest.mark.parametrize(
    ("term", "present", "absent"),
    [
        ("дрон", {"дрон", "дрона", "дроны", "дронов", "дронами", "дрони", "дронів"}, set()),
        ("обстрел", {"обстрелы", "обстрелом", "обстрелов"}, {"обстрелять", "обстреляли"}),
        ("обстріл", {"обстріли", "обстрілів", "обстрілом"}, {"обстріляли"}),
        ("взрыв", {"взрывы", "взрывов"}, {"взрывчатка", "взрывной"}),
        ("беспилотник", {"беспилотники", "беспилотников"}, {"беспилотный"}),
        ("эвакуация", {"эвакуации", "эвакуацию"}, {"эвакуировали"}),
        ("евакуація", {"евакуацію", "евакуації"}, {"евакуювали"}),
        ("drone", {"drone", "drones"}, {"droned"}),
        ("evacuation", {"evacuation", "evacuations"}, {"evacuated"}),
        ("explosion", {"explosions"}, {"exploded"}),
        ("air defense", {"air defense", "air defence", "air defences"}, {"air"}),
        ("power outage", {"power outage", "power outages"}, {"power"}),
        ("отключение света", {"отключения света", "отключений света"}, {"отключение"}),
        ("відключення світла", {"відключення світла", "відключень світла"}, set()),
        ("ПВО", {"пво"}, set()),
        ("Ёлка", {"елка", "елки"}, set()),
    ],
)
def test_term_forms(term: str, present: set[str], absent: set[str]) -> None:
    forms = term_forms(term)
    assert present <= forms
    assert not absent & forms


def test_blank_term_has_no_forms() -> None:
    assert term_forms("   ") == frozenset()


def find_terms(index: KeywordIndex, title: str, text: str = "") -> set[str]:
    return {m.value for m in index.find(title, text)}


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("дрон", "Сбиты десятки дронов", True),
        ("дрон", "Атака дронами на город", True),
        ("дрон", "Дрони атакували Бєлгородщину", True),
        ("обстріл", "Місто потерпає від обстрілів", True),
        ("обстрел", "ВСУ обстреляли Шебекино", False),
        ("drone", "Drones hit the refinery", True),
        ("drone", "Drone's debris fell", True),
        ("взрыв", "Кинологи установили, что взрывчатки не было", False),
        ("взрыв", "Прогремели взрывы", True),
        ("evacuation", "Residents were evacuated", False),
        ("evacuation", "The evacuation continues", True),
        ("ПВО", "Работала пво над городом", True),
        ("ППО", "Сили ППО збили ракети", True),
        ("air defense", "Air defences destroyed drones", True),
        ("air defense", "air and missile defense systems", False),
        ("отключение света", "начались отключения света", True),
        ("отключение света", "отключений подачи света", False),
        ("дрон", "дронодром и андрон", False),
        ("drone", "The drone-maker said", True),
    ],
)
def test_index_finds_whole_words(term: str, text: str, found: bool) -> None:
    index = KeywordIndex()
    query = f'"{term}"' if " " in term else term
    index.add(query)
    assert find_terms(index, "", text) == ({query} if found else set())


def test_mentions_point_into_the_field() -> None:
    index = KeywordIndex()
    index.add('"отключение света"')
    index.add("дрон")
    title, text = "Дроны над городом", "В части города  начались отключения   света."
    mentions = index.find(title, text)
    assert [(m.field, m.value) for m in mentions] == [
        ("title", "дрон"),
        ("text", '"отключение света"'),
    ]
    for m in mentions:
        source = title if m.field == "title" else text
        assert source[m.start : m.end] == m.surface
    assert mentions[1].surface == "отключения   света"


def test_add_is_idempotent_and_remove_forgets() -> None:
    index = KeywordIndex()
    index.add("дрон")
    index.add("дрон")
    index.add("беспилотник")
    assert len(index) == 2
    assert len(index.find("дроны", "")) == 1
    index.remove("дрон")
    index.remove("never added")
    assert find_terms(index, "дроны и беспилотники") == {"беспилотник"}
    index.remove("беспилотник")
    assert index.find("дроны и беспилотники", "") == []


def test_terms_sharing_forms_are_both_reported() -> None:
    index = KeywordIndex()
    index.add("drone")
    index.add("Drone")
    assert find_terms(index, "drones overhead") == {"drone", "Drone"}
    index.remove("drone")
    assert find_terms(index, "drones overhead") == {"Drone"}


def test_incremental_add_after_find() -> None:
    index = KeywordIndex()
    index.add("дрон")
    assert find_terms(index, "дроны и взрывы") == {"дрон"}
    index.add("взрыв")
    assert find_terms(index, "дроны и взрывы") == {"дрон", "взрыв"}


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_find_never_crashes_and_offsets_are_valid(text: str) -> None:
    index = KeywordIndex()
    index.add("дрон")
    index.add('"air defense"')
    index.add("дрон* OR title:air -defense")
    for m in index.find(text, text):
        assert text[m.start : m.end] == m.surface
        assert m.surface.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_fast_normalize_agrees_with_the_character_by_character_one(text: str) -> None:
    from bot.matching.text import _normalize_slow, normalize

    assert normalize(text) == _normalize_slow(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="Ёё ’'\u00a0\n\u2010Σ İaБв\u00ad\u200b-", max_size=40))
def test_fast_normalize_agrees_on_the_tricky_characters(text: str) -> None:
    from bot.matching.text import _normalize_slow, normalize

    assert normalize(text) == _normalize_slow(text)


def test_forms_are_kept_as_stem_endings_and_tail() -> None:
    from bot.matching.atoms import stems

    assert stems(["дрон", "дрона", "дронами"]) == [("дрон", ("", "а", "ами"), "")]
    assert stems(["отключение света", "отключения света"]) == [("отключени", ("е", "я"), " света")]
    # a form unlike the others gets a stem of its own instead of shortening every stem
    assert sorted(stems(["человек", "человека", "люди", "людей"])) == [
        ("люд", ("ей", "и"), ""),
        ("человек", ("", "а"), ""),
    ]


@given(st.sets(st.text(alphabet="абвгд ", min_size=1, max_size=8), min_size=1, max_size=12))
@settings(max_examples=200, deadline=None)
def test_stems_give_back_exactly_the_forms(forms: set[str]) -> None:
    from bot.matching.atoms import stems

    rebuilt = {stem + ending + tail for stem, endings, tail in stems(forms) for ending in endings}
    assert rebuilt == forms


def test_terms_sharing_a_stem_keep_their_own_endings() -> None:
    index = KeywordIndex()
    index.add("дрон")
    index.add('"дрон камикадзе"')
    assert find_terms(index, "Сбиты дроны") == {"дрон"}
    assert find_terms(index, "Сбиты дроны-камикадзе") == {"дрон"}
    assert find_terms(index, "Сбит дрон камикадзе") == {"дрон", '"дрон камикадзе"'}
    index.remove("дрон")
    assert find_terms(index, "Сбит дрон камикадзе") == {'"дрон камикадзе"'}
    assert find_terms(index, "Сбиты дроны") == set()
    index.add("дроны")
    assert find_terms(index, "Сбиты дроны") == {"дроны"}


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="ая'ь- .x", max_size=8),
    st.lists(st.text(alphabet="ая'ь- x", max_size=3), min_size=1, max_size=6, unique=True),
)
def test_endings_of_letters_are_one_lookup(rest: str, endings: list[str]) -> None:
    """A stem's hit goes on with an ending of letters when the rest of the word is exactly
    that ending: the look-up `AtomIndex.mentions` makes is the test of each ending in turn."""
    from bot.matching.atoms import Endings
    from bot.matching.text import is_word_char, word_end

    text = "дрон" + rest
    end = len("дрон")
    one = Endings(tuple(sorted(endings)))
    looked_up = {text[end : word_end(text, end)]} & one.words
    tried = {
        e for e in one.words if text.startswith(e, end) and not is_word_char(text, end + len(e))
    }
    assert looked_up == tried
    assert set(one.all) == one.words | set(one.others)
