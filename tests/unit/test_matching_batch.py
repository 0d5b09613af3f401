"""The faster matching paths give exactly what the plain ones give.

- the watch-term index kept as a base automaton plus a delta (and freed slots) finds what
  an index built afresh over the same queries finds, after any adds and removes;
  (also with another reader's keys first in its automaton, some of them the atoms' own);
- `ItemMatcher.find_many` (a batch, one search finding regions and watch terms) gives what
  the gazetteer and the index give each on their own, item by item;
- `scanning.scan` hands each text exactly its own hits, at character offsets, whatever
  characters its keys and texts hold;
- `folding.normalize_batch` normalizes a chunk's texts as `normalize` does each, and its
  batch is the one their normalized texts make.
"""

from __future__ import annotations

from datetime import UTC, datetime

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching import atoms, item_matcher
from bot.matching.folding import normalize_batch
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.matching.scanning import Batch, Keys, automaton, scan
from bot.matching.text import normalize_uncached
from bot.models import Item, Mention

QUERIES = [
    "дрон",
    "дроны",
    "беспилотник",
    "бпла",
    "обстрел*",
    "обстрел",
    "дро*",
    '"air defense"',
    "drone -exercise",
    "drone",
    "Drone",
    '"отключение света"',
    "взрыв OR вибух",
    "title:Белгород",
    "ПВО",
]
TEXTS = [
    "Дроны атаковали Белгород, ПВО сбила беспилотники; обстрелы продолжаются",
    "Drones and air defence: drone exercise near Kyiv",
    "Отключения света после взрывов, дронов и обстрела. Вибух у Харкові",
    "дродрон дро обстрелять БПЛА-атака",
    "",
]

changes = st.lists(st.tuples(st.sampled_from(QUERIES), st.booleans()), max_size=40)


def fresh_index(queries: set[str]) -> KeywordIndex:
    index = KeywordIndex()
    for query in sorted(queries):
        index.add(query)
    return index


# another reader's keys, as the gazetteer's forms are: some are the atoms' stems too
ALONGSIDE = ["белгород", "дрон", "обстрел", "drone", "пво", "харкові"]


@settings(max_examples=60, deadline=None)
@given(changes, st.integers(min_value=0, max_value=6), st.booleans())
def test_base_and_delta_find_what_a_fresh_index_finds(
    steps: list[tuple[str, bool]], rebuild_after: int, alongside: bool
) -> None:
    index = KeywordIndex(alongside=Keys(ALONGSIDE) if alongside else None)
    watched: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(atoms, "REBUILD_AFTER", rebuild_after)  # rebuilds the base often
        for n, (query, watch) in enumerate(steps):
            if watch:
                index.add(query)
                watched.add(query)
            else:
                index.remove(query)
                watched.discard(query)
            if n % 3 == 0:  # a search between changes builds the automata
                index.find(TEXTS[0], TEXTS[1])
        expected = fresh_index(watched)
        for title in TEXTS:
            for text in TEXTS:
                assert index.find(title, text) == expected.find(title, text)


def test_a_removed_key_added_again_is_found_once() -> None:
    index = KeywordIndex()
    index.add("дрон")
    index.add("взрыв")
    index.find("", "")  # in the base automaton now
    index.remove("дрон")
    assert index.find("дроны", "") == []
    index.add("дрон")  # in the delta, its base pattern freed
    assert [m.value for m in index.find("дроны", "")] == ["дрон"]


def item(title: str, text: str) -> Item:
    return Item("src", title + text, None, title, text, datetime(2026, 1, 1, tzinfo=UTC), "ru")


def test_another_readers_keys_come_first_and_are_not_atoms() -> None:
    index = KeywordIndex(alongside=Keys(ALONGSIDE))
    index.add("дрон")
    index.find("", "")  # the base automaton: ALONGSIDE, then the atoms' stems
    assert index.first_own == len(ALONGSIDE)
    (base, _), delta = index.scan(Batch(["дроны над белгородом"]))[0]
    assert sorted(pattern for pattern, _, _ in base) == [0, 1, len(ALONGSIDE)]
    assert delta == ([], 0)
    assert [m.value for m in index.find("дроны над белгородом", "")] == ["дрон"]
    index.find_alongside(Keys(["курск"]))  # another set: the base is built again
    index.find("", "")
    assert index.first_own == 1


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_find_many_finds_what_each_reader_finds_alone(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_matcher, "CHUNK", chunk)
    gazetteer = Gazetteer.load()
    index = fresh_index(set(QUERIES))
    matcher = ItemMatcher(gazetteer, index)  # the index now finds the gazetteer's forms too
    alone = fresh_index(set(QUERIES))  # without them

    def each_alone(i: Item) -> list[Mention]:
        return gazetteer.find(i.title, i.text) + alone.find(i.title, i.text)

    items = [item(t, x) for t in TEXTS for x in TEXTS]
    items += [item("Курской области", "МОСКВА — «Москва» под Курском"), item("", "")]
    expected = [each_alone(i) for i in items]
    assert any(expected)
    assert matcher.find_many(items) == expected
    assert [matcher.find(i) for i in items] == expected
    assert matcher.find_many([]) == []
    index.add("Курск")  # in the delta (and a region's form): the batch searches it as well
    alone.add("Курск")
    assert any(m.value == "Курск" for ms in matcher.find_many(items) for m in ms)
    assert matcher.find_many(items) == [each_alone(i) for i in items]
    found = matcher.found_in(items)
    assert [found.find(i) for i in items] == [matcher.find(i) for i in items]
    other = item("Дрон над Белгородом", "")
    assert found.find(other) == matcher.find(other)


KEYS = ["a", "ab", "b", "ba", "c a", "a-b", "b'a", "a,", "ё", "бё", "a?", "?", "日", "ї", "b😀"]
KEYS += ["é"]
WHOLE = bytes([1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1])  # keys wanted as whole words


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not text[end].isalnum()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet="ab cёбї?日é😀-',.", max_size=12), min_size=1, max_size=6))
def test_scan_gives_each_text_its_own_hits_where_words_start(texts: list[str]) -> None:
    """Searched as cp1251 bytes, with the keys cp1251 cannot spell (or that hold "?") in
    `str`: the same hits, at the same character offsets, as one `str` automaton per text,
    less those inside a word (which no reader wants; a letter cp1251 lacks, "日", "é", is
    part of a word too), and those of keys wanted as whole words that do not end a word. A
    key with a space, a hyphen, an apostrophe or a comma is found only where the text has
    that very character."""
    reference = ahocorasick_rs.AhoCorasick(KEYS)
    found = [
        sorted((k, s - shift, e - shift) for k, s, e in hits)
        for hits, shift in scan(automaton(KEYS, len(KEYS), WHOLE), Batch(texts))
    ]
    assert found == [
        sorted(
            (k, s, e)
            for k, s, e in reference.find_matches_as_indexes(t, overlapping=True)
            if _starts_word(t, s) and (not WHOLE[k] or _ends_word(t, e))
        )
        for t in texts
    ]


def test_names_and_terms_cp1251_cannot_spell_are_found_where_they_are() -> None:
    """Texts are searched as cp1251 bytes; "ë", "é" and CJK are searched apart, as `str`, and
    a character cp1251 lacks (read as "?") never joins a match of the other keys."""
    gazetteer = Gazetteer.load()
    found = gazetteer.find("Shelling reported in Biryulëvo overnight", "")
    assert [(m.value, m.surface, m.start) for m in found] == [("RU-MOW", "Biryulëvo", 21)]
    index = KeywordIndex()
    for term in ("café", "日本", "дрон"):
        index.add(term)
    found = index.find("Drone hits café? 日本 дронов", "")
    assert [(m.value, m.surface, m.start) for m in found] == [
        ("café", "café", 11),
        ("日本", "日本", 17),
        ("дрон", "дронов", 20),
    ]
    assert index.find("caf? cafe ?? 本日 本?", "") == []  # "?" stands for no other character


# what normalization changes (spaces, apostrophes, "ё", case, a soft hyphen, a combining
# accent), characters cp1251 lacks, and the newline that joins a batch's texts
_FOLDED = "aZ бЖёЁїЇґ?’'`-\u2011\t\n\xa0\u2003\xad\u0301😀éİΣ"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=_FOLDED, max_size=10), min_size=1, max_size=5))
def test_normalize_batch_is_normalize_of_each_text(texts: list[str]) -> None:
    """Each text as `normalize_uncached` makes it, offsets and all; whether every text of
    the batch folds byte by byte, or some must be normalized on their own."""
    norms, batch = normalize_batch(texts)
    expected = [normalize_uncached(t) for t in texts]
    assert [(n.text, list(n.origin)) for n in norms] == [(n.text, list(n.origin)) for n in expected]
    made = Batch([n.text for n in expected])
    assert (batch.text, batch.data, batch.words, batch.sizes) == (
        made.text,
        made.data,
        made.words,
        made.sizes,
    )
