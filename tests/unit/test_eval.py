"""Corpus evaluation: the floors matching must keep on the dev corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.eval import evaluate, main, read_items

CORPUS = Path(__file__).parents[1] / "data" / "corpus" / "dev.jsonl"


@pytest.fixture(scope="module")
def result() -> dict[str, dict[str, dict[str, float]]]:
    return evaluate(read_items(CORPUS))


@pytest.mark.parametrize("lang", ["ru", "uk", "en", "all"])
def test_region_f1_floor(result: dict[str, dict[str, dict[str, float]]], lang: str) -> None:
    assert result["regions"][lang]["f1"] >= 0.97


@pytest.mark.parametrize("lang", ["ru", "uk", "en", "all"])
def test_term_f1_floor(result: dict[str, dict[str, dict[str, float]]], lang: str) -> None:
    assert result["terms"][lang]["f1"] >= 0.98


def test_scores_are_micro_averaged() -> None:
    items = [
        {"id": "a", "lang": "en", "title": "Drones over Kursk", "summary": "",
         "regions": ["RU-KRS", "RU-BEL"], "terms": ["drone"]},
        {"id": "b", "lang": "en", "title": "Rain in Paris", "summary": "",
         "regions": [], "terms": ["shelling"]},
    ]  # fmt: skip
    scores = evaluate(items, with_errors=True)
    assert scores["regions"]["en"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}
    assert scores["terms"]["all"]["recall"] == 0.5
    assert scores["errors"]["regions"] == ["a -RU-BEL"]


def test_terms_of_another_language_do_not_count() -> None:
    item = {"id": "x", "lang": "uk", "title": "Губернатор: «беспилотник атаковал»",
            "summary": "", "regions": [], "terms": []}  # fmt: skip
    assert evaluate([item])["terms"]["uk"]["precision"] == 1.0


def test_main_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"regions", "terms"}


def test_main_reports_unreadable_file(tmp_path: Path) -> None:
    assert main([str(tmp_path / "missing.jsonl")]) == 2
