"""Start-up: the first poll begins while every chat's watch queries still load, and loses nothing.

The load (bot.watch_loading.build_index, in a worker thread) is held until the test lets it go,
so what happens meanwhile is decided by events, not by timing: the feed is fetched, nothing is
matched or sent, and once the load ends the item fetched meanwhile alerts its chat exactly once.
Chats' /watch and /unwatch during the load count too.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot import app, watch_loading
from bot.app import Lookout
from bot.matching import atoms, forms, morph
from bot.matching.keywords import KeywordIndex
from bot.matching.saved_forms import is_current
from bot.matching.scanning import Keys
from bot.sandbox.botapi import BotApiSandbox
from bot.store import sources as source_store
from tests.e2e.chat_support import Talk
from tests.e2e.conftest import LocalFeed, LookoutFactory, rss_item

CHAT = 5005


def hours_ago(hours: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(hours=hours))


async def until(ready: Callable[[], bool]) -> None:
    """Wait for `ready()` (a generous bound only so that a broken build fails, not hangs)."""
    async with asyncio.timeout(10):
        while not ready():
            await asyncio.sleep(0.01)


async def due_at_next_start(lookout: Lookout) -> None:
    """The feed is polled at once when the bot starts again (as `resume-source` does)."""
    async with lookout.db.write() as conn:
        assert await source_store.resume_source(conn, "belgorod-today", now=0)


@pytest.fixture
def held_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Watch-query loads wait until the returned event is set."""
    release = threading.Event()
    build = watch_loading.build_index

    def held(queries: list[str], forms_file: Path | None, alongside: Keys | None) -> KeywordIndex:
        release.wait(timeout=30)
        return build(queries, forms_file, alongside)

    monkeypatch.setattr(watch_loading, "build_index", held)
    yield release
    release.set()  # a failed test must not leave a start waiting


async def test_an_item_fetched_while_watch_queries_load_alerts_once(
    sandbox: BotApiSandbox,
    feed: LocalFeed,
    make_lookout: LookoutFactory,
    held_load: threading.Event,
) -> None:
    held_load.set()  # the first start loads at once
    feed.items[:] = [rss_item("old", "Погода", "Дождь.", hours_ago(3))]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)  # the backlog is stored without alerting
    chat = Talk(sandbox, CHAT, lang="en")
    assert "дрон" in (await chat.say("/watch дрон"))["text"]
    await due_at_next_start(lookout)
    await lookout.stop()

    held_load.clear()
    feed.items.append(rss_item("strike", "Дрон упал у дороги", "Подробности.", hours_ago(0.5)))
    fetched = feed.requests
    lookout = await make_lookout()  # returns while the load is held
    await until(lambda: feed.requests > fetched)  # the first poll fetched the new item
    assert not lookout.watch_terms_loaded.done()
    assert "дрон" not in lookout.watch_terms  # still the interim index
    replied = chat.bot_count()
    assert "/watch" in (await chat.say("/help"))["text"]  # chats are answered meanwhile

    held_load.set()
    await lookout.watch_terms_loaded
    assert "дрон" in lookout.watch_terms
    await lookout.poll_once()  # one poll at a time: this follows the loop's first poll
    messages = await sandbox.wait_for_messages(CHAT, replied + 2)
    assert "Дрон упал у дороги" in messages[-1]["text"]
    assert await lookout.poll_once(every_source=True) == 0  # 304: nothing new, nothing again
    await lookout.stop()  # lets the sender finish: every alert it had is out
    alerts = [m for m in sandbox.sent_messages(CHAT) if "Дрон упал у дороги" in m["text"]]
    assert len(alerts) == 1


async def test_watch_and_unwatch_while_queries_load_are_kept(
    sandbox: BotApiSandbox,
    feed: LocalFeed,
    make_lookout: LookoutFactory,
    held_load: threading.Event,
) -> None:
    held_load.set()
    feed.items[:] = [rss_item("old", "Погода", "Дождь.", hours_ago(3))]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)
    chat = Talk(sandbox, CHAT, lang="en")
    await chat.say("/watch дрон")
    await lookout.stop()

    held_load.clear()
    lookout = await make_lookout()
    await chat.say("/unwatch дрон")  # read into the load before it was removed
    await chat.say("/watch взрыв")  # not in what the load read
    held_load.set()
    await lookout.watch_terms_loaded
    assert "дрон" not in lookout.watch_terms
    assert "взрыв" in lookout.watch_terms

    feed.items.append(rss_item("a", "Дрон над городом", "Подробности.", hours_ago(0.5)))
    feed.items.append(rss_item("b", "Взрыв на окраине", "Подробности.", hours_ago(0.4)))
    assert await lookout.poll_once(every_source=True) == 1
    messages = await sandbox.wait_for_messages(CHAT, chat.bot_count() + 1)
    assert "Взрыв на окраине" in messages[-1]["text"]
    assert not any("Дрон над городом" in m["text"] for m in messages)


async def test_a_failed_load_fails_polls_rather_than_match_part_of_the_queries(
    feed: LocalFeed, make_lookout: LookoutFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(queries: list[str], forms_file: Path | None, alongside: Keys | None) -> KeywordIndex:
        raise OSError("disk gone")

    monkeypatch.setattr(watch_loading, "build_index", broken)
    feed.items[:] = [rss_item("old", "Дрон над городом", "Подробности.", hours_ago(3))]
    lookout = await make_lookout()
    with pytest.raises(OSError, match="disk gone"):
        await lookout.poll_once(every_source=True)
    state = await source_store.get_source(lookout.db.conn, "belgorod-today")
    assert state is not None and state.etag is None  # nothing stored: fetched again next time


async def test_forms_not_saved_are_expanded_apart_and_pymorphy_is_let_go_when_idle(
    sandbox: BotApiSandbox,
    feed: LocalFeed,
    make_lookout: LookoutFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app, "ANALYZERS_IDLE_SECONDS", 0.05)
    feed.items[:] = [rss_item("old", "Погода", "Дождь.", hours_ago(3))]
    lookout = await make_lookout()
    await lookout.poll_once(every_source=True)
    chat = Talk(sandbox, CHAT, lang="en")
    await chat.say("/watch дрон")
    await lookout.stop()
    forms_file = lookout.settings.database.with_name("lookout.sqlite3.forms")
    forms_file.unlink()  # as at a first start, or after an upgrade of the dictionaries

    expand_here = atoms.term_forms
    monkeypatch.setattr(atoms, "term_forms", lambda term: pytest.fail(f"expanded {term!r} here"))
    lookout = await make_lookout()
    await lookout.watch_terms_loaded
    assert is_current(forms_file) and "дрон" in lookout.watch_terms
    monkeypatch.setattr(atoms, "term_forms", expand_here)

    forms.term_forms.cache_clear()  # so that the next /watch needs pymorphy3
    morph.release_analyzers()
    await chat.say("/watch заморозки")
    assert morph.kept_analyzers()
    await until(lambda: not morph.kept_analyzers())
    feed.items.append(rss_item("a", "Дроны и заморозки", "Подробности.", hours_ago(0.5)))
    assert await lookout.poll_once(every_source=True) == 1
