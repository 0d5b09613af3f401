"""The command line as an operator uses it: check-config, parse, fetch-once, compact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.e2e.conftest import LocalFeed, rss_item

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "belgorod-today.ru.rss.xml"


def test_check_config_reports_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(ROOT / "config/settings.toml"), "check-config"]) == 0
    out = capsys.readouterr().out
    assert "settings:" in out and "ok" in out
    assert "telegram" in out and "feed" in out


def test_check_config_names_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("[polling]\nspeed = 1\n")
    assert main(["--config", str(settings), "check-config"]) == 2
    assert "unknown setting(s) in [polling]: speed" in capsys.readouterr().err


def test_parse_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) >= 8
    assert set(lines[0]) == {"guid", "link", "title", "text", "published"}
    assert any("Грайворон" in line["title"] + line["text"] for line in lines)
    assert all(line["published"] is None or line["published"].endswith("Z") for line in lines)


def test_parse_refuses_a_file_that_is_not_a_feed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>hello</p></body></html>")
    assert main(["parse", str(page)]) == 1
    assert "not a feed Lookout can read" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "missing.xml")]) == 2


def test_python_dash_m_bot_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "fetch-once" in result.stdout and "check-config" in result.stdout


async def test_fetch_once_prints_new_and_matched(tmp_path: Path) -> None:
    feed = LocalFeed()
    await feed.start()
    try:
        feed.items[:] = [
            rss_item("a", "Дроны атаковали дома в Белгородской области", "Ночью."),
            rss_item("b", "Выставка цветов", "Весна."),
        ]
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "local"\ntitle = "Local"\nurl = "{feed.url}"\n'
            'kind = "feed"\nlanguage = "ru"\ninterval = 60\n'
            '[[source]]\nname = "dead"\nurl = "http://127.0.0.1:9/feed.xml"\n'
        )
        process = await _run_cli(
            "fetch-once", "--sources", str(sources), "--database", str(tmp_path / "db.sqlite3")
        )
    finally:
        await feed.stop()
    out = process.stdout
    assert "local: HTTP 200, 2 new, 1 matched" in out
    assert "Дроны атаковали дома в Белгородской области  [RU-BEL]" in out
    assert "dead: FAILED" in out
    assert process.returncode == 1


async def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    import asyncio

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return subprocess.CompletedProcess(args, proc.returncode or 0, out.decode(), err.decode())


async def _database_with_old_items(path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.models import Item, Source
    from bot.store import items
    from bot.store import sources as source_store
    from bot.store.db import Database

    now = datetime.now(UTC)
    db = await Database.open(path)
    async with db.write() as conn:
        await source_store.upsert_sources(conn, [Source("s", "S", "https://s.example/rss")])
        for key, age in (("old1", 40), ("old2", 39), ("new", 0)):
            item = Item("s", key, None, key, "слово " * 50_000, now, "ru")
            await items.insert_new_items(conn, [item], (now - timedelta(days=age)).timestamp())
    await db.close()


def test_compact_forgets_the_aged_and_gives_the_space_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio
    import sqlite3

    database = tmp_path / "lookout.sqlite3"
    asyncio.run(_database_with_old_items(database))
    settings = str(ROOT / "config/settings.toml")

    assert main(["--config", settings, "compact", "--database", str(database)]) == 0

    out = capsys.readouterr().out
    assert "forgot 0 outbox rows, 0 alert bodies, 2 items, 0 stories (older than 30 days)" in out
    before, after = (int(n) for n in out.rsplit(";", 1)[1].split("bytes")[0].split("->"))
    assert after < before / 2
    keys = sqlite3.connect(database).execute("SELECT key FROM items").fetchall()
    assert keys == [("new",)]


def test_compact_refuses_too_few_days_and_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = str(ROOT / "config/settings.toml")
    missing = str(tmp_path / "none.sqlite3")
    assert main(["--config", settings, "compact", "--days", "3", "--database", missing]) == 2
    assert "--days must be 0 (forget nothing) or at least 8" in capsys.readouterr().err
    assert main(["--config", settings, "compact", "--database", missing]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not Path(missing).exists()
