"""One alert per story, on a real SQLite file: the second source edits the first alert; a feed
that reissues its items under new keys alerts nobody and is marked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.config import DeliverySettings
from bot.delivery.enqueue import enqueue_alerts
from bot.delivery.sender import Sender
from bot.models import Item, Mention, Source
from bot.store import chats, items, outbox
from bot.store import sources as source_store
from bot.store import stories as story_store
from bot.store.db import Database
from tests.integration.test_sender import FAST, ScriptedTelegram

CHAT = 501
TODAY = Source("belgorod-today", "Белгород сегодня", "https://a.example/rss", language="ru")
GOV = Source("belgorod_gov", "Гладков", "https://t.me/s/belgorod_gov", "telegram", "ru")
THIRD = Source("bel-news", "Бел.Новости", "https://c.example/rss", language="ru")

STORY_A = {
    TODAY.name: (
        "Ночью дроны атаковали жилые дома в Белгородской области",
        "В ночь на вторник беспилотники атаковали два села Белгородского района. Повреждены "
        "пять частных домов и автомобиль, один мужчина получил осколочное ранение и "
        "доставлен в больницу.",
    ),
    GOV.name: (
        "Белгородский район. Ночью беспилотники атаковали два села.",
        "Белгородский район. Ночью беспилотники атаковали два села. Повреждены пять частных "
        "домов и автомобиль. Один мужчина получил осколочное ранение, его доставили в "
        "областную больницу.",
    ),
    THIRD.name: (
        "Беспилотники атаковали два села Белгородского района",
        "Повреждены пять частных домов и автомобиль, мужчина получил осколочное ранение.",
    ),
}
OTHER_STORY = (
    "В Белгороде открылась выставка художников",
    "Выставка работ местных художников открылась в музее Белгорода, вход свободный.",
)


class RegionMatcher:
    """Finds RU-BEL wherever "Белгород" stands (the real matcher is tested elsewhere)."""

    def find(self, item: Item) -> list[Mention]:
        at = item.title.find("Белгород")
        if at < 0:
            return []
        return [Mention("region", "RU-BEL", "Белгород", "title", at, at + 8)]


def item(source: Source, key: str, title: str, text: str) -> Item:
    published = datetime(2024, 6, 4, 2, 10, tzinfo=UTC)
    return Item(source.name, key, None, title, text, published, "ru")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lookout.sqlite3")
    async with database.write() as conn:
        await source_store.upsert_sources(conn, [TODAY, GOV, THIRD])
        await chats.ensure_chat(conn, CHAT, chat_type="private", title=None, language="ru", now=0)
        await chats.subscribe(conn, CHAT, "RU-BEL", 0)
    yield database
    await database.close()


async def poll(
    db: Database,
    source: Source,
    new_items: list[Item],
    now: float = 1000.0,
    pool: story_store.StoryPool | None = None,
    history: int = story_store.RECENT_PER_SOURCE,
) -> Any:
    async with db.write() as conn:
        new = await items.insert_new_items(conn, new_items, now)
        return await enqueue_alerts(
            conn,
            source=source,
            new=new,
            primed=True,
            now=now,
            matcher=RegionMatcher(),
            region_name=lambda code, lang: "Белгородская область",
            settings=DeliverySettings(max_edits=3),
            story_pool=pool,
            history=history,
        )


async def rows(db: Database) -> list[tuple[str, str, str | None]]:
    async with db.conn.execute("SELECT kind, state, also FROM outbox ORDER BY id") as cur:
        return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def test_a_second_source_joins_the_pending_alert_instead_of_a_new_one(db: Database) -> None:
    first = await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])])
    assert first.alerts == 1
    second = await poll(db, GOV, [item(GOV, "1237", *STORY_A[GOV.name])])
    assert (second.alerts, second.edits) == (0, 0)
    other = await poll(db, GOV, [item(GOV, "1001", *OTHER_STORY)])
    assert other.alerts == 1  # a different story is a new alert
    queued = await rows(db)
    assert len(queued) == 2 and "Гладков" in (queued[0][2] or "")

    telegram = ScriptedTelegram()
    await Sender(db, telegram, FixedClock(datetime(2024, 6, 4, tzinfo=UTC)), FAST).deliver_due()
    assert "Также сообщают: Гладков" in telegram.sent[0][1]


async def test_a_report_after_the_alert_went_out_edits_it_a_bounded_number_of_times(
    db: Database,
) -> None:
    telegram = ScriptedTelegram()
    sender = Sender(db, telegram, FixedClock(datetime(2024, 6, 4, tzinfo=UTC)), FAST)
    await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])])
    await sender.deliver_due()
    assert len(telegram.sent) == 1
    second = await poll(db, GOV, [item(GOV, "1237", *STORY_A[GOV.name])])
    assert (second.alerts, second.edits) == (0, 1)
    await sender.deliver_due()
    assert len(telegram.sent) == 1  # no second message
    chat_id, message_id, text = telegram.edits[0]
    assert (chat_id, message_id) == (CHAT, 1)
    assert "Ночью дроны атаковали" in text and "Также сообщают: Гладков" in text
    third = await poll(db, THIRD, [item(THIRD, "77", *STORY_A[THIRD.name])])
    assert third.edits == 1
    await sender.deliver_due()
    assert "Гладков, Бел.Новости" in telegram.edits[-1][2]
    # The same source again, under another key, changes nothing.
    again = await poll(db, THIRD, [item(THIRD, "78", *STORY_A[THIRD.name])])
    assert (again.alerts, again.edits) == (0, 0)


async def test_edits_stop_at_max_edits(db: Database) -> None:
    telegram = ScriptedTelegram()
    sender = Sender(db, telegram, FixedClock(datetime(2024, 6, 4, tzinfo=UTC)), FAST)
    await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])])
    await sender.deliver_due()
    title, text = STORY_A[THIRD.name]
    extra = [Source(f"mirror-{n}", f"Зеркало {n}", f"https://m{n}.example/") for n in range(5)]
    async with db.write() as conn:
        await source_store.upsert_sources(conn, extra)
    for source in extra:
        await poll(db, source, [item(source, "x", title, text)])
        await sender.deliver_due()
    assert len(telegram.edits) == 3
    assert len(telegram.sent) == 1


async def test_a_feed_that_rotates_its_guids_alerts_nobody_and_is_marked(db: Database) -> None:
    backlog = [
        item(TODAY, f"old-{n}", f"Белгород: новость номер {n} о ремонте дорог", f"Текст {n} " * 5)
        for n in range(5)
    ]
    await poll(db, TODAY, backlog)
    async with db.write() as conn:
        await conn.execute("UPDATE outbox SET state = 'sent'")
    assert await story_store.rotating_since(db.conn, TODAY.name) is None
    rotated = [
        item(TODAY, f"new-{n}", f"Белгород: новость номер {n} о ремонте дорог", f"Текст {n} " * 5)
        for n in range(5)
    ]
    result = await poll(db, TODAY, rotated, now=2000.0)
    assert (result.alerts, result.edits, result.reissued) == (0, 0, 5)
    assert await story_store.rotating_since(db.conn, TODAY.name) == 2000.0
    assert await outbox.pending_count(db.conn) == 0


async def test_one_repeated_post_is_news_and_alerts_again(db: Database) -> None:
    warning = ("Белгород: ракетная опасность", "Всем пройти в укрытия.")
    await poll(db, GOV, [item(GOV, "1", *warning)])
    async with db.write() as conn:
        await conn.execute("UPDATE outbox SET state = 'sent'")
    again = await poll(db, GOV, [item(GOV, "2", *warning)], now=5000.0)
    assert (again.alerts, again.reissued) == (1, 1)
    assert await story_store.rotating_since(db.conn, GOV.name) is None


async def test_a_first_alert_names_the_sources_that_told_the_story_before(db: Database) -> None:
    _, text = STORY_A[GOV.name]
    unmatched = await poll(db, GOV, [item(GOV, "1237", "Ночью атаковали два села.", text)])
    assert unmatched.alerts == 0  # nothing in it for this chat
    first = await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])])
    assert first.alerts == 1
    telegram = ScriptedTelegram()
    await Sender(db, telegram, FixedClock(datetime(2024, 6, 4, tzinfo=UTC)), FAST).deliver_due()
    assert "Также сообщают: Гладков" in telegram.sent[0][1]


async def test_the_story_pool_reads_only_new_committed_items_and_forgets_old_ones(
    db: Database,
) -> None:
    pool = story_store.StoryPool()
    await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])], now=1000.0)
    first = await pool.candidates(db.conn, "ru", since=0)
    assert [c.item_id for c in first] == [1]
    await poll(db, GOV, [item(GOV, "1237", *STORY_A[GOV.name])], now=2000.0)
    second = await pool.candidates(db.conn, "ru", since=0)
    assert [(c.item_id, c.story_id) for c in second] == [(1, 1), (2, 1)]
    assert [c.item_id for c in await pool.candidates(db.conn, "ru", since=1500.0)] == [2]
    assert await pool.candidates(db.conn, "uk", since=0) == []


async def test_the_story_pool_keeps_its_budget_of_latest_items(db: Database) -> None:
    """DeliverySettings.story_pool_items bounds a language's pool: the latest items stay
    (the oldest go a quarter at a time), and a pool read anew reads only the latest."""
    pool = story_store.StoryPool(budget=4)
    for n in range(12):
        text = f"Сообщение номер {n}: {'слово' * (n + 1)} и {'другое' * (n + 1)}"
        await poll(db, TODAY, [item(TODAY, f"k{n}", text, "")], now=1000.0 + n, pool=pool)
        pool.committed()
        held = [c.item_id for c in await pool.candidates(db.conn, "ru", since=0)]
        assert len(held) <= 5 and held[-min(4, n + 1) :] == list(range(max(1, n - 2), n + 2))
    anew = story_store.StoryPool(budget=4)
    assert [c.item_id for c in await anew.candidates(db.conn, "ru", since=0)] == [9, 10, 11, 12]


async def test_a_sources_own_items_wait_unfiled_until_another_sources_probe(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filing costs 30 µs an item: a poll's own items, which its later polls pass over, are
    filed only when another source's item probes (a day read at a start is filed in slices)."""
    monkeypatch.setattr(story_store, "FILE_SLICE", 2)
    pool = story_store.StoryPool()
    for n in range(4):
        polled = [item(TODAY, f"k{n}-{m}", f"Новость {n} {m} {'слово' * m}", "") for m in range(3)]
        await poll(db, TODAY, polled, now=1000.0 + n, pool=pool)
        pool.committed()
    index = await pool.index(db.conn, "ru", since=0)
    assert (len(index), index.waiting) == (12, 12)
    await poll(db, GOV, [item(GOV, "1237", *STORY_A[GOV.name])], now=2000.0, pool=pool)
    assert index.waiting <= 1  # filed for GOV's probe (all but GOV's own)
    anew = story_store.StoryPool()
    assert (await anew.index(db.conn, "ru", since=0)).waiting <= 2  # read: filed in slices


async def test_a_poll_that_rolls_back_leaves_nothing_in_the_story_pool(db: Database) -> None:
    """A poll's items join the shared pool during its transaction; rolled back, they must not
    stay there, or a later item could join a story that does not exist."""
    pool = story_store.StoryPool()
    await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])], pool=pool)
    pool.committed()
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            new = await items.insert_new_items(
                conn, [item(GOV, "1237", *STORY_A[GOV.name])], 1000.0
            )
            await enqueue_alerts(
                conn,
                source=GOV,
                new=new,
                primed=True,
                now=1000.0,
                matcher=RegionMatcher(),
                region_name=lambda code, lang: "Белгородская область",
                settings=DeliverySettings(),
                story_pool=pool,
            )
            assert len(await pool.candidates(conn, "ru", since=0)) == 2  # in, uncommitted
            raise RuntimeError("crash before the commit")
    third = await poll(db, THIRD, [item(THIRD, "1", *STORY_A[THIRD.name])], pool=pool)
    pool.committed()
    assert third.alerts == 0  # joined the first story: the chat has its alert already
    found = await pool.candidates(db.conn, "ru", since=0)
    assert [(c.source, c.story_id) for c in found] == [(TODAY.name, 1), (THIRD.name, 1)]


async def test_a_committed_poll_leaves_its_items_in_the_pool_under_their_stories(
    db: Database,
) -> None:
    pool = story_store.StoryPool()
    await poll(db, TODAY, [item(TODAY, "1007", *STORY_A[TODAY.name])], pool=pool)
    pool.committed()
    await poll(
        db, GOV, [item(GOV, "1", *OTHER_STORY), item(GOV, "2", *STORY_A[GOV.name])], pool=pool
    )
    pool.committed()
    found = await pool.candidates(db.conn, "ru", since=0)
    stored = await db.conn.execute_fetchall("SELECT id, story_id FROM items ORDER BY id")
    assert [(c.item_id, c.story_id) for c in found] == [(r[0], r[1]) for r in stored]
    assert [c.story_id for c in found] == [1, 2, 1]


@pytest.mark.parametrize("primed", [True, False])
async def test_a_polls_stories_are_stored_whether_or_not_it_alerts(
    db: Database, primed: bool
) -> None:
    """The story rows and items' stories are written alongside the alerts (or, for a
    backlog that alerts nobody, on their own): either way they are there at the commit."""
    async with db.write() as conn:
        new = await items.insert_new_items(
            conn,
            [item(TODAY, "1", *STORY_A[TODAY.name]), item(TODAY, "2", *OTHER_STORY)],
            1000.0,
        )
        done = await enqueue_alerts(
            conn,
            source=TODAY,
            new=new,
            primed=primed,
            now=1000.0,
            matcher=RegionMatcher(),
            region_name=lambda code, lang: "Белгородская область",
            settings=DeliverySettings(),
        )
    assert done.alerts == (2 if primed else 0)
    stored = await db.conn.execute_fetchall(
        "SELECT i.id, i.story_id, s.first_item_id, i.story_terms IS NOT NULL "
        "FROM items i JOIN stories s ON s.id = i.story_id ORDER BY i.id"
    )
    assert [tuple(r) for r in stored] == [(1, 1, 1, 1), (2, 2, 2, 1)]


async def test_the_pool_keeps_as_much_of_a_source_as_its_documents_carry(db: Database) -> None:
    """A source's history holds history_size(its document) items, not RECENT_PER_SOURCE, and
    a document republished under new keys is still seen for what it is."""
    pool = story_store.StoryPool()
    history = story_store.history_size(10)
    assert history < story_store.RECENT_PER_SOURCE

    def document(poll_number: int, prefix: str) -> list[Item]:
        return [
            item(TODAY, f"{prefix}{poll_number}-{n}", f"Сводка {poll_number * 10 + n}", f"№{n}")
            for n in range(10)
        ]

    for number in range(8):
        await poll(db, TODAY, document(number, ""), now=1000.0 + number, pool=pool, history=history)
        pool.committed()
    held = await pool.history(db.conn, TODAY.name, before_id=10**9, keep=history)
    assert len(held.latest()) == history  # of the 80 items stored
    rotated = await poll(db, TODAY, document(7, "rotated-"), now=2000.0, pool=pool, history=history)
    assert rotated.reissued == 10
