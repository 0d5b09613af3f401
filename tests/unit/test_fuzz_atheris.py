"""A short coverage-guided fuzz run (atheris) of each parser target in tests/fuzz/fuzz_parsers.

Each target runs in a subprocess for a bounded number of inputs, seeded with real documents
copied to a temporary corpus (libFuzzer writes new inputs into it). A crash, meaning any
exception but the parser's own, makes libFuzzer exit non-zero with the input it found.
Skipped where atheris is not installed (it is in the dev extras for Linux).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SEEDS = {
    "feed": [
        *sorted((DATA / "feeds").glob("*.xml")),
        DATA / "feeds" / "jsonfeed11.json",
        *sorted((DATA / "peer-feeds" / "illformed").glob("*.xml"))[:20],
    ],
    "telegram": [DATA / "feeds" / "telegram_channel.tme.html"],
    "query": [],
}
RUNS = 3000


@pytest.mark.parametrize("target", sorted(SEEDS))
def test_short_atheris_run_finds_no_crash(target: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS[target]:
        shutil.copy(seed, corpus / seed.name)
    run = subprocess.run(
        [
            sys.executable, "-m", "tests.fuzz.fuzz_parsers", target,
            f"-runs={RUNS}", "-max_len=65536", "-rss_limit_mb=1024", "-timeout=20",
            f"-artifact_prefix={tmp_path}/", str(corpus),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    report = run.stderr[-4000:]
    assert run.returncode == 0, report
    assert f"Done {RUNS} runs" in run.stderr, report
