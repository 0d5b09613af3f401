"""Helpers for the chat e2e tests: a user talking to Lookout through the sandbox."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import Lookout
from bot.sandbox.botapi import BotApiSandbox
from bot.sandbox.state import ChatRecord, command_entities
from bot.store import chat_prefs
from bot.store.chat_prefs import DeliveryPrefs

JsonDict = dict[str, Any]
ANONYMOUS_ADMIN_BOT = 1087968824


class Talk:
    """One user in one chat: says something and gets the bot's next message."""

    def __init__(
        self,
        sandbox: BotApiSandbox,
        chat_id: int,
        *,
        lang: str = "en",
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> None:
        self.sandbox = sandbox
        self.chat_id = chat_id
        self.lang = lang
        self.user_id = user_id
        self.chat_type = chat_type
        self.last_update: JsonDict = {}

    async def press_and_wait_edit(self, message: JsonDict, data: str) -> JsonDict:
        """Press a button that edits its message; the message as edited."""
        stored = self.sandbox.state.message(self.chat_id, message["message_id"])
        assert stored is not None
        rev = stored.rev
        await self.press(message, data)

        def edited() -> bool:
            now = self.sandbox.state.message(self.chat_id, message["message_id"])
            return now is not None and now.rev > rev

        assert await self.sandbox.state.wait_until(edited, 10.0), f"{data!r} edited nothing"
        current = self.sandbox.state.message(self.chat_id, message["message_id"])
        assert current is not None
        return current.to_json()

    def bot_count(self) -> int:
        return len(self.sandbox.sent_messages(self.chat_id))

    async def say(self, text: str, **extra: Any) -> JsonDict:
        """Write `text`; wait for and return the bot's next message in this chat."""
        before = self.bot_count()
        self.last_update = self.sandbox.inject_message(
            self.chat_id,
            text,
            user_id=extra.pop("user_id", self.user_id),
            chat_type=self.chat_type,
            language_code=self.lang,
            **extra,
        )
        messages = await self.sandbox.wait_for_messages(self.chat_id, before + 1)
        return messages[before]

    async def redeliver(self) -> JsonDict:
        """Telegram delivers the last update again (as after a crash); the bot's next message."""
        before = self.bot_count()
        self.sandbox.state.queue_update({"message": self.last_update["message"]})
        messages = await self.sandbox.wait_for_messages(self.chat_id, before + 1)
        return messages[before]

    async def press(self, message: JsonDict, data: str) -> JsonDict | None:
        """Press a button under a bot message; the bot's answer to the press."""
        update = self.sandbox.press_button(
            self.chat_id, message["message_id"], data, user_id=self.user_id
        )
        query_id = update["callback_query"]["id"]
        answered = await self.sandbox.state.wait_until(
            lambda: self.sandbox.callback_answer(query_id) is not None, 10.0
        )
        assert answered, f"button {data!r} was not answered"
        return self.sandbox.callback_answer(query_id)


def buttons(message: JsonDict) -> dict[str, str]:
    """callback_data -> button text of a message's inline keyboard."""
    markup = message.get("reply_markup") or {}
    return {
        button["callback_data"]: button["text"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    }


def open_channel(sandbox: BotApiSandbox, chat_id: int, title: str = "News channel") -> None:
    sandbox.state.chats[chat_id] = ChatRecord(chat_id, "channel", title, None)


def post_in_channel(sandbox: BotApiSandbox, chat_id: int, text: str) -> JsonDict:
    """A channel admin posts `text`; the bot sees a channel_post update."""
    chat = sandbox.state.chat(chat_id).to_json()
    stored = sandbox.state.add_message(
        chat_id,
        from_bot=False,
        sender={"id": 136817688, "is_bot": True, "first_name": "Channel"},
        text=text,
        html=text,
        entities=command_entities(text),
    )
    post = {
        "message_id": stored.message_id,
        "sender_chat": chat,
        "chat": chat,
        "date": stored.date,
        "text": text,
        "entities": list(command_entities(text)),
    }
    return sandbox.state.queue_update({"channel_post": post})


async def prefs(lookout: Lookout, chat_id: int) -> DeliveryPrefs:
    now = lookout.clock.now().timestamp()
    return await chat_prefs.delivery_prefs(lookout.db.conn, chat_id, now)


async def settle() -> None:
    await asyncio.sleep(0.4)
