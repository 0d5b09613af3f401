"""A consistent copy of the live database: `python -m bot backup PATH`.

SQLite's online backup API copies every page inside one read transaction, so the copy is the
database as of one commit, even while the bot keeps writing (WAL mode lets writers go on
meanwhile). The copy is written next to PATH, checked with `PRAGMA integrity_check`, and only
then renamed into place, so PATH is either a whole, checked backup or untouched. Restoring is
copying the file back while the bot is stopped; the outbox's pending rows come back with it.

Synchronous on purpose (plain sqlite3): it runs from the command line, or in a thread.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.errors import StoreError


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    schema_version: int
    pending_outbox: int
    size_bytes: int


def make_backup(database: Path, target: Path) -> BackupReport:
    """Copy `database` to `target` (replacing it); raises StoreError when it cannot."""
    if not database.is_file():
        raise StoreError(f"{database}: no such database")
    if target.exists() and target.resolve() == database.resolve():
        raise StoreError(f"{target}: the backup cannot overwrite the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(database, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # all pages in one step: one snapshot
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                report = _check(copy, target)
            finally:
                copy.close()
        finally:
            source.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StoreError(f"backup of {database} failed: {exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return BackupReport(
        path=target,
        schema_version=report.schema_version,
        pending_outbox=report.pending_outbox,
        size_bytes=target.stat().st_size,
    )


def _check(copy: sqlite3.Connection, target: Path) -> BackupReport:
    problems = [str(row[0]) for row in copy.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise StoreError(f"the backup failed its integrity check: {'; '.join(problems[:5])}")
    version = int(copy.execute("PRAGMA user_version").fetchone()[0])
    pending = 0
    has_outbox = copy.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"
    ).fetchone()
    if has_outbox:
        row = copy.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()
        pending = int(row[0])
    return BackupReport(target, version, pending, 0)
