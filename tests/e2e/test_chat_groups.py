"""Groups, forum topics and channels: only admins change settings; an anonymous admin counts;
alerts remember the topic where the subscription was made; commands work in a channel."""

from __future__ import annotations

import pytest

from bot.sandbox.botapi import BotApiSandbox
from tests.e2e.chat_support import (
    ANONYMOUS_ADMIN_BOT,
    Talk,
    open_channel,
    post_in_channel,
    prefs,
)
from tests.e2e.conftest import LocalFeed, LookoutFactory

GROUP = -100500
CREATOR, MEMBER, OTHER = 501, 502, 503
REFUSAL = {"en": "Only this group's admins", "ru": "только её администраторы", "uk": "лише її"}


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
async def test_only_admins_change_a_groups_settings(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory, lang: str
) -> None:
    lookout = await make_lookout()
    creator = Talk(sandbox, GROUP, lang=lang, user_id=CREATOR, chat_type="supergroup")
    member = Talk(sandbox, GROUP, lang=lang, user_id=MEMBER, chat_type="supergroup")
    await creator.say("/subscribe Белгород")  # the first writer is the group's creator

    for command in ("/subscribe Курск", "/unsubscribe Белгород", "/watch дрон", "/mute 1h"):
        assert REFUSAL[lang] in (await member.say(command))["text"], command
    settings = await lookout.subscriptions.settings(GROUP)
    assert settings is not None and settings.regions == ("RU-BEL",)
    assert settings.watch_terms == ()
    assert (await prefs(lookout, GROUP)).muted_until == 0

    # Reading is open to everyone.
    assert "RU-BEL" in (await member.say("/list"))["text"]
    assert "RU-BEL" in (await member.say("/settings"))["text"]
    assert "/subscribe" in (await member.say("/help"))["text"]

    # A member's press on a subscribe button is refused with an alert, and changes nothing.
    choices = await creator.say("/regions курск")
    answer = await member.press(choices, "sub:RU-KRS")
    assert answer is not None and answer["show_alert"] and REFUSAL[lang] in answer["text"]

    sandbox.set_admin(GROUP, MEMBER)
    assert "✅" in (await member.say("/subscribe RU-KRS"))["text"]
    settings = await lookout.subscriptions.settings(GROUP)
    assert settings is not None and set(settings.regions) == {"RU-BEL", "RU-KRS"}


async def test_an_anonymous_admin_writes_as_the_group(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    lookout = await make_lookout()
    creator = Talk(sandbox, GROUP, user_id=CREATOR, chat_type="supergroup")
    await creator.say("/list")
    anonymous = Talk(sandbox, GROUP, user_id=ANONYMOUS_ADMIN_BOT, chat_type="supergroup")
    before = anonymous.bot_count()
    update = sandbox.inject_message(
        GROUP, "/watch дрон", user_id=ANONYMOUS_ADMIN_BOT, chat_type="supergroup"
    )
    update["message"]["sender_chat"] = update["message"]["chat"]
    reply = (await sandbox.wait_for_messages(GROUP, before + 1))[before]
    assert "дрон" in reply["text"] and "Only" not in reply["text"]

    # A linked channel's post in the group is not an admin.
    before = anonymous.bot_count()
    update = sandbox.inject_message(
        GROUP, "/watch ракета", user_id=ANONYMOUS_ADMIN_BOT, chat_type="supergroup"
    )
    update["message"]["sender_chat"] = {"id": -100999, "type": "channel", "title": "Linked"}
    reply = (await sandbox.wait_for_messages(GROUP, before + 1))[before]
    assert "Only this group's admins" in reply["text"]
    settings = await lookout.subscriptions.settings(GROUP)
    assert settings is not None and settings.watch_terms == ("дрон",)


async def test_a_forum_topic_becomes_where_alerts_go(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    lookout = await make_lookout()
    creator = Talk(sandbox, GROUP, user_id=CREATOR, chat_type="supergroup")
    await creator.say("/list")
    assert (await prefs(lookout, GROUP)).thread_id is None
    before = creator.bot_count()
    update = sandbox.inject_message(
        GROUP,
        "/subscribe Белгород",
        user_id=CREATOR,
        chat_type="supergroup",
        message_thread_id=42,
    )
    update["message"]["is_topic_message"] = True
    await sandbox.wait_for_messages(GROUP, before + 1)
    assert (await prefs(lookout, GROUP)).thread_id == 42
    assert "topic 42" in (await creator.say("/settings"))["text"]


async def test_commands_posted_in_a_channel(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    lookout = await make_lookout()
    channel = -100777
    open_channel(sandbox, channel)
    post_in_channel(sandbox, channel, "/subscribe Белгород")
    reply = (await sandbox.wait_for_messages(channel, 1))[0]
    assert "Belgorod Oblast" in reply["text"]
    post_in_channel(sandbox, channel, "/mute 3h")
    reply = (await sandbox.wait_for_messages(channel, 2))[1]
    assert "3h" in reply["text"]
    settings = await lookout.subscriptions.settings(channel)
    assert settings is not None and settings.regions == ("RU-BEL",)
    assert (await prefs(lookout, channel)).muted_until > 0
