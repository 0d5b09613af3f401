"""Watch terms' forms saved at start-up: a restart finds the same and expands nothing again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matching import atoms
from bot.matching.keywords import KeywordIndex
from bot.matching.saved_forms import header, read_forms

QUERIES = ["дрон", '"отключение света"', "обстріл -навчання", "drone*", "title:ПВО", "(("]
TITLE = "Дронов сбили над Белгородом, ПВО работала; отключения света"
TEXT = "Обстріли тривають. Drones over the city."


def mentions(index: KeywordIndex) -> list[tuple[str, str, str, int]]:
    return [(m.value, m.surface, m.field, m.start) for m in index.find(TITLE, TEXT)]


def test_a_restart_reads_the_forms_instead_of_expanding_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "forms.jsonl"
    first = KeywordIndex(forms_file=path)
    assert first.load(QUERIES) == ["(("]
    expected = mentions(first)
    assert expected and expected == mentions(_plain(QUERIES[:-1]))

    def refuse(term: str) -> frozenset[str]:
        raise AssertionError(f"expanded {term!r} again")

    monkeypatch.setattr(atoms, "term_forms", refuse)
    again = KeywordIndex(forms_file=path)
    again.load(QUERIES)
    assert mentions(again) == expected


def test_terms_added_later_are_appended_and_unwatched_ones_dropped(tmp_path: Path) -> None:
    path = tmp_path / "forms.jsonl"
    index = KeywordIndex(forms_file=path)
    index.load(["дрон"])
    index.add("обстрел")
    assert {row[0] for row in read_forms(path)} == {"дрон", "обстрел"}
    KeywordIndex(forms_file=path).load(["обстрел"])
    assert {row[0] for row in read_forms(path)} == {"обстрел"}


def test_a_stale_or_cut_short_file_is_expanded_again(tmp_path: Path) -> None:
    path = tmp_path / "forms.jsonl"
    path.write_text('lookout-forms 0 old\n["дрон", "дрон"]\n', encoding="utf-8")
    assert list(read_forms(path)) == []
    path.write_text(header() + '\n["дрон", "дро', encoding="utf-8")
    index = KeywordIndex(forms_file=path)
    index.load(["дрон"])
    assert {m.value for m in index.find("Дронами атаковали", "")} == {"дрон"}


def test_a_restart_builds_the_saved_stems_first_and_frees_those_no_query_takes(
    tmp_path: Path,
) -> None:
    """The automaton is built from the file before the queries are read; a term saved but no
    longer watched leaves a freed key, not a match; later changes work as on any index."""
    path = tmp_path / "forms.jsonl"
    KeywordIndex(forms_file=path).load([*QUERIES, "взрыв", "белгород"])
    again = KeywordIndex(forms_file=path)
    again.load(QUERIES)  # "взрыв" and "белгород" no longer watched
    assert set(again._atoms._delta) == {"drone"}  # the prefix; saved words' stems in the base
    assert mentions(again) == mentions(_plain(QUERIES[:-1]))
    assert again.find("Взрывы в Белгороде", "") == []
    again.add("белгород")
    again.remove("дрон")
    assert {m.value for m in again.find("Взрывы в Белгороде, дроны", "")} == {"белгород"}
    expected = _plain([q for q in QUERIES[:-1] if q != "дрон"] + ["белгород"])
    assert mentions(again) == mentions(expected)


def _plain(queries: list[str]) -> KeywordIndex:
    index = KeywordIndex()
    for query in queries:
        index.add(query)
    return index
