"""Finding and reading things in chat: /start's buttons, /regions, /recent, /sources,
/export and /import, through the sandbox and the real PTB Application."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.chat_support import Talk, buttons, prefs
from tests.e2e.conftest import LocalFeed, LookoutFactory, rss_item

# An hour ago: within /recent's last 24 hours whenever the test runs.
NOW_ISH = format_datetime(datetime.now(UTC) - timedelta(hours=1))


@pytest.mark.parametrize(
    ("lang", "kharkiv", "more"),
    [
        ("en", "Kharkiv Oblast", "More regions"),
        ("ru", "Харьковская", "Другие"),
        ("uk", "Харківська", "Інші"),
    ],
)
async def test_start_and_regions_keyboards(
    sandbox: BotApiSandbox,
    feed: LocalFeed,
    make_lookout: LookoutFactory,
    lang: str,
    kharkiv: str,
    more: str,
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, 401, lang=lang)
    welcome = await user.say("/start")
    offered = buttons(welcome)
    assert "sub:RU-BEL" in offered and "sub:UA-63" in offered
    assert more in offered["rg:c"]

    # "More regions…" -> countries -> Ukraine's first page -> the next page -> a region.
    countries = await user.press_and_wait_edit(welcome, "rg:c")
    assert set(buttons(countries)) == {"rg:RU:0", "rg:UA:0"}
    page = await user.press_and_wait_edit(countries, "rg:UA:0")
    assert "1" in page["text"] and "rg:UA:1" in buttons(page)
    assert all(code.startswith(("sub:UA-", "rg:")) for code in buttons(page))
    page_two = await user.press_and_wait_edit(page, "rg:UA:1")
    assert "rg:UA:0" in buttons(page_two)
    region = next(data for data in buttons(page_two) if data.startswith("sub:"))
    await user.press_and_wait_edit(page_two, region)
    settings = await user.say("/list")
    assert region.removeprefix("sub:") in settings["text"]

    found = await user.say("/regions харк")
    assert buttons(found) == {"sub:UA-63": buttons(found)["sub:UA-63"]}
    assert kharkiv in buttons(found)["sub:UA-63"]
    assert set(buttons(await user.say("/regions"))) == {"rg:RU:0", "rg:UA:0"}
    nothing = await user.say("/regions Qwertyzxcv")
    assert not buttons(nothing)
    assert (await prefs(lookout, 401)).language == lang


async def test_recent_and_sources(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    feed.items[:] = [rss_item("old", "Дрон над Белгородом давно", "Старая новость.", NOW_ISH)]
    lookout = await make_lookout()
    user = Talk(sandbox, 402, lang="ru")
    assert "/subscribe" in (await user.say("/recent"))["text"]  # follows nothing yet
    await lookout.poll_once(every_source=True)
    # Stored more than a day ago: not recent any more.
    async with lookout.db.write() as conn:
        await conn.execute("UPDATE items SET fetched_at = fetched_at - 90000")
    feed.items += [
        rss_item("d1", "Дрон упал в Белгородской области", "Пострадавших нет.", NOW_ISH),
        rss_item("k1", "В Курске открыли мост", "Движение восстановлено.", NOW_ISH),
        # An old date, stored now (a late or replayed feed): recent by when it was stored.
        rss_item(
            "late",
            "Из архива: в Белгородской области открыли музей",
            "Архив.",
            "Fri, 10 May 2024 06:00:00 +0300",
        ),
    ]
    await lookout.poll_once(every_source=True)

    await user.say("/subscribe Белгород")
    mine = (await user.say("/recent"))["text"]
    assert "Дрон упал" in mine and "Белгород сегодня" in mine and "Из архива" in mine
    assert "2024-05-10" in mine  # an old date shows its year
    assert "Курске" not in mine and "давно" not in mine
    assert mine.index("Дрон упал") < mine.index("Из архива")  # newest first
    assert "Курске открыли" in (await user.say("/recent Курск"))["text"]
    by_term = (await user.say("/recent мост"))["text"]
    assert "Курске открыли" in by_term and "Дрон" not in by_term
    assert "ничего" in (await user.say("/recent Камчатка"))["text"]
    assert "работает" in (await user.say("/sources"))["text"]


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
async def test_export_then_import_into_another_chat(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory, lang: str
) -> None:
    lookout = await make_lookout()
    source = Talk(sandbox, 403, lang=lang)
    for command in ("/subscribe Белгород", "/watch дрон", "/urgent дрон", "/tz Moscow"):
        await source.say(command)
    await source.say("/quiet 22:00-06:00")
    exported = await source.say("/export")
    document = exported["text"][exported["text"].index("{") :]
    assert json.loads(document)["regions"] == ["RU-BEL"]

    target = Talk(sandbox, 404, lang="en")
    done = await target.say("/import " + document)
    assert "1" in done["text"]
    copied = await prefs(lookout, 404)
    original = await prefs(lookout, 403)
    assert (copied.timezone, copied.quiet, copied.urgent_terms, copied.language) == (
        original.timezone,
        original.quiet,
        original.urgent_terms,
        lang,
    )
    again = await target.say("/import " + document)
    assert "0" in again["text"]  # nothing new the second time
    assert (await target.say("/export"))["text"].endswith(document)

    bad = await target.say("/import {not json")
    assert "JSON" in bad["text"]
    wrong = await target.say('/import {"lookout": 1, "regions": ["RU-XXX"]}')
    assert "regions" in wrong["text"] and "RU-XXX" in wrong["text"]
    usage = await target.say("/import")
    assert "/export" in usage["text"]
