"""`python -m bench.compare`: two bench runs side by side, judged by each figure's direction
and by its ratio to the same-run baseline, which the machine's speed does not move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.compare import Change, changes, main, verdict
from bench.figures import Figure

PARSE_OLD = Figure("parse", 60_000, "items/s", 50_000, baseline=2_000, baseline_name="fp")
# the machine a third slower: the value falls, the ratio to the baseline holds
PARSE_NEW = Figure("parse", 40_000, "items/s", 50_000, baseline=1_350, baseline_name="fp")
RSS_OLD = Figure("peak RSS", 150, "MB", 150, higher_is_better=False)
RSS_NEW = Figure("peak RSS", 120, "MB", 150, higher_is_better=False)


def test_a_slower_machine_moves_the_value_but_not_the_ratio() -> None:
    change = Change("parse", PARSE_OLD, PARSE_NEW)
    assert change.value_change == pytest.approx(-1 / 3)
    assert verdict(change.value_change) == "worse"
    assert change.ratio_change == pytest.approx((40_000 / 1_350) / 30 - 1)
    assert verdict(change.ratio_change) == "even"


def test_less_memory_is_better() -> None:
    change = Change("peak RSS", RSS_OLD, RSS_NEW)
    assert change.value_change == pytest.approx(0.25)
    assert verdict(change.value_change) == "better"
    assert change.ratio_change is None


@pytest.mark.parametrize(
    ("change", "said"), [(None, ""), (0.099, "even"), (-0.099, "even"), (0.1, "better")]
)
def test_changes_within_the_noise_are_even(change: float | None, said: str) -> None:
    assert verdict(change) == said


def test_every_figure_of_either_run_in_the_new_runs_order() -> None:
    gone = Figure("gone", 1.0, "s")
    found = changes([gone, RSS_OLD, PARSE_OLD], [PARSE_NEW, RSS_NEW])
    assert [(c.name, c.old is not None, c.new is not None) for c in found] == [
        ("parse", True, True),
        ("peak RSS", True, True),
        ("gone", True, False),
    ]
    assert found[2].value_change is None


def test_the_command_reads_two_results_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for name, figures in (("old", [PARSE_OLD, RSS_OLD]), ("new", [PARSE_NEW, RSS_NEW])):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"figures": [f.as_json() for f in figures]}))
        paths.append(str(path))

    assert main(paths) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["figure", "old", "new", "change"]
    assert lines[2].split() == [
        "parse", "60,000", "items/s", "40,000", "items/s", "-33%", "worse", "-1%", "even"
    ]  # fmt: skip
    assert lines[3].split() == ["peak", "RSS", "150", "MB", "120", "MB", "+25%", "better"]


def test_runs_compiled_and_not_are_told_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for name, compiled in (("old", False), ("new", True)):
        path = tmp_path / f"{name}.json"
        figures = [PARSE_OLD.as_json()]
        path.write_text(json.dumps({"machine": {"compiled": compiled}, "figures": figures}))
        paths.append(str(path))

    assert main(paths) == 0

    last = capsys.readouterr().out.splitlines()[-1]
    assert last == "note: the old run was plain Python, the new one compiled (bot.native)"
