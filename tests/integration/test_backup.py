"""`python -m bot backup PATH` while writers keep committing: the copy is one consistent snapshot
that passes integrity_check and, restored, holds every pending outbox row committed before."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot import cli
from bot.errors import StoreError
from bot.store import chats, outbox
from bot.store.backup import make_backup
from bot.store.db import SCHEMA_VERSION, Database

WRITERS = 4
MAX_TRANSACTIONS = 1_000_000  # per writer: never reached; the writers stop when the backup is done


async def writer(database: Database, number: int, stop: asyncio.Event, done: list[int]) -> None:
    chat_id = 100 + number
    async with database.write() as conn:
        await chats.ensure_chat(
            conn, chat_id, chat_type="private", title=None, language="en", now=0
        )
    for n in range(MAX_TRANSACTIONS):
        if stop.is_set():
            break
        async with database.write() as conn:
            # Two rows per transaction: a copy that caught half of one would show it.
            for half in ("a", "b"):
                await outbox.enqueue(
                    conn,
                    chat_id=chat_id,
                    item_id=None,
                    dedup_key=f"{n}{half}",
                    text=f"alert {n}{half}",
                    now=float(n),
                )
        done[number] += 1
        await asyncio.sleep(0)


def pending_keys(path: Path) -> set[tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT chat_id, dedup_key FROM outbox WHERE state = 'pending'")
        return {(int(c), str(k)) for c, k in rows}
    finally:
        conn.close()


async def test_backup_under_load_restores_every_pending_alert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lookout.sqlite3"
    databases = [await Database.open(path) for _ in range(WRITERS)]
    stop = asyncio.Event()
    done = [0] * WRITERS
    tasks = [
        asyncio.create_task(writer(database, n, stop, done)) for n, database in enumerate(databases)
    ]
    try:
        while min(done) < 20:  # the writers are well under way
            await asyncio.sleep(0.01)
        committed_before = pending_keys(path)
        target = tmp_path / "backups" / "copy.sqlite3"
        code = await asyncio.to_thread(cli.main, ["backup", str(target), "--database", str(path)])
        assert not any(task.done() for task in tasks), "a writer stopped before the backup ended"
        after = sum(done)
        while sum(done) < after + WRITERS:  # commits the copy must not have
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for database in databases:
            await database.close()
    assert code == 0
    assert "integrity ok" in capsys.readouterr().out
    assert not (target.parent / "copy.sqlite3.partial").exists()

    # Restore: the copy becomes a database file again and Lookout opens it.
    restored = tmp_path / "restored.sqlite3"
    shutil.copyfile(target, restored)
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    database = await Database.open(restored)
    await database.close()
    in_copy = pending_keys(restored)
    assert committed_before <= in_copy
    # One snapshot: every transaction's two rows are both there, or neither.
    halves = {(chat, key[:-1]) for chat, key in in_copy}
    assert len(in_copy) == 2 * len(halves)
    assert len(in_copy) < len(pending_keys(path))  # later commits are not in it


def test_backup_refuses_a_missing_database_and_itself(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        make_backup(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    path = tmp_path / "lookout.sqlite3"
    sqlite3.connect(path).close()
    path.write_bytes(b"")  # an empty file is a valid empty database
    with pytest.raises(StoreError, match="cannot overwrite"):
        make_backup(path, path)
    assert cli.main(["backup", str(path), "--database", str(path)]) == 1
