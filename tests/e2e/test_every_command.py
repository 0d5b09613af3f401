"""Every command in the menu answers, in each UI language, through the real PTB Application."""

from __future__ import annotations

import re

from bot.sandbox.botapi import BotApiSandbox
from bot.telegram.chat_handlers import CHAT_COMMANDS
from bot.telegram.digest_commands import DIGEST_COMMANDS
from bot.telegram.handlers import COMMANDS
from tests.e2e.chat_support import Talk
from tests.e2e.conftest import LocalFeed, LookoutFactory

MENU = COMMANDS + CHAT_COMMANDS + DIGEST_COMMANDS
# Documents rather than prose: their text is the chat's data, the same in every language.
DATA_REPLIES = {"export"}


def letters(text: str, pattern: str) -> int:
    text = re.sub(r"/\w+|<[^>]+>|[A-Z]{2}-[A-Z0-9]{2,3}|https?://\S+", "", text)
    return len(re.findall(pattern, text))


async def test_every_menu_command_answers_in_the_chats_language(
    sandbox: BotApiSandbox, feed: LocalFeed, make_lookout: LookoutFactory
) -> None:
    await make_lookout()
    replies: dict[str, dict[str, str]] = {}
    for chat_id, lang in ((501, "en"), (502, "ru"), (503, "uk")):
        talk = Talk(sandbox, chat_id, lang=lang)
        await talk.say(f"/lang {lang}")
        replies[lang] = {}
        for command in MENU:
            reply = await talk.say(f"/{command}")
            assert reply["text"].strip(), f"/{command} in {lang}: empty reply"
            replies[lang][command] = reply["text"]
    for command in MENU:
        if command in DATA_REPLIES:
            continue
        texts = {lang: replies[lang][command] for lang in replies}
        assert len(set(texts.values())) == 3, f"/{command} is not translated: {texts}"
        for lang in ("ru", "uk"):
            text = texts[lang]
            assert letters(text, "[А-Яа-яЁёІіЇїЄєҐґ]") > letters(text, "[A-Za-z]"), (
                f"/{command} in {lang} reads as English: {text!r}"
            )
