"""Run every benchmark and print one table: figure, value, target, baseline, ratio.

    python -m bench [--scale 1.0] [--json bench/results.json] [--only parse,match]
    python3 dev.py bench            (the same, from a fresh clone)

Each module runs in its own process (clean memory figures); figures are also written as JSON
so they can be compared across commits: `python -m bench.compare OLD.json NEW.json`.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import MARK, Figure, from_json, table
from bot import native

MODULES = [
    "bench.bench_parse",
    "bench.bench_match",
    "bench.bench_regions",
    "bench.bench_ingest",
    "bench.bench_stories",
    "bench.bench_poll",
    "bench.bench_delivery",
    "bench.bench_memory",
]
ROOT = Path(__file__).resolve().parents[1]


def run_module(module: str, scale: float) -> tuple[list[Figure], str]:
    if not (ROOT / (module.replace(".", "/") + ".py")).exists():
        return [], "missing"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", module, "--scale", str(scale), "--figures-json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    figures: list[Figure] = []
    for line in result.stdout.splitlines():
        if line.startswith(MARK):
            figures = [from_json(item) for item in json.loads(line[len(MARK) :])]
    if result.returncode != 0 or not figures:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        return figures, f"failed ({result.returncode}): {' | '.join(tail)}"
    return figures, f"{elapsed:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (0.1 = quick)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--only", help="comma-separated module suffixes, e.g. parse,match")
    args = parser.parse_args(argv)
    modules = MODULES
    if args.only:
        wanted = {f"bench.bench_{name.strip()}" for name in args.only.split(",")}
        modules = [m for m in MODULES if m in wanted]
    figures: list[Figure] = []
    status: dict[str, str] = {}
    for module in modules:
        print(f"running {module} ...", file=sys.stderr, flush=True)
        found, status[module] = run_module(module, args.scale)
        figures.extend(found)
    print(table(figures))
    print()
    for module, state in status.items():
        print(f"{module}: {state}")
    compiled = native.in_use()  # each module's process decides alike (same sources, same env)
    print(f"compiled modules (bot.native): {'in use' if compiled else 'not in use: plain Python'}")
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpus": __import__("os").cpu_count(),
        "system": platform.platform(),
        "compiled": compiled,
    }
    Path(args.json).write_text(
        json.dumps(
            {
                "scale": args.scale,
                "machine": machine,
                "modules": status,
                "figures": [f.as_json() for f in figures],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nwritten: {args.json}")
    failed = [m for m, s in status.items() if s.startswith("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
