"""The compiled hot path (`bot.native`): used only while it is built from the sources as
they are, and finding and parsing exactly what the plain modules do."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import native, native_build
from bot.native_build import compiler

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A build folder of the package's layout, not yet stamped (LOOKOUT_NATIVE unset)."""
    monkeypatch.delenv("LOOKOUT_NATIVE", raising=False)
    folder = tmp_path / "native"
    (folder / "bot" / "matching").mkdir(parents=True)
    native.built.cache_clear()
    yield folder
    native.built.cache_clear()  # the real build's answer is read again


def test_a_build_is_used_only_once_stamped_with_the_sources(home: Path) -> None:
    path = ["/src/bot/matching"]
    assert native.extend(path, "bot.matching", home) == path
    (home / native.STAMP).write_text(native.fingerprint(), encoding="ascii")
    native.built.cache_clear()
    assert native.extend(path, "bot.matching", home) == [str(home / "bot" / "matching"), *path]


def test_a_build_of_other_sources_is_not_used(home: Path) -> None:
    (home / native.STAMP).write_text("0" * 64, encoding="ascii")
    assert native.extend(["/src/bot"], "bot", home) == ["/src/bot"]


def test_lookout_native_0_turns_a_build_off(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / native.STAMP).write_text(native.fingerprint(), encoding="ascii")
    monkeypatch.setenv("LOOKOUT_NATIVE", "0")
    assert native.extend(["/src/bot"], "bot", home) == ["/src/bot"]


def test_editing_any_module_changes_the_fingerprint(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("data"))
    before = native.fingerprint(tmp_path)
    models = tmp_path / "bot" / "models.py"  # compiled against, not compiled itself
    models.write_text(models.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert native.fingerprint(tmp_path) != before


def _can_compile() -> bool:
    return compiler() is not None and importlib.util.find_spec("mypyc") is not None


def _probe(**env: str) -> dict[str, object]:
    found = subprocess.run(
        [sys.executable, "-m", "tests.integration.native_probe"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(found.stdout)
    return result


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("LOOKOUT_NATIVE") == "0", reason="plain Python asked for")
@pytest.mark.skipif(not _can_compile(), reason="no C compiler or mypyc: plain Python only")
def test_the_compiled_modules_find_and_parse_what_the_plain_ones_do() -> None:
    assert native.built(), "not built from these sources: python -m bot.native_build"
    compiled, plain = _probe(), _probe(LOOKOUT_NATIVE="0")
    assert compiled["compiled"] is True
    assert plain["compiled"] is False
    assert compiled["parsed"] == plain["parsed"]
    assert compiled["matched"] == plain["matched"]
    assert any(compiled["matched"])  # the corpus has regions and watch terms to find


def test_without_a_c_compiler_the_build_says_so_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CC", "/nonexistent/cc")
    assert compiler() is None
    assert native_build.main([]) == 1  # before mypyc's type checking, and nothing removed
    assert "not compiled (no C compiler): plain Python" in capsys.readouterr().err
