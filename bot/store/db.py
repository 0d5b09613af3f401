"""The SQLite connection: pragmas, schema migrations keyed by `PRAGMA user_version`, transactions.

One `Database` holds one aiosqlite connection. Writers take `async with db.write() as conn:`,
which serialises them on an asyncio lock and wraps them in `BEGIN IMMEDIATE ... COMMIT`
(or ROLLBACK on error), so a unit of work lands whole or not at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from bot.errors import StoreError
from bot.store.schema import MIGRATIONS

log = logging.getLogger(__name__)

SCHEMA_VERSION = len(MIGRATIONS)

# WAL with synchronous=NORMAL: a commit is atomic and survives the process being killed; a
# power cut may lose the last few commits, but whole (items, their outbox rows and the
# source's ETag together), so the feed is fetched again and nothing is half-done.
# A poll with many alerts dirties more pages than SQLite's default 2 MiB cache holds, and each
# checkpoint copies the hot index pages again: a 16 MiB cache and a checkpoint every ~16 MiB
# of WAL (instead of ~4 MiB) keep both off the write path (bench_ingest: about 10% faster).
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-16384",
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


class WriteBehind:
    """Writes handed to the connection's thread without waiting for each, so the caller's
    Python work (rendering the next alerts) runs meanwhile on the other core.

        async with WriteBehind() as later:
            await later.submit(outbox.enqueue_many(conn, rows, now))
            ...                       # later statements, reads included, queue behind it
        later.results                 # what each write returned, in order

    aiosqlite runs a connection's calls one at a time in the order they were made, so a
    later query sees the writes, and the transaction holds them all: use it inside
    `Database.write()`. Leaving the block waits for every write; the first one that failed
    raises there, before the caller can commit. A write must close its cursor itself (on the
    thread): one dropped on the event loop resets its statement there, maybe while the thread
    runs the same SQL for the next write.
    """

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[int]] = []
        self.results: list[int] = []

    async def submit(self, write: Coroutine[Any, Any, int]) -> None:
        self._tasks.append(asyncio.ensure_future(write))
        await asyncio.sleep(0)  # the write reaches the thread's queue: order is kept

    async def __aenter__(self) -> WriteBehind:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        done = await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for result in done:
            if isinstance(result, BaseException):
                if exc is None:
                    raise result
            else:
                self.results.append(result)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
