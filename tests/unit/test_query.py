"""The watch-query language: parsing, errors that point at the problem, and evaluation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserInputError
from bot.matching.keywords import KeywordIndex
from bot.matching.query import And, Atom, Not, Or, QueryError, parse_query


@pytest.mark.parametrize(
    ("text", "canonical", "root"),
    [
        ("дрон", "дрон", Atom("дрон")),
        ("  Дрон ", "дрон", Atom("дрон")),
        ("ПВО", "ПВО", Atom("ПВО")),
        ('"power outage"', '"power outage"', Atom("power outage")),
        ("«Отключение   света»", '"отключение света"', Atom("отключение света")),
        ("“дрон”", "дрон", Atom("дрон")),
        ("дрон*", "дрон*", Atom("дрон", prefix=True)),
        ("Дрон*,", "дрон*", Atom("дрон", prefix=True)),
        ("дрон,", "дрон", Atom("дрон")),
        ("power outage", "power outage", And((Atom("power"), Atom("outage")))),
        ("дрон AND белгород", "дрон белгород", And((Atom("дрон"), Atom("белгород")))),
        ("дрон OR бпла", "дрон OR бпла", Or((Atom("дрон"), Atom("бпла")))),
        ("дрон ИЛИ бпла", "дрон OR бпла", Or((Atom("дрон"), Atom("бпла")))),
        ("дрон АБО бпла", "дрон OR бпла", Or((Atom("дрон"), Atom("бпла")))),
        ("дрон or бпла", "дрон or бпла", And((Atom("дрон"), Atom("or"), Atom("бпла")))),
        ("дрон -учения", "дрон -учения", And((Atom("дрон"), Not(Atom("учения"))))),
        ("дрон NOT учения", "дрон -учения", And((Atom("дрон"), Not(Atom("учения"))))),
        ("дрон НЕ учения", "дрон -учения", And((Atom("дрон"), Not(Atom("учения"))))),
        ("NOT NOT дрон", "дрон", Atom("дрон")),
        ("a OR b c", "a OR b c", Or((Atom("a"), And((Atom("b"), Atom("c")))))),
        (
            "(дрон OR бпла) белгород",
            "(дрон OR бпла) белгород",
            And((Or((Atom("дрон"), Atom("бпла"))), Atom("белгород"))),
        ),
        ("a (b c) d", "a b c d", And((Atom("a"), Atom("b"), Atom("c"), Atom("d")))),
        ("title:дрон", "title:дрон", Atom("дрон", field="title")),
        ("Title: дрон", "title:дрон", Atom("дрон", field="title")),
        ('title:"power outage"', 'title:"power outage"', Atom("power outage", field="title")),
        ("title:дрон*", "title:дрон*", Atom("дрон", prefix=True, field="title")),
        (
            "title:(a OR -b) c",
            "(title:a OR -title:b) c",
            And((Or((Atom("a", field="title"), Not(Atom("b", field="title")))), Atom("c"))),
        ),
        ("-(a OR b) c", "-(a OR b) c", And((Not(Or((Atom("a"), Atom("b")))), Atom("c")))),
        ('"OR" дрон', '"OR" дрон', And((Atom("OR"), Atom("дрон")))),
        ("12:00 взрыв", '"12:00" взрыв', And((Atom("12:00"), Atom("взрыв")))),
        ("covid-19", "covid-19", Atom("covid-19")),
        ("об'єкт", "об'єкт", Atom("об'єкт")),
    ],
)
def test_parse(text: str, canonical: str, root: object) -> None:
    query = parse_query(text)
    assert query.root == root
    assert str(query) == canonical
    assert parse_query(canonical) == query


@pytest.mark.parametrize(
    ("text", "reason", "column"),
    [
        ('дрон "атака', "unclosed_quote", 6),
        ("дрон)", "unopened_paren", 5),
        ("(a OR b) c)", "unopened_paren", 11),
        ("(дрон OR бпла", "unclosed_paren", 1),
        ("a (b (c)", "unclosed_paren", 3),
        ("NOT", "needs_term_after", 1),
        ("дрон NOT", "needs_term_after", 6),
        ("дрон OR", "needs_term_after", 6),
        ("a AND OR b", "needs_term_after", 3),
        ("a OR )", "needs_term_after", 3),
        ("title:", "needs_term_after", 1),
        ("OR дрон", "needs_term_before", 1),
        ("(AND a)", "needs_term_before", 2),
        ("a ()", "empty_parens", 3),
        ('a ""', "empty_phrase", 3),
        ("д*", "short_prefix", 1),
        ("*", "no_letters", 1),
        ("д*рон", "star_inside", 1),
        ('"дрон* атака"', "star_inside", 1),
        ("!!! дрон", "no_letters", 1),
        ("дрон -", "no_letters", 6),
        ("author:иванов", "unknown_field", 1),
        ("🙂title:-дрон*", "needs_term_after", 1),  # a prefix that would read back as title:
        ("-учения", "only_negative", 0),
        ("дрон OR -учения", "only_negative", 0),
        ("   ", "empty", 0),
        ("(" * 11 + "a" + ")" * 11, "too_deep", 11),
        (" ".join(f"w{i}" for i in range(21)), "too_many_terms", 0),
        ("a" * 201, "too_long", 201),
    ],
)
def test_errors_point_at_the_problem(text: str, reason: str, column: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert (caught.value.reason, caught.value.column) == (reason, column)
    assert isinstance(caught.value, UserInputError)


def matches(query: str, title: str, text: str = "") -> bool:
    index = KeywordIndex()
    index.add(query)
    return any(m.value == query for m in index.find(title, text))


@pytest.mark.parametrize(
    ("query", "title", "text", "expected"),
    [
        ("дрон", "Сбиты десятки дронов", "", True),
        ('"отключение света"', "", "начались отключения света", True),
        ('"отключение света"', "", "отключений подачи света", False),
        ("отключение света", "", "отключений подачи света", True),
        ("дрон белгород", "Дроны над Белгородом", "", True),
        ("дрон белгород", "Дроны над Курском", "", False),
        ("дрон AND белгород", "Дроны", "над Белгородом", True),
        ("дрон OR бпла", "Сбиты БПЛА", "", True),
        ("дрон OR бпла", "Сбиты ракеты", "", False),
        ("дрон -учения", "Дроны над городом", "", True),
        ("дрон -учения", "Дроны на учениях", "", False),
        ("дрон NOT учения", "Дроны", "Это были учения", False),
        ("(дрон OR бпла) белгород", "БПЛА над Белгородом", "", True),
        ("(дрон OR бпла) белгород", "БПЛА над Курском", "", False),
        ("дрон*", "", "Дроновод рассказал", True),
        ("дрон*", "", "Андрон рассказал", False),
        ("drone*", "", "Drone-maker said", True),
        ("title:дрон", "Дроны над городом", "", True),
        ("title:дрон", "Над городом", "Дроны", False),
        ("title:дрон -title:учения", "Дроны", "на учениях", True),
        ("title:(дрон OR бпла)", "", "БПЛА", False),
        ("ПВО", "Работала пво над городом", "", True),
    ],
)
def test_evaluation(query: str, title: str, text: str, expected: bool) -> None:
    assert matches(query, title, text) is expected


def test_mentions_highlight_only_the_words_that_made_the_query_true() -> None:
    index = KeywordIndex()
    query = "title:дрон* -учения OR взрыв"
    index.add(query)
    title, text = "Дроновод и дроны", "Гремели взрывы, дроны летали"
    mentions = index.find(title, text)
    assert [(m.field, m.surface) for m in mentions] == [
        ("title", "Дроновод"),
        ("title", "дроны"),
        ("text", "взрывы"),
    ]
    assert {m.value for m in mentions} == {query}
    for m in mentions:
        assert (title if m.field == "title" else text)[m.start : m.end] == m.surface


def test_queries_share_atoms_and_remove_keeps_the_others() -> None:
    index = KeywordIndex()
    index.add("дрон")
    index.add("дрон белгород")
    index.add("дрон*")
    title = "Дроны над Белгородом"
    assert {m.value for m in index.find(title, "")} == {"дрон", "дрон белгород", "дрон*"}
    index.remove("дрон")
    assert {m.value for m in index.find(title, "")} == {"дрон белгород", "дрон*"}
    index.remove("дрон*")
    index.remove("дрон белгород")
    assert index.find(title, "") == []
    assert index.atom_count == 0


@pytest.mark.parametrize("query", ["дрон", "Дрон", "title:дрон", "ПВО", '"air defense"'])
def test_a_query_added_again_or_removed_is_the_same_query(query: str) -> None:
    """Plain one-word queries are kept without their formula: each reads as the others do."""
    index = KeywordIndex()
    first = index.add(query)
    assert index.add(query) == first
    assert str(first) == str(parse_query(query))
    index.add("дрон OR ПВО")
    title = "Дроны и ПВО, air defense"
    assert {m.value for m in index.find(title, "")} == {query, "дрон OR ПВО"}
    index.remove(query)
    assert {m.value for m in index.find(title, "")} == {"дрон OR ПВО"}
    assert query not in index
    index.remove("дрон OR ПВО")
    assert index.find(title, "") == [] and index.atom_count == 0


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab дрон"«»()*:-OR AND NOT title ИЛИ,!'), max_size=40))
def test_any_string_parses_or_gets_a_pointed_error(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as exc:
        assert 0 <= exc.column <= len(" ".join(text.split())) + 1
        return
    assert parse_query(str(query)) == query


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_unicode_parses_or_gets_a_user_error(text: str) -> None:
    try:
        query = parse_query(text)
    except UserInputError:
        return
    assert parse_query(str(query)) == query


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", 'дрон "<b>', 'the quote at column 6 is never closed.\n<pre>дрон "&lt;b&gt;\n     ^'),
        ("ru", "a ) b", "у «)» в позиции 3 нет парной «(»"),
        ("uk", "-учения", "потрібне хоча б одне слово без NOT або -.\n/help watch"),
    ],
)
def test_error_replies_point_at_the_column_in_the_chats_language(
    lang: str, text: str, expected: str
) -> None:
    from bot.telegram.test_command import query_error_text

    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert expected in query_error_text(caught.value, text, lang)
