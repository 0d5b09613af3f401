"""Schema migrations on real files: an old database migrates with its data; a failure or a
SIGKILL part-way leaves the old or the new schema, never a mix. (A newer database is refused:
tests/integration/test_store.py::test_newer_schema_is_refused_with_a_clear_message.)"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.store import admin, digests, outbox
from bot.store import db as db_module
from bot.store.db import SCHEMA_VERSION, Database, _statements
from bot.store.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]


def make_database(path: Path, version: int) -> None:
    """A database at `version` exactly as an older Lookout left it, with data from version 1."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:version]:
        conn.execute("BEGIN")
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute("COMMIT")
    conn.execute(f"PRAGMA user_version={version}")
    conn.close()


def add_v1_data(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO sources (name, title, url, kind, language, interval) "
        "VALUES ('s', 'S', 'https://s.example/rss', 'feed', 'ru', 300)"
    )
    conn.execute(
        "INSERT INTO items (source, key, title, text, language, published_at, fetched_at) "
        "VALUES ('s', 'k1', 'Дрон над Белгородом', 'текст', 'ru', 1, 2)"
    )
    conn.execute(
        "INSERT INTO chats (id, type, language, created_at) VALUES (7, 'private', 'ru', 1)"
    )
    conn.execute("INSERT INTO region_subscriptions VALUES (7, 'RU-BEL', 1)")
    conn.execute("INSERT INTO watch_terms VALUES (7, 'дрон', 1)")
    conn.execute(
        "INSERT INTO outbox (chat_id, item_id, dedup_key, text, created_at) "
        "VALUES (7, 1, 'item:1', '<b>alert</b>', 1)"
    )
    conn.commit()
    conn.close()


def v1_data(path: Path) -> list[object]:
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute("SELECT name, url FROM sources").fetchall(),
            conn.execute("SELECT key, title FROM items").fetchall(),
            conn.execute("SELECT id, language FROM chats").fetchall(),
            conn.execute("SELECT chat_id, region FROM region_subscriptions").fetchall(),
            conn.execute("SELECT chat_id, term FROM watch_terms").fetchall(),
            conn.execute("SELECT chat_id, dedup_key, text, state FROM outbox").fetchall(),
        ]
    finally:
        conn.close()


def schema_of(path: Path) -> tuple[int, list[tuple[str, str]]]:
    """user_version and every table's and index's SQL."""
    conn = sqlite3.connect(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
        return version, [(str(n), str(s)) for n, s in rows]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def reference_schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[int, object]:
    """The schema each version has, built by applying migrations 1..v to an empty file."""
    folder = tmp_path_factory.mktemp("reference")
    schemas: dict[int, object] = {}
    for version in range(1, SCHEMA_VERSION + 1):
        path = folder / f"v{version}.sqlite3"
        make_database(path, version)
        schemas[version] = schema_of(path)
    return schemas


async def test_a_version_1_database_migrates_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    make_database(path, 1)
    add_v1_data(path)
    before = v1_data(path)

    database = await Database.open(path)
    await database.close()

    assert schema_of(path)[0] == SCHEMA_VERSION
    assert v1_data(path) == before
    conn = sqlite3.connect(path)
    # Columns added later take their defaults on the old rows.
    assert conn.execute("SELECT timezone, muted_until FROM chats").fetchall() == [("UTC", 0)]
    assert conn.execute("SELECT kind FROM outbox").fetchall() == [("send",)]
    conn.close()


async def test_alerts_queued_before_alert_bodies_are_still_sent_whole(tmp_path: Path) -> None:
    """Version 9 stores an alert's text once per body; a row queued by version 8 keeps its
    own text, reasons and buttons and is claimed with them after the upgrade."""
    path = tmp_path / "v8.sqlite3"
    make_database(path, 8)
    add_v1_data(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE outbox SET story_id = 3, source = 's', reasons = ?, reply_markup = ?, also = ?",
        (
            '{"regions": ["RU-BEL"], "terms": ["дрон"]}',
            '{"inline_keyboard": []}',
            '[["o", "Other"]]',
        ),
    )
    conn.commit()
    conn.close()

    database = await Database.open(path)
    try:
        (story,) = await digests.matched_stories(database.conn, 7, since=0, until=10)
        async with database.write() as write:
            (row,) = await outbox.claim_due(write, now=10, limit=10)
            alert = await outbox.story_alert(write, 7, 3)
    finally:
        await database.close()
    assert (row.chat_id, row.text, row.item_id, row.source) == (7, "<b>alert</b>", 1, "s")
    assert (row.regions, row.terms, row.also) == (("RU-BEL",), ("дрон",), ("Other",))
    assert row.reply_markup == {"inline_keyboard": []}
    assert alert is not None and alert.source == "s" and alert.also_names == ("o",)
    assert (story.story_id, story.title, story.regions, story.terms) == (
        3,
        "Дрон над Белгородом",
        ("RU-BEL",),
        ("дрон",),
    )


async def test_alert_bodies_stored_as_text_before_version_10_are_still_sent_as_stored(
    tmp_path: Path,
) -> None:
    """Version 10 keeps what an alert says and renders it when the row is read; a body that
    version 9 stored as text is read as that text, and its source can still be removed."""
    path = tmp_path / "v9.sqlite3"
    make_database(path, 9)
    add_v1_data(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO alert_bodies (id, item_id, source, text, reasons) "
        "VALUES (1, 1, 's', '<b>v9 alert</b>', '{\"regions\": [\"RU-BEL\"], \"terms\": []}')"
    )
    conn.execute("UPDATE outbox SET body_id = 1, item_id = NULL, text = '', story_id = 3")
    conn.commit()
    conn.close()

    database = await Database.open(path)
    try:
        async with database.write() as write:
            assert await admin.remove_source(write, "s")
            (row,) = await outbox.claim_due(write, now=10, limit=10)
    finally:
        await database.close()
    assert (row.chat_id, row.text, row.regions, row.source) == (
        7,
        "<b>v9 alert</b>",
        ("RU-BEL",),
        "s",
    )


def test_ddl_and_user_version_roll_back_together_in_sqlite(tmp_path: Path) -> None:
    """What the migration runner relies on: CREATE, ALTER and `PRAGMA user_version` inside
    BEGIN IMMEDIATE are all undone by ROLLBACK."""
    path = tmp_path / "plain.sqlite3"
    make_database(path, 1)
    before = schema_of(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("ALTER TABLE chats ADD COLUMN extra TEXT")
    conn.execute("CREATE TABLE extra (x INTEGER)")
    conn.execute("PRAGMA user_version=99")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    conn.execute("ROLLBACK")
    conn.close()
    assert schema_of(path) == before


@pytest.mark.parametrize("failing", range(2, SCHEMA_VERSION + 1))
async def test_a_failing_migration_leaves_the_previous_schema(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reference_schemas: dict[int, object],
    failing: int,
) -> None:
    path = tmp_path / "old.sqlite3"
    make_database(path, 1)
    add_v1_data(path)
    before = v1_data(path)
    broken = list(MIGRATIONS)
    # The last statement of migration `failing` fails, after all its DDL has run.
    broken[failing - 1] = MIGRATIONS[failing - 1] + ";\nINSERT INTO no_such_table VALUES (1)"
    monkeypatch.setattr(db_module, "MIGRATIONS", broken)

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await Database.open(path)

    assert schema_of(path) == reference_schemas[failing - 1]
    assert v1_data(path) == before
    monkeypatch.setattr(db_module, "MIGRATIONS", MIGRATIONS)
    database = await Database.open(path)
    await database.close()
    assert schema_of(path) == reference_schemas[SCHEMA_VERSION]
    assert v1_data(path) == before


# A child process opens the old database and SIGKILLs itself after `limit` ticks of SQLite's
# progress handler (one tick per 50 virtual-machine steps), i.e. in the middle of a statement,
# between statements, or around a COMMIT. With limit 0 it reports how many ticks there were.
KILLER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path
    from bot.store.db import Database

    limit = int(sys.argv[2])
    ticks = 0

    def tick() -> int:
        global ticks
        ticks += 1
        if limit and ticks >= limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    original = Database._migrate

    async def migrate(self):
        await self.conn.set_progress_handler(tick, 50)
        await original(self)

    Database._migrate = migrate

    async def main() -> None:
        database = await Database.open(Path(sys.argv[1]))
        await database.close()

    asyncio.run(main())
    print(ticks)
    """
)


def run_killer(path: Path, limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(path), str(limit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_kill_during_migration_leaves_the_old_or_the_new_schema(
    tmp_path: Path, reference_schemas: dict[int, object]
) -> None:
    counting = tmp_path / "count.sqlite3"
    make_database(counting, 1)
    add_v1_data(counting)
    finished = run_killer(counting, 0)
    assert finished.returncode == 0, finished.stderr
    total = int(finished.stdout.strip())
    assert total >= 10, "too few progress ticks to kill at different points"

    limits = sorted({max(1, total * n // 12) for n in range(1, 12)})
    versions_seen: set[int] = set()
    for limit in limits:
        path = tmp_path / f"kill-{limit}.sqlite3"
        make_database(path, 1)
        add_v1_data(path)
        before = v1_data(path)
        killed = run_killer(path, limit)
        assert killed.returncode == -9, (limit, killed.returncode, killed.stderr)
        version, schema = schema_of(path)
        # Whatever version the file claims, its tables are exactly that version's.
        assert (version, schema) == reference_schemas[version], limit
        assert v1_data(path) == before
        versions_seen.add(version)
        # The next start finishes the job.
        assert run_killer(path, 0).returncode == 0
        assert schema_of(path) == reference_schemas[SCHEMA_VERSION]
        assert v1_data(path) == before
    assert len(versions_seen) >= 2, f"every kill landed at the same version: {versions_seen}"
