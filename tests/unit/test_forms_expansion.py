"""Watch terms' forms expanded in a child process are the ones the index expands itself, and
pymorphy3 is let go once the watch queries are loaded (bot.matching.expand_forms,
bot.watch_loading, bot.matching.morph)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot import watch_loading
from bot.heap import return_freed_memory
from bot.matching import atoms, morph
from bot.matching.expand_forms import main, queries_input, words_and_phrases, write_forms
from bot.matching.forms import term_forms
from bot.matching.keywords import KeywordIndex
from bot.matching.saved_forms import header, is_current, read_forms

QUERIES = [
    "дрон",
    '"отключение света"',
    "обстріл -навчання",
    "drone*",
    "title:ПВО",
    "((",
    "дрон OR беспилотник",
    "power outage",
    "Белгородская область",
    "взрыв\nна заводе",
]


DRONE = {"дрон", "дрон OR беспилотник"}


def saved(path: Path) -> dict[str, list[str]]:
    return {term: forms for term, forms, _ in read_forms(path)}


def test_the_words_and_phrases_are_those_of_the_queries_that_parse() -> None:
    assert words_and_phrases(["дрон", "((", "дрон OR беспилотник", "drone* -учения"]) == [
        "дрон",
        "беспилотник",
        "учения",
    ]


def test_the_child_writes_the_forms_the_index_saves_itself(tmp_path: Path) -> None:
    by_index = tmp_path / "index.forms"
    KeywordIndex(by_index).load(QUERIES)
    by_child = tmp_path / "child.forms"
    write_forms(by_child, words_and_phrases(QUERIES))
    assert saved(by_child) == saved(by_index)
    assert saved(by_child)["дрон"][:3] == ["дрон", "дрона", "дронам"]


async def test_a_first_start_expands_in_a_child_and_the_index_reads_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forms_file = tmp_path / "bot.sqlite3.forms"
    assert await watch_loading.expand_forms_apart(QUERIES, forms_file)
    assert is_current(forms_file)
    expected = tmp_path / "expected.forms"
    KeywordIndex(expected).load(QUERIES)
    assert saved(forms_file) == saved(expected)

    def refuse(term: str) -> frozenset[str]:
        raise AssertionError(f"expanded {term!r} in the bot's process")

    monkeypatch.setattr(atoms, "term_forms", refuse)
    index = watch_loading.build_index(QUERIES, forms_file)
    assert {m.value for m in index.find("Дронами атаковали", "")} == DRONE


@pytest.mark.parametrize("failure", ["no python", "no directory"])
async def test_a_failed_child_leaves_the_expansion_to_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    forms_file = tmp_path / "bot.sqlite3.forms"
    if failure == "no python":
        monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
        assert not await watch_loading.expand_forms_apart(QUERIES, forms_file)
    else:
        assert not await watch_loading.expand_forms_apart(QUERIES, tmp_path / "gone" / "x")
    assert "forms_expansion_failed" in caplog.text
    index = watch_loading.build_index(QUERIES, forms_file)
    assert {m.value for m in index.find("Дронами атаковали", "")} == DRONE
    assert is_current(forms_file)


def test_the_child_reads_queries_as_json_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = tmp_path / "stdin"
    stdin.write_bytes(queries_input(["взрыв\nна заводе", "дрон"]))
    with stdin.open() as lines:
        monkeypatch.setattr(sys, "stdin", lines)
        assert main([str(tmp_path / "out.forms")]) == 0
    assert set(saved(tmp_path / "out.forms")) == {"взрыв", "на", "заводе", "дрон"}
    assert main([]) == 2


def test_an_interrupted_expansion_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.forms"
    path.write_text(header() + '\n["дрон", "дрон", "дрона"]\n', encoding="utf-8")

    def broken(term: str) -> frozenset[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr("bot.matching.expand_forms.term_forms", broken)
    with pytest.raises(KeyboardInterrupt):
        write_forms(path, ["взрыв"])
    assert saved(path) == {"дрон": ["дрон", "дрона"]}
    assert list(tmp_path.iterdir()) == [path]


def test_the_analyzers_are_let_go_once_loaded_and_built_again_on_use() -> None:
    term_forms.cache_clear()  # words other tests expanded would not reach the analyzers
    morph.analyzer("ru")
    assert not morph.release_analyzers(idle_seconds=3600)  # just used
    index = watch_loading.build_index(["взрыв"], None)  # expands in this process
    assert not morph.release_analyzers()  # the load let them go
    index.add("обстрел")  # a /watch later: built again
    assert morph.release_analyzers()
    assert {m.value for m in index.find("Обстрелы и взрывы", "")} == {"взрыв", "обстрел"}


def test_freed_memory_can_be_handed_back_on_glibc() -> None:
    assert return_freed_memory() == sys.platform.startswith("linux")
