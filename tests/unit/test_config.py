"""Settings and sources files: defaults, checks, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings, load_sources, parse_sources
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_settings_and_sources_load() -> None:
    settings = load_settings(ROOT / "config" / "settings.toml")
    assert settings.sandbox.port == 8080
    sources = load_sources(ROOT / "config" / "sources.toml")
    assert len(sources) >= 5
    assert {s.kind for s in sources} == {"feed", "telegram"}
    assert all(s.url.startswith("https://") for s in sources)


def test_every_setting_in_the_shipped_file_has_a_comment() -> None:
    lines = (ROOT / "config" / "settings.toml").read_text().splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            assert lines[number - 1].lstrip().startswith("#"), f"no comment above: {line}"


def test_unknown_setting_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[polling]\ntick = 3\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(path)


def test_wrong_type_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[sandbox]\nport = "eighty"\n')
    with pytest.raises(ConfigError, match="port must be int"):
        load_settings(path)


def test_a_story_pool_of_no_items_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[delivery]\nstory_pool_items = 0\n")
    with pytest.raises(ConfigError, match="story_pool_items must be at least 1"):
        load_settings(path)


@pytest.mark.parametrize(("days", "kept"), [(0, 0), (8, 8), (365, 365)])
def test_keep_days_is_everything_or_at_least_a_week_and_a_day(
    tmp_path: Path, days: int, kept: int
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f"[storage]\nkeep_days = {days}\n")
    assert load_settings(path).storage.keep_days == kept


@pytest.mark.parametrize("days", [-1, 1, 7])
def test_keep_days_shorter_than_a_weekly_digest_is_an_error(tmp_path: Path, days: int) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f"[storage]\nkeep_days = {days}\n")
    with pytest.raises(ConfigError, match=r"keep_days must be 0 \(keep everything\) or at least 8"):
        load_settings(path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"url": "https://a.example/rss"}, "'name' is required"),
        ({"name": "a", "url": "file:///etc/passwd"}, "http or https"),
        ({"name": "a", "url": "https://a.example", "kind": "rss"}, "kind must be"),
        ({"name": "a", "url": "https://a.example", "interval": 0}, "interval"),
    ],
)
def test_bad_sources_are_named(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_sources({"source": [entry]})


def test_duplicate_source_names_are_refused() -> None:
    entry = {"name": "a", "url": "https://a.example/rss"}
    with pytest.raises(ConfigError, match="duplicate"):
        parse_sources({"source": [entry, entry]})
