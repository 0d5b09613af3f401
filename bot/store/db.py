"""The SQLite connection: pragmas, schema migrations keyed by `PRAGMA user_version`, transactions.

One `Database` holds one aiosqlite connection. Writers take `async with db.write() as conn:`,
which serialises them on an asyncio lock and wraps them in `BEGIN IMMEDIATE ... COMMIT`
(or ROLLBACK on error), so a unit of work lands whole or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.errors import StoreError
from bot.store.schema import MIGRATIONS

log = logging.getLogger(__name__)

SCHEMA_VERSION = len(MIGRATIONS)
# Bound parameters a statement may have: 32766 since SQLite 3.32, 999 before.
MAX_VARIABLES = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999

# WAL with synchronous=NORMAL: a commit is atomic and survives the process being killed; a
# power cut may lose the last few commits, but whole (items, their outbox rows and the
# source's ETag together), so the feed is fetched again and nothing is half-done.
# A poll with many alerts dirties more pages than SQLite's default 2 MiB cache holds, and each
# checkpoint copies the hot index pages again: a 4 MiB cache and a checkpoint every ~16 MiB
# of WAL (instead of ~4 MiB) write each hot page less often. A cache of 8 or 16 MiB ingested
# no faster (bench_ingest, alternating runs) and cost 4 or 12 MB more RSS at 10,000 sources
# (bench_memory); a new source's backlog is about 5% slower than with 8 MiB.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-4096",
    "PRAGMA wal_autocheckpoint=4000",
)


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        db = cls(conn, path)
        try:
            await db._migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self.conn.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def _migrate(self) -> None:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this Lookout "
                f"understands ({SCHEMA_VERSION}); upgrade Lookout or use another database"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # DDL and the version bump commit together: a crash leaves the old or the new schema.
            async with self.write() as conn:
                for statement in _statements(MIGRATIONS[target - 1]):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version={target}")
            log.info("event=migrated database=%s version=%d", self.path, target)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
