"""Chat settings through the sandbox and the real PTB Application, in each UI language:
/mute /unmute /quiet /urgent /tz /lang /settings, and the mute buttons under an alert."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.botapi import BotApiSandbox
from bot.telegram.mute_buttons import mute_data
from tests.e2e.chat_support import Talk, prefs, settle
from tests.e2e.conftest import LocalFeed, LookoutFactory

MUTED = {"en": "muted for 2h", "ru": "отключены на 2h", "uk": "вимкнено на 2h"}
BACK_ON = {"en": "back on", "ru": "снова включены", "uk": "знову увімкнено"}
NOTHING_MUTED = {"en": "Nothing was muted", "ru": "Ничего не было", "uk": "Нічого не було"}
BAD_DURATION = {"en": "didn't understand", "ru": "Не понял срок", "uk": "Не зрозумів термін"}
QUIET = {"en": "Quiet hours 23:00–07:00", "ru": "Тихие часы 23:00–07:00", "uk": "Тихі години"}
URGENT = {"en": "is urgent", "ru": "срочное слово", "uk": "термінове слово"}
NOT_WATCHED = {"en": "not on your watchlist", "ru": "нет в вашем списке", "uk": "немає у"}
UNKNOWN_ZONE = {"en": "don't know the time zone", "ru": "Не знаю часового", "uk": "Не знаю"}


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
async def test_mute_and_unmute(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory, lang: str
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, 301, lang=lang)
    reply = await user.say("/mute 2h")
    assert MUTED[lang] in reply["text"]
    asked = user.last_update["message"]["date"]
    assert (await prefs(lookout, 301)).muted_until == asked + 7200

    assert BACK_ON[lang] in (await user.say("/unmute"))["text"]
    assert (await prefs(lookout, 301)).muted_until == 0
    assert NOTHING_MUTED[lang] in (await user.say("/unmute"))["text"]
    assert BAD_DURATION[lang] in (await user.say("/mute soon"))["text"]
    assert (await prefs(lookout, 301)).muted_until == 0

    reply = await user.say("/mute")  # an hour by default
    assert "1h" in reply["text"]
    assert (await prefs(lookout, 301)).muted_until == user.last_update["message"]["date"] + 3600


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
async def test_quiet_hours_urgent_terms_time_zone_and_settings(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory, lang: str
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, 302, lang=lang)
    assert QUIET[lang] in (await user.say("/quiet 23:00-07:00"))["text"]
    assert NOT_WATCHED[lang] in (await user.say("/urgent дрон"))["text"]
    await user.say("/watch дрон")
    assert URGENT[lang] in (await user.say("/urgent дрон"))["text"]
    assert UNKNOWN_ZONE[lang] in (await user.say("/tz Atlantis"))["text"]
    assert "Europe/Kyiv (UTC+02:00)" in (await user.say("/tz Kyiv"))["text"]
    await user.say("/subscribe Белгород")

    seen = await prefs(lookout, 302)
    assert seen.quiet == ("23:00", "07:00")
    assert seen.timezone == "Europe/Kyiv"
    assert seen.urgent_terms == frozenset({"дрон"})
    assert seen.language == lang

    settings = (await user.say("/settings"))["text"]
    for expected in ("Europe/Kyiv", "23:00–07:00", "дрон", "RU-BEL"):
        assert expected in settings

    await user.say("/urgent off дрон")
    assert (await prefs(lookout, 302)).urgent_terms == frozenset()
    await user.say("/quiet off")
    assert (await prefs(lookout, 302)).quiet is None


async def test_lang_switches_the_chat_language(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, 303, lang="en")
    assert "Choose a language" in (await user.say("/lang fr"))["text"]
    assert "Мова: українська" in (await user.say("/lang uk"))["text"]
    assert (await prefs(lookout, 303)).language == "uk"
    # The user's Telegram language no longer decides once a chat chose one.
    assert "Налаштування цього чату" in (await user.say("/settings"))["text"]
    assert "Язык: русский" in (await user.say("/lang ru"))["text"]
    assert "Настройки этого чата" in (await user.say("/settings"))["text"]


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
async def test_mute_buttons_under_an_alert(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory, lang: str
) -> None:
    lookout = await make_lookout()
    user = Talk(sandbox, 304, lang=lang)
    await user.say("/watch беспилотник")
    # The alert as the delivery side renders it: buttons to mute its source and its term.
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "mute source", callback_data=mute_data("s", "belgorod-today", 4)
                ),
                InlineKeyboardButton("mute term", callback_data=mute_data("t", "беспилотник", 24)),
            ]
        ]
    )
    await lookout.application.bot.send_message(304, "alert", reply_markup=markup)
    alert = (await sandbox.wait_for_messages(304, 2))[1]

    before = user.bot_count()
    answer = await user.press(alert, mute_data("s", "belgorod-today", 4))
    assert answer is not None and "Белгород сегодня" in answer["text"] and "4h" in answer["text"]
    confirmation = (await sandbox.wait_for_messages(304, before + 1))[before]
    assert "Белгород сегодня" in confirmation["text"]

    answer = await user.press(alert, mute_data("t", "беспилотник", 24))
    assert answer is not None and "беспилотник" in answer["text"] and "1d" in answer["text"]
    seen = await prefs(lookout, 304)
    assert seen.muted_sources == frozenset({"belgorod-today"})
    assert seen.muted_terms == frozenset({"беспилотник"})
    settings = (await user.say("/settings"))["text"]
    assert "belgorod-today" in settings and "беспилотник" in settings

    # A term the chat no longer watches: the button says so and mutes nothing.
    await user.say("/unwatch беспилотник")
    await user.say("/unmute")
    answer = await user.press(alert, mute_data("t", "беспилотник", 24))
    assert answer is not None and answer["text"]
    await settle()
    assert (await prefs(lookout, 304)).muted_terms == frozenset()


@pytest.mark.parametrize(
    ("lang", "quiet"), [("en", "Quiet hours"), ("ru", "Тихие часы"), ("uk", "Тихі години")]
)
async def test_the_command_menu_lists_the_chat_commands(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory, lang: str, quiet: str
) -> None:
    await make_lookout()
    await Talk(sandbox, 305, lang=lang).say("/help")
    menu = {c["command"]: c["description"] for c in sandbox.state.commands_seen_in(305, lang)}
    for command in ("regions", "recent", "mute", "unmute", "quiet", "urgent", "tz", "lang"):
        assert command in menu
    for command in ("sources", "settings", "export", "import"):
        assert command in menu
    assert menu["quiet"] == quiet
    assert "addsource" not in menu  # operator commands stay out of everyone's menu
    help_text = sandbox.sent_messages(305)[0]["text"]
    assert "/mute" in help_text and "/quiet" in help_text and "/export" in help_text
