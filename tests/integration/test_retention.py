"""Retention on a real SQLite file: a month on, the alerts, bodies, items and stories of then
are gone, what a feed still lists stays (and never alerts again), a row being sent keeps
its body, and recent rows are never touched."""

from __future__ import annotations

import pytest

from bot.config import MIN_KEEP_DAYS
from bot.store import items
from bot.store.db import Database
from bot.store.retention import DAY, Forgotten, forget_before, forget_old
from tests.integration.test_outbox_stories import (
    CHAT,
    GOV,
    OTHER_STORY,
    STORY_A,
    TODAY,
    item,
    poll,
)
from tests.integration.test_outbox_stories import db as db_fixture

db = db_fixture  # a database with the three sources and one chat that follows RU-BEL

THEN = 1_000.0
NOW = THEN + 40 * DAY
KEEP_DAYS = 30


async def count(db: Database, table: str) -> int:
    async with db.conn.execute(f"SELECT count(*) FROM {table}") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def keys(db: Database) -> list[str]:
    async with db.conn.execute("SELECT key FROM items ORDER BY id") as cur:
        return [str(r[0]) for r in await cur.fetchall()]


async def sent(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE outbox SET state = 'sent', sent_at = created_at")


async def test_a_month_on_the_alerts_bodies_items_and_stories_of_then_are_forgotten(
    db: Database,
) -> None:
    await poll(db, TODAY, [item(TODAY, "a", *STORY_A[TODAY.name])], now=THEN)
    await poll(db, GOV, [item(GOV, "g", *STORY_A[GOV.name])], now=THEN + 60)
    await sent(db)
    await poll(db, TODAY, [item(TODAY, "new", *OTHER_STORY)], now=NOW)
    assert (await count(db, "outbox"), await count(db, "stories")) == (2, 2)

    forgotten = await forget_old(db, NOW, KEEP_DAYS)

    assert forgotten == Forgotten(outbox_rows=1, alert_bodies=1, items=2, stories=1)
    assert await keys(db) == ["new"]
    async with db.conn.execute("SELECT chat_id, state, body_id IS NOT NULL FROM outbox") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [(CHAT, "pending", 1)]
    assert await count(db, "alert_bodies") == 1
    assert await count(db, "stories") == 1
    assert await forget_old(db, NOW, KEEP_DAYS) == Forgotten()  # nothing more to forget


async def test_an_item_its_feed_still_lists_stays_and_never_alerts_again(db: Database) -> None:
    listed = item(TODAY, "listed", *STORY_A[TODAY.name])
    dropped = item(TODAY, "dropped", *OTHER_STORY)
    await poll(db, TODAY, [listed, dropped], now=THEN)
    async with db.write() as conn:  # listed again within the day: nothing written
        assert await items.insert_new_items(conn, [listed], THEN + DAY / 2) == []
    async with db.conn.execute("SELECT count(*) FROM items WHERE listed_at IS NULL") as cur:
        assert (await cur.fetchone())[0] == 2
    async with db.write() as conn:  # and twenty days on: it is still listed
        assert await items.insert_new_items(conn, [listed], THEN + 20 * DAY) == []
    await poll(db, GOV, [item(GOV, "fresh", "Курс рубля", "Биржевые новости.")], now=NOW)

    await forget_old(db, NOW, KEEP_DAYS)

    assert await keys(db) == ["listed", "fresh"]
    again = await poll(db, TODAY, [listed], now=NOW + 60)
    assert again.alerts == 0
    assert await keys(db) == ["listed", "fresh"]


async def test_an_item_no_feed_lists_comes_back_as_new_only_after_keep_days(
    db: Database,
) -> None:
    gone = item(TODAY, "gone", *STORY_A[TODAY.name])
    await poll(db, TODAY, [gone], now=THEN)
    await poll(db, TODAY, [item(TODAY, "later", *OTHER_STORY)], now=THEN + 35 * DAY)
    await forget_old(db, THEN + (KEEP_DAYS - 1) * DAY, KEEP_DAYS)
    assert await keys(db) == ["gone", "later"]

    await forget_old(db, NOW, KEEP_DAYS)

    assert await keys(db) == ["later"]
    assert (await poll(db, TODAY, [gone], now=NOW)).alerts == 1  # republished: news again


async def test_a_row_being_sent_stays_with_its_body(db: Database) -> None:
    await poll(db, TODAY, [item(TODAY, "a", *STORY_A[TODAY.name])], now=THEN)
    async with db.write() as conn:
        await conn.execute("UPDATE outbox SET state = 'sending'")
    await poll(db, GOV, [item(GOV, "other", *OTHER_STORY)], now=NOW)  # not the newest row

    forgotten = await forget_old(db, NOW, KEEP_DAYS)

    assert (forgotten.outbox_rows, forgotten.alert_bodies) == (0, 0)
    async with db.conn.execute(
        "SELECT o.state, b.headline IS NOT NULL FROM outbox o "
        "JOIN alert_bodies b ON b.id = o.body_id ORDER BY o.id"
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("sending", 1), ("pending", 1)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
async def test_chunks_forget_the_same_rows_and_stop_at_the_first_recent_one(
    db: Database, chunk: int
) -> None:
    stories = [STORY_A[TODAY.name], OTHER_STORY, ("Курс рубля", "Биржевые новости.")]
    for n, (title, text) in enumerate(stories * 2):
        await poll(db, TODAY, [item(TODAY, f"old{n}", title + f" {n}", text)], now=THEN + n)
    await sent(db)
    for n, (title, text) in enumerate(stories):
        await poll(db, GOV, [item(GOV, f"new{n}", title + " new", text)], now=NOW + n)
    before = (await count(db, "outbox"), await count(db, "alert_bodies"))

    forgotten = await forget_before(db, NOW - KEEP_DAYS * DAY, chunk=chunk)

    assert await keys(db) == ["new0", "new1", "new2"]
    after = (await count(db, "outbox"), await count(db, "alert_bodies"))
    assert (forgotten.outbox_rows, forgotten.alert_bodies) == (
        before[0] - after[0],
        before[1] - after[1],
    )
    async with db.conn.execute("SELECT min(created_at) FROM outbox") as cur:
        assert (await cur.fetchone())[0] >= NOW


async def test_keep_days_zero_keeps_everything_and_fewer_than_a_week_and_a_day_keep_that(
    db: Database,
) -> None:
    await poll(db, TODAY, [item(TODAY, "a", *STORY_A[TODAY.name])], now=THEN)
    assert await forget_old(db, NOW, 0) == Forgotten()
    assert await forget_old(db, THEN + (MIN_KEEP_DAYS - 1) * DAY, 1) == Forgotten()
    assert await keys(db) == ["a"]


async def test_each_tables_newest_row_stays_so_no_id_is_handed_out_again(db: Database) -> None:
    await poll(db, TODAY, [item(TODAY, "a", *STORY_A[TODAY.name])], now=THEN)
    await poll(db, GOV, [item(GOV, "other", *OTHER_STORY)], now=THEN + 1)
    await sent(db)
    tables = ("items", "stories", "outbox", "alert_bodies")
    newest = {}
    for table in tables:
        async with db.conn.execute(f"SELECT max(id) FROM {table}") as cur:
            newest[table] = (await cur.fetchone())[0]

    forgotten = await forget_old(db, NOW, KEEP_DAYS)

    assert forgotten == Forgotten(outbox_rows=1, alert_bodies=1, items=1, stories=1)
    for table in tables:
        async with db.conn.execute(f"SELECT id FROM {table}") as cur:
            assert [r[0] for r in await cur.fetchall()] == [newest[table]], table
    async with db.conn.execute(
        "SELECT b.id FROM outbox o JOIN alert_bodies b ON b.id = o.body_id"
    ) as cur:
        assert len(await cur.fetchall()) == 1  # the row that stays keeps its body
    await poll(db, TODAY, [item(TODAY, "b", "Курс рубля", "Биржевые новости.")], now=NOW)
    async with db.conn.execute("SELECT max(id) FROM stories") as cur:
        assert (await cur.fetchone())[0] == newest["stories"] + 1


async def test_the_newest_rows_body_stays_when_its_other_rows_go(db: Database) -> None:
    """A poll's rows interleave their bodies by chat (chats 1 and 3 told one thing, chat 2
    another), so the newest row's body need not be the newest body."""
    async with db.write() as conn:
        for body in (1, 2):
            await conn.execute(
                "INSERT INTO alert_bodies (id, text) VALUES (?, ?)", (body, f"body {body}")
            )
        for n, body in enumerate((1, 2, 1)):
            await conn.execute(
                "INSERT INTO outbox (chat_id, dedup_key, text, created_at, body_id, state) "
                "VALUES (?, ?, '', ?, ?, 'sent')",
                (CHAT, f"story:{n}", THEN, body),
            )

    forgotten = await forget_old(db, NOW, KEEP_DAYS)

    assert (forgotten.outbox_rows, forgotten.alert_bodies) == (2, 0)
    async with db.conn.execute(
        "SELECT o.dedup_key, b.text FROM outbox o JOIN alert_bodies b ON b.id = o.body_id"
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("story:2", "body 1")]
