"""`fetch-once`: poll every source one time and print what was new and what it matched.

No Telegram involved: useful to check sources and matching from a terminal.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TextIO

from bot.clock import SystemClock
from bot.config import Settings
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.models import Source
from bot.pipeline import Pipeline
from bot.sources.fetch import Fetcher, FetchLimits, make_client
from bot.store import chats
from bot.store import sources as source_store
from bot.store.db import Database


async def fetch_once(
    settings: Settings, sources: list[Source], database: Path | None, out: TextIO
) -> int:
    """Returns 0 when every source answered, 1 when any failed."""
    with tempfile.TemporaryDirectory(prefix="lookout-") as tmp:
        db = await Database.open(database or Path(tmp) / "fetch-once.sqlite3")
        try:
            return await _run(settings, sources, db, out)
        finally:
            await db.close()


async def _run(settings: Settings, sources: list[Source], db: Database, out: TextIO) -> int:
    gazetteer = Gazetteer.load()
    watch_terms = KeywordIndex()
    for term in await chats.all_watch_terms(db.conn):
        watch_terms.add(term)
    async with db.write() as conn:
        await source_store.upsert_sources(conn, sources)
    limits = FetchLimits.from_settings(settings.fetch)

    def region_name(code: str, lang: str) -> str:
        region = gazetteer.get(code)
        return region.name(lang) if region else code

    async with make_client() as client:
        pipeline = Pipeline(
            db,
            Fetcher(client, limits),
            ItemMatcher(gazetteer, watch_terms),
            SystemClock(),
            settings.polling,
            region_name,
        )
        outcomes = await pipeline.poll_all()
    failed = 0
    for outcome in sorted(outcomes, key=lambda o: o.source):
        if outcome.error:
            failed += 1
            out.write(f"{outcome.source}: FAILED ({outcome.error})\n")
            continue
        out.write(
            f"{outcome.source}: HTTP {outcome.status}, {outcome.new_items} new, "
            f"{len(outcome.matched)} matched\n"
        )
        for item, mentions in outcome.matched:
            found = sorted({m.value for m in mentions})
            out.write(f"  - {item.title[:100]}  [{', '.join(found)}]\n")
    return 1 if failed else 0
