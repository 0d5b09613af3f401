"""Two runs of `python -m bench` side by side: each figure then and now, and how it changed.

    python -m bench.compare OLD.json NEW.json

A figure measured beside a baseline (feedparser, one regex per term) is compared by its
ratio to that baseline too: both ran in the same process minutes apart, so a change of the
ratio is the code's, where a change of the value alone may be the machine's (this project's
VM has run a fifth to a third slower on some days). Better and worse follow each figure's
direction (items/s up, MB down); a change under `NOISE` (single runs vary by about 10%) is
called even.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.figures import Figure, columns, from_json, number

NOISE = 0.10
Results = dict[str, Any]  # a results file: {"machine": ..., "figures": [...], ...}


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    old: Figure | None
    new: Figure | None

    @property
    def value_change(self) -> float | None:
        """New over old, less one, made positive when better; None without both."""
        if self.old is None or self.new is None or not self.old.value or not self.new.value:
            return None
        change = self.new.value / self.old.value
        return (change if self.new.higher_is_better else 1 / change) - 1

    @property
    def ratio_change(self) -> float | None:
        """The same for the ratio to the same-run baseline (which is better when higher)."""
        old = self.old.ratio if self.old else None
        new = self.new.ratio if self.new else None
        return None if not old or not new else new / old - 1


def changes(old: list[Figure], new: list[Figure]) -> list[Change]:
    """Every figure of either run, in the new run's order, then those only the old one has."""
    before = {f.name: f for f in old}
    after = {f.name: f for f in new}
    names = [*after, *(name for name in before if name not in after)]
    return [Change(name, before.get(name), after.get(name)) for name in names]


def verdict(change: float | None) -> str:
    if change is None:
        return ""
    if abs(change) < NOISE:
        return "even"
    return "better" if change > 0 else "worse"


def _percent(change: float | None) -> str:
    return "" if change is None else f"{change:+.0%}"


def _value(figure: Figure | None) -> str:
    if figure is None:
        return "-"
    return f"{number(figure.value)} {figure.unit}"


def table(found: list[Change]) -> str:
    header = ("figure", "old", "new", "change", "", "ratio to baseline: change", "")
    rows: list[tuple[str, ...]] = [header]
    for c in found:
        ratio = c.ratio_change
        rows.append(
            (
                c.name,
                _value(c.old),
                _value(c.new),
                _percent(c.value_change),
                verdict(c.value_change),
                _percent(ratio),
                verdict(ratio),
            )
        )
    return columns(rows)


def load(path: Path) -> Results:
    """A results file `python -m bench` wrote."""
    data: Results = json.loads(path.read_text(encoding="utf-8"))
    return data


def figures_of(results: Results) -> list[Figure]:
    return [from_json(item) for item in results["figures"]]


def compiled_note(old: Results, new: Results) -> str | None:
    """A warning when one run had the compiled modules (`bot.native`) and the other not
    (files written before the flag count as plain Python)."""
    flags = [bool(run.get("machine", {}).get("compiled")) for run in (old, new)]
    if flags[0] == flags[1]:
        return None
    said = ["compiled" if flag else "plain Python" for flag in flags]
    return f"note: the old run was {said[0]}, the new one {said[1]} (bot.native)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="results JSON of the earlier run")
    parser.add_argument("new", type=Path, help="results JSON of the later run")
    args = parser.parse_args(argv)
    old, new = load(args.old), load(args.new)
    print(table(changes(figures_of(old), figures_of(new))))
    note = compiled_note(old, new)
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
