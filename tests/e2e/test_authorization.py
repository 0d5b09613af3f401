"""Who may do what, across every command that changes something (issue "Reliability", point 11).

Also covered elsewhere: a member's /subscribe, /unsubscribe, /watch, /mute and button press
(test_chat_groups.py::test_only_admins_change_a_groups_settings), the anonymous admin only
when `sender_chat` is the group (test_chat_groups.py::test_an_anonymous_admin_writes_as_the_group),
a stranger's /addsource, /pause, /stats, /opml (test_chat_operators.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import Lookout
from bot.config import PollingSettings, Settings
from bot.models import Source
from bot.sandbox.botapi import BotApiSandbox
from bot.store import sources as source_store
from bot.telegram.chat_handlers import _ADMIN, _OPERATOR
from tests.e2e.chat_support import Talk, prefs
from tests.e2e.conftest import LocalFeed

GROUP = -100600
CREATOR, MEMBER, OPERATOR = 601, 602, 77
ARGUMENTS = {
    "mute": "2h",
    "quiet": "23:00-07:00",
    "urgent": "дрон",
    "tz": "Europe/Kyiv",
    "lang": "ru",
    "import": '{"lookout": 1, "regions": ["RU-KRS"], "watch_terms": ["ракета"]}',
    "addsource": "https://example.org/feed.xml",
    "removesource": "belgorod-today",
    "pause": "belgorod-today",
    "resume": "belgorod-today",
    "opml": "",
}


@pytest.fixture
async def lookout(
    tmp_path: Path, sandbox: BotApiSandbox, feed: LocalFeed
) -> AsyncIterator[Lookout]:
    settings = Settings(
        database=tmp_path / "lookout.sqlite3",
        operators=(OPERATOR,),
        polling=replace(PollingSettings(), tick_seconds=3600),
    )
    source = Source(name="belgorod-today", title="Белгород сегодня", url=feed.url)
    started = Lookout(
        settings, token=sandbox.token, sources=[source], bot_api_base=sandbox.base_url
    )
    await started.start()
    yield started
    await started.stop()


async def test_a_member_changes_nothing_with_any_settings_command(
    sandbox: BotApiSandbox, lookout: Lookout
) -> None:
    creator = Talk(sandbox, GROUP, user_id=CREATOR, chat_type="supergroup")
    member = Talk(sandbox, GROUP, user_id=MEMBER, chat_type="supergroup")
    await creator.say("/subscribe Белгород")
    await creator.say("/watch дрон")
    before = await lookout.subscriptions.settings(GROUP)
    before_prefs = await prefs(lookout, GROUP)
    for name in [*_ADMIN, "unwatch", "unsubscribe"]:
        command = f"/{name} {ARGUMENTS.get(name, 'дрон')}".strip()
        assert "Only this group's admins" in (await member.say(command))["text"], command
    assert await lookout.subscriptions.settings(GROUP) == before
    assert await prefs(lookout, GROUP) == before_prefs


async def test_a_group_admin_is_no_operator_and_an_operator_needs_no_group(
    sandbox: BotApiSandbox, lookout: Lookout
) -> None:
    creator = Talk(sandbox, GROUP, user_id=CREATOR, chat_type="supergroup")
    await creator.say("/list")  # the first writer is the group's creator, an admin
    for name in _OPERATOR:
        command = f"/{name} {ARGUMENTS.get(name, '')}".strip()
        assert "operators" in (await creator.say(command))["text"], command
    state = await source_store.get_source(lookout.db.conn, "belgorod-today")
    assert state is not None and not state.paused
    assert await source_store.get_source(lookout.db.conn, "example-org-feed") is None

    # The operator's id is what counts, in a group where they are not an admin too.
    operator = Talk(sandbox, GROUP, user_id=OPERATOR, chat_type="supergroup")
    assert "Sources: 1" in (await operator.say("/stats"))["text"]
