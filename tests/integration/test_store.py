"""The SQLite store on a real file: migrations, dedup of items, the outbox's life cycle."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.delivery.render import encode_spans, headline, matched_spans, render_alert, render_stored
from bot.errors import StoreError
from bot.models import Alert, Item, Mention, Source
from bot.store import admin, chats, digests, items, outbox, sources
from bot.store.db import SCHEMA_VERSION, Database


def item(key: str, title: str = "t") -> Item:
    return Item(
        source="s",
        key=key,
        link=None,
        title=title,
        text="",
        published=datetime(2024, 5, 10, tzinfo=UTC),
        language="ru",
    )


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    async with database.write() as conn:
        await sources.upsert_sources(conn, [Source(name="s", title="S", url="https://s.example")])
        for chat_id in (1, 2):
            await chats.ensure_chat(
                conn, chat_id, chat_type="private", title=None, language="en", now=0
            )
    yield database  # type: ignore[misc]
    await database.close()


async def test_fresh_database_is_migrated_with_wal(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "a.sqlite3")
    await database.close()
    conn = sqlite3.connect(tmp_path / "a.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


async def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Lookout"):
        await Database.open(path)


async def test_storage_decides_what_is_new(db: Database) -> None:
    async with db.write() as conn:
        first = await items.insert_new_items(conn, [item("a"), item("b")], 0)
    async with db.write() as conn:
        second = await items.insert_new_items(conn, [item("b", "edited"), item("c")], 0)
    assert [i.key for _, i in first] == ["a", "b"]
    assert [i.key for _, i in second] == ["c"]


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await items.insert_new_items(conn, [item("x")], 0)
            raise RuntimeError("crash before commit")
    assert await items.count_items(db.conn) == 0


async def test_outbox_dedups_claims_one_row_per_chat_and_recovers(db: Database) -> None:
    async with db.write() as conn:
        assert await outbox.enqueue(conn, chat_id=1, item_id=None, dedup_key="k1", text="a", now=0)
        assert not await outbox.enqueue(
            conn, chat_id=1, item_id=None, dedup_key="k1", text="a", now=0
        )
        await outbox.enqueue(conn, chat_id=1, item_id=None, dedup_key="k2", text="b", now=0)
        await outbox.enqueue(conn, chat_id=2, item_id=None, dedup_key="k1", text="c", now=0)
        claimed = await outbox.claim_due(conn, now=1, limit=10)
    assert [(r.chat_id, r.text) for r in claimed] == [(1, "a"), (2, "c")]
    # A crash now: both rows were claimed, only chat 1's had been handed to Telegram.
    async with db.write() as conn:
        await outbox.mark_handed(conn, [claimed[0].id], now=1)
        assert await outbox.recover_in_flight(conn) == (2, 1)
        again = await outbox.claim_due(conn, now=1, limit=10)
    assert [r.possible_repeat for r in again] == [True, False]
    assert [r.attempts for r in again] == [2, 2]


async def test_a_flood_wait_holds_the_chat_across_new_rows(db: Database) -> None:
    async with db.write() as conn:
        await outbox.enqueue(conn, chat_id=1, item_id=None, dedup_key="k1", text="a", now=0)
        await outbox.delay_chat(conn, 1, 100)
        await outbox.enqueue(conn, chat_id=1, item_id=None, dedup_key="k2", text="b", now=0)
        assert await outbox.claim_due(conn, now=50, limit=10) == []
        assert await outbox.next_due_at(conn) == 100
        assert len(await outbox.claim_due(conn, now=100, limit=10)) == 1


async def test_deactivated_chat_gets_nothing(db: Database) -> None:
    async with db.write() as conn:
        await outbox.enqueue(conn, chat_id=2, item_id=None, dedup_key="k", text="a", now=0)
        await chats.deactivate_chat(conn, 2)
        assert await outbox.claim_due(conn, now=1, limit=10) == []


async def test_migrated_chat_keeps_subscriptions_and_rows(db: Database) -> None:
    async with db.write() as conn:
        await chats.subscribe(conn, 2, "RU-BEL", 0)
        await chats.watch(conn, 2, "дрон", 0)
        await outbox.enqueue(conn, chat_id=2, item_id=None, dedup_key="k", text="a", now=0)
        await chats.migrate_chat(conn, 2, -100200)
    settings = await chats.chat_settings(db.conn, -100200)
    assert settings is not None
    assert settings.regions == ("RU-BEL",) and settings.watch_terms == ("дрон",)
    async with db.write() as conn:
        rows = await outbox.claim_due(conn, now=1, limit=10)
    assert [r.chat_id for r in rows] == [-100200]


async def test_alerts_owed_in_bulk_land_in_order_each_chat_once(db: Database) -> None:
    """Rows of one alert share a body; more rows than one INSERT takes still land in order,
    and a chat that already has the story gets no second row."""
    async with db.write() as conn:
        await chats.ensure_chat(conn, 3, chat_type="private", title=None, language="en", now=0)
        ((item_id, _),) = await items.insert_new_items(conn, [item("k")], 0)
        bodies = [
            outbox.AlertBody(
                item_id=item_id,
                dedup_key=f"story:{story}",
                text=f"alert {story}",
                story_id=story,
                regions=("RU-BEL",),
                reply_markup={"inline_keyboard": []} if story % 2 else None,
            )
            for story in range(outbox.ROWS_PER_INSERT)
        ]
        owed = [(chat_id, body) for body in bodies for chat_id in (3, 1)]
        assert await outbox.enqueue_many(conn, owed[:1], 0) == 1  # chat 3 has story 0
        assert await outbox.enqueue_many(conn, owed, 0) == len(owed) - 1
    async with db.conn.execute(
        "SELECT o.chat_id, o.dedup_key, b.text, b.reasons, b.reply_markup FROM outbox o "
        "JOIN alert_bodies b ON b.id = o.body_id ORDER BY o.id"
    ) as cur:
        stored = [tuple(row) for row in await cur.fetchall()]
    async with db.conn.execute("SELECT count(*), count(DISTINCT text) FROM alert_bodies") as cur:
        assert tuple(await cur.fetchone() or ()) == (len(bodies) + 1, len(bodies))  # story 0 twice
    assert [(r[0], r[1], r[2]) for r in stored] == [
        (chat_id, body.dedup_key, body.text) for chat_id, body in owed
    ]
    assert {r[3] for r in stored} == {'{"regions": ["RU-BEL"], "terms": []}'}
    assert {r[4] for r in stored} == {None, '{"inline_keyboard": []}'}


async def test_chats_sharing_an_alert_body_each_get_it_once_in_full(db: Database) -> None:
    """One body, two chats: each claims its own row once, with the body's text, reasons,
    buttons and source; the body is stored once."""
    async with db.write() as conn:
        ((item_id, _),) = await items.insert_new_items(conn, [item("k")], 0)
        body = outbox.AlertBody(
            item_id=item_id,
            dedup_key="story:7",
            text="<b>alert</b>",
            story_id=7,
            source="s",
            regions=("RU-BEL",),
            terms=("дрон",),
            reply_markup={"inline_keyboard": [[{"text": "mute", "callback_data": "m"}]]},
            also=[("t", "T")],
        )
        assert await outbox.enqueue_many(conn, [(1, body), (2, body)], 0) == 2
        assert await outbox.enqueue_many(conn, [(1, body), (2, body)], 0) == 0
        claimed = await outbox.claim_due(conn, now=1, limit=10)
        assert await outbox.claim_due(conn, now=1, limit=10) == []
    assert [row.chat_id for row in claimed] == [1, 2]
    for row in claimed:
        assert (row.text, row.item_id, row.story_id, row.source) == (
            "<b>alert</b>",
            item_id,
            7,
            "s",
        )
        assert (row.regions, row.terms, row.also, row.also_names) == (
            ("RU-BEL",),
            ("дрон",),
            ("T",),
            ("t",),
        )
        assert row.reply_markup == body.reply_markup
    async with db.conn.execute("SELECT count(*) FROM alert_bodies") as cur:
        assert tuple(await cur.fetchone() or ()) == (2,)  # the second call's body, unused
    async with db.write() as conn:
        alert = await outbox.story_alert(conn, 2, 7)
        assert alert is not None and (alert.source, alert.also_names) == ("s", ("t",))
        assert await outbox.carried_rows(conn, claimed[0].id) == [claimed[0]]
    for chat_id in (1, 2):  # a digest reads what matched from the body
        (story,) = await digests.matched_stories(db.conn, chat_id, since=0, until=1)
        assert (story.story_id, story.title, story.regions, story.terms) == (
            7,
            "t",
            ("RU-BEL",),
            ("дрон",),
        )


async def test_an_alert_kept_as_what_it_says_is_rendered_when_read_and_outlives_its_source(
    db: Database,
) -> None:
    """A body stored as what it says (headline, language, spans, source title) reads back as
    the text rendering gives for its item; removing the source renders its bodies first, so
    a pending alert still goes out whole, and an alert whose item is gone still says why."""
    stored = Item(
        source="s",
        key="k",
        link="https://s.example/1?a=1&b=2",
        title="Дроны над Белгородом",
        text="Ночью дроны атаковали дома.",
        published=datetime(2024, 5, 10, 6, 5, tzinfo=UTC),
        language="ru",
    )
    mentions = (
        Mention("term", "дрон", "Дроны", "title", 0, 5),
        Mention("region", "RU-BEL", "Белгородом", "title", 10, 20),
        Mention("term", "дрон", "дроны", "text", 6, 11),
    )
    async with db.write() as conn:
        ((item_id, _),) = await items.insert_new_items(conn, [stored], 0)
        said = outbox.Said(
            "ru",
            headline(("RU-BEL",), ("дрон",), lambda code: "Белгородская область"),
            encode_spans(matched_spans(mentions, ("RU-BEL",), ("дрон",))),
            "S & Co",
        )
        body = outbox.AlertBody(item_id, "story:7", "", 7, "s", ("RU-BEL",), ("дрон",), said=said)
        assert await outbox.enqueue_many(conn, [(1, body), (2, body)], 0) == 2
        (first,) = await outbox.claim_due(conn, now=1, limit=1)
    alert = Alert(1, item_id, "S & Co", stored, ("RU-BEL",), ("дрон",), mentions)
    expected = render_alert(alert, lang="ru", region_name=lambda code: "Белгородская область")
    assert first.text == expected
    assert "<u>Дроны</u>" in expected and "<b>дроны</b>" in expected
    async with db.write() as conn:
        assert await admin.remove_source(conn, "s")
        (second,) = await outbox.claim_due(conn, now=1, limit=10)
        (carried,) = await outbox.carried_rows(conn, first.id)  # an edit renders it again
    assert carried.text == expected
    assert (second.chat_id, second.text, second.item_id) == (2, expected, None)
    item_gone = ("t0-5", "ru", "📍 X", "S", None, None, None, None)
    assert outbox._text(*item_gone, queued=0) == render_stored(
        title="",
        text="",
        link=None,
        published=0,
        source_title="S",
        lang="ru",
        head="📍 X",
        spans="",
    )


async def test_alert_writer_rows_are_seen_after_a_flush_and_an_error_rolls_all_back(
    db: Database,
) -> None:
    """AlertWriter does not wait for its INSERTs, yet a query issued after `flush()` sees
    every row owed before it; a failing INSERT fails the transaction, which keeps nothing."""
    body = outbox.AlertBody(item_id=None, dedup_key="story:1", text="a", story_id=1)
    async with db.write() as conn:
        async with outbox.AlertWriter(conn, 0) as writer:
            await writer.add([(1, body)])
            await writer.flush()
            assert await outbox.story_chats_many(conn, [1]) == {1: [1]}
            await writer.add([(2, body), (1, body)])  # chat 1 has story 1 already
        assert writer.queued == 2
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as conn:
            await outbox.enqueue(conn, chat_id=1, item_id=None, dedup_key="k", text="x", now=0)
            async with outbox.AlertWriter(conn, 0) as writer:
                await writer.add([(404, body)])  # no such chat: the foreign key fails
                await writer.add([(2, outbox.AlertBody(None, "story:2", "b", story_id=2))])
    async with db.conn.execute("SELECT chat_id, dedup_key FROM outbox ORDER BY id") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [(1, "story:1"), (2, "story:1")]
