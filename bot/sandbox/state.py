"""In-memory world of the sandbox Bot API: chats, their messages, the update queue, commands.

Everything the emulated Telegram knows lives in one ``SandboxState``: the HTTP layers
(``botapi``, ``webchat``) only translate requests into calls on it. Changes wake whoever waits
for them (long polls, the web chat, tests) through ``wait_until``. Nothing here does I/O; time
comes from the injected ``clock``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.telegram_html import utf16_len

JsonDict = dict[str, Any]

BOT_FIRST_NAME = "Lookout"
DEFAULT_GROUP_USER_ID = 1001
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JsonDict:
        answer: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            answer["parameters"] = {"retry_after": self.retry_after}
        return answer


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True, slots=True)
class ChatRecord:
    id: int
    type: str  # private, group, supergroup
    title: str | None
    first_name: str | None

    def to_json(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or "Tester"
        else:
            chat["title"] = self.title or f"Group {self.id}"
        return chat


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message in a chat, from a user or from the bot, as it looks now (edits applied)."""

    message_id: int
    chat: ChatRecord
    from_bot: bool
    sender: JsonDict  # a User object
    date: int
    text: str
    html: str  # the bot's HTML as sent, or the escaped user text
    entities: tuple[JsonDict, ...] = ()
    reply_markup: JsonDict | None = None
    message_thread_id: int | None = None
    link_preview_options: JsonDict | None = None
    reply_to: StoredMessage | None = None
    edit_date: int | None = None
    deleted: bool = False
    rev: int = 0  # state-wide change counter at this message's last change

    def to_json(self) -> JsonDict:
        """The Bot API ``Message`` object."""
        message: JsonDict = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat.to_json(),
            "date": self.date,
            "text": self.text,
        }
        if self.entities:
            message["entities"] = list(self.entities)
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        if self.message_thread_id is not None:
            message["message_thread_id"] = self.message_thread_id
        if self.link_preview_options is not None:
            message["link_preview_options"] = self.link_preview_options
        if self.reply_to is not None:
            message["reply_to_message"] = self.reply_to.to_json()
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        return message

    def to_web_json(self) -> JsonDict:
        """The shape the web chat and tests read from ``/sandbox/chats/{id}/messages``."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat.id,
            "from_bot": self.from_bot,
            "sender_name": self.sender.get("first_name", ""),
            "text": self.text,
            "html": self.html,
            "reply_markup": self.reply_markup,
            "date": self.date,
            "edited": self.edit_date is not None,
            "deleted": self.deleted,
            "rev": self.rev,
        }


def command_entities(text: str) -> tuple[JsonDict, ...]:
    """The ``bot_command`` entity Telegram adds when a message starts with ``/cmd[@bot]``."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return ()
    return ({"type": "bot_command", "offset": 0, "length": utf16_len(match.group())},)


def scope_key(scope: JsonDict | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


class SandboxState:
    """Chats, messages, pending updates and bot settings of one sandbox Bot API."""

    def __init__(self, *, bot_user: JsonDict, clock: Callable[[], float] = time.time) -> None:
        self.bot_user = bot_user
        self.clock = clock
        self.chats: dict[int, ChatRecord] = {}
        self.messages: dict[int, list[StoredMessage]] = {}
        self.updates: list[JsonDict] = []
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.users: dict[int, JsonDict] = {}
        self.creators: dict[int, int] = {}
        self.admins: dict[int, set[int]] = {}
        self.callback_answers: dict[str, JsonDict | None] = {}
        self.failures: dict[int, deque[ApiError]] = {}
        self.closing = False
        self.poll_generation = 0
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self._next_update_id = 1
        self._next_callback_id = 1
        self._rev = 0
        self._changed = asyncio.Event()

    # -- change notification -------------------------------------------------------------

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``ready()`` holds; False on timeout or when the sandbox is closing."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not ready():
            remaining = deadline - loop.time()
            if self.closing or remaining <= 0:
                return False
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return ready()
        return True

    def close(self) -> None:
        self.closing = True
        self.notify()

    def _bump(self) -> int:
        self._rev += 1
        return self._rev

    # -- chats and messages ------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def chat(self, chat_id: int) -> ChatRecord:
        record = self.chats.get(chat_id)
        if record is None:
            raise bad_request("chat not found")
        return record

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        return self.messages.get(chat_id, [])

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        for stored in self.chat_messages(chat_id):
            if stored.message_id == message_id and not stored.deleted:
                return stored
        return None

    def _next_message_id(self, chat_id: int) -> int:
        existing = self.chat_messages(chat_id)
        return existing[-1].message_id + 1 if existing else 1

    def add_message(self, chat_id: int, **fields: Any) -> StoredMessage:
        stored = StoredMessage(
            message_id=self._next_message_id(chat_id),
            chat=self.chat(chat_id),
            date=self.now(),
            rev=self._bump(),
            **fields,
        )
        self.messages.setdefault(chat_id, []).append(stored)
        self.notify()
        return stored

    def replace_message(self, stored: StoredMessage, **changes: Any) -> StoredMessage:
        updated = dataclasses.replace(stored, rev=self._bump(), **changes)
        chat_list = self.messages[stored.chat.id]
        chat_list[chat_list.index(stored)] = updated
        self.notify()
        return updated

    def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        return [m for m in self.chat_messages(chat_id) if m.from_bot and not m.deleted]

    # -- users writing and pressing buttons ----------------------------------------------

    def user_json(self, user_id: int) -> JsonDict:
        """The User object of someone who wrote before, or a placeholder."""
        known = self.users.get(user_id)
        if known is not None:
            return known
        return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}

    def user_writes(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        first_name: str = "Tester",
        language_code: str = "en",
        message_thread_id: int | None = None,
    ) -> JsonDict:
        """Record a user's message and queue its ``message`` update; returns the update."""
        chat_type = chat_type.lower()
        if chat_type not in {"private", "group", "supergroup"}:
            raise bad_request(f"unsupported chat type {chat_type!r}")
        if user_id is None:
            user_id = chat_id if chat_type == "private" else DEFAULT_GROUP_USER_ID
        previous = self.chats.get(chat_id)
        title = chat_title or (previous.title if previous else None)
        self.chats[chat_id] = ChatRecord(chat_id, chat_type, title, first_name)
        if chat_type != "private":
            self.creators.setdefault(chat_id, user_id)
        sender = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self.users[user_id] = sender
        stored = self.add_message(
            chat_id,
            from_bot=False,
            sender=sender,
            text=text,
            html=html.escape(text, quote=False),
            entities=command_entities(text),
            message_thread_id=message_thread_id,
        )
        return self.queue_update({"message": stored.to_json()})

    def user_presses(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> JsonDict:
        """Queue a ``callback_query`` update for a button under a bot message."""
        stored = self.message(chat_id, message_id)
        if stored is None or not stored.from_bot:
            raise bad_request("message with the button not found")
        if user_id is None:
            user_id = chat_id if stored.chat.type == "private" else DEFAULT_GROUP_USER_ID
        query_id = str(self._next_callback_id)
        self._next_callback_id += 1
        self.callback_answers[query_id] = None
        return self.queue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user_json(user_id),
                    "message": stored.to_json(),
                    "chat_instance": str(chat_id),
                    "data": data,
                }
            }
        )

    # -- the update queue --------------------------------------------------------------

    def queue_update(self, payload: JsonDict) -> JsonDict:
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self.updates.append(update)
        self.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        """Forget updates before ``offset``; a negative offset keeps only the last -offset."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    # -- commands ----------------------------------------------------------------------

    def set_commands(self, commands: list[JsonDict], scope: JsonDict | None, lang: str) -> None:
        key = (scope_key(scope), lang)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        self.notify()

    def commands_for(self, scope: JsonDict | None, lang: str) -> list[JsonDict]:
        return self.commands.get((scope_key(scope), lang), [])

    def commands_seen_in(self, chat_id: int | None, lang: str = "") -> list[JsonDict]:
        """The menu a user of ``chat_id`` sees, following Telegram's scope precedence."""
        scopes: list[JsonDict] = []
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat_id is not None:
            scopes.append({"type": "chat", "chat_id": chat_id})
        if chat is not None:
            kind = "all_private_chats" if chat.type == "private" else "all_group_chats"
            scopes.append({"type": kind})
        scopes.append({"type": "default"})
        for scope in scopes:
            for language in dict.fromkeys((lang, "")):
                found = self.commands_for(scope, language)
                if found:
                    return found
        return []

    # -- members -----------------------------------------------------------------------

    def set_admin(self, chat_id: int, user_id: int, admin: bool = True) -> None:
        members = self.admins.setdefault(chat_id, set())
        if admin:
            members.add(user_id)
        else:
            members.discard(user_id)

    def member_status(self, chat_id: int, user_id: int) -> str:
        chat = self.chat(chat_id)
        if user_id == self.bot_user["id"]:
            return "member" if chat.type == "private" else "administrator"
        if chat.type == "private":
            return "member"
        if self.creators.get(chat_id) == user_id:
            return "creator"
        if user_id in self.admins.get(chat_id, set()):
            return "administrator"
        return "member"

    def fail_next(self, chat_id: int, error: ApiError) -> None:
        self.failures.setdefault(chat_id, deque()).append(error)

    def take_failure(self, chat_id: int) -> ApiError | None:
        queue = self.failures.get(chat_id)
        return queue.popleft() if queue else None
