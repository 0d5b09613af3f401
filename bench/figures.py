"""A benchmark figure, how a bench module reports it, and the table `python -m bench` prints.

Each bench module has `figures(scale: float) -> list[Figure]`; run as a script with
`--figures-json` it prints them as one JSON line prefixed `FIGURES `, which is how
`python -m bench` collects them, one fresh process per module (so memory figures are clean).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

MARK = "FIGURES "


@dataclass(frozen=True, slots=True)
class Figure:
    name: str  # e.g. "parse"
    value: float
    unit: str  # e.g. "items/s"
    target: float | None = None
    higher_is_better: bool = True
    baseline: float | None = None
    baseline_name: str = ""
    note: str = ""

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline (>1 is better), whichever direction counts."""
        if not self.baseline or not self.value:
            return None
        return self.value / self.baseline if self.higher_is_better else self.baseline / self.value

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["meets_target"] = self.meets_target
        data["ratio"] = self.ratio
        return data


def from_json(data: dict[str, object]) -> Figure:
    fields = set(Figure.__dataclass_fields__)
    return Figure(**{k: v for k, v in data.items() if k in fields})  # type: ignore[arg-type]


def number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "target", "baseline", "ratio", "ok")]
    for f in figures:
        target = (
            "" if f.target is None else ("≥ " if f.higher_is_better else "≤ ") + number(f.target)
        )
        baseline = "" if f.baseline is None else f"{number(f.baseline)} ({f.baseline_name})"
        ratio = "" if f.ratio is None else f"{f.ratio:.1f}x"
        ok = {True: "yes", False: "NO", None: ""}[f.meets_target]
        rows.append((f.name, f"{number(f.value)} {f.unit}", target, baseline, ratio, ok))
    return columns(rows)


def columns(rows: Sequence[tuple[str, ...]]) -> str:
    """Rows as aligned columns, the first row a header underlined with dashes."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def bench_main(figures: Callable[[float], list[Figure]], doc: str | None) -> None:
    """The command line every bench module shares."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (0.1 = quick)")
    parser.add_argument("--figures-json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()
    result = figures(args.scale)
    if args.figures_json:
        print(MARK + json.dumps([f.as_json() for f in result], ensure_ascii=False), flush=True)
    else:
        print(table(result))
