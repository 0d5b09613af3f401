"""What every chat handler needs: the chat's id and language, replies, and who may do what.

Who may change a chat's settings:
- a private chat: its user;
- a channel: whoever posts there (only its admins can);
- a group: its admins and creator, asked with getChatMember; an anonymous admin writes as the
  group itself (`sender_chat.id == chat.id`). A "yes" is remembered for ADMIN_CACHE_SECONDS so
  a burst of commands costs one request; a "no" is not, so a freshly promoted admin can act
  at once.
Operators (user ids in `settings.operators`) run the source commands.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import language_for, t
from bot.store import chat_prefs
from bot.subscriptions import Subscriptions

ADMIN_CACHE_SECONDS = 60.0
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class ChatContext:
    chat_id: int
    lang: str


def service(context: ContextTypes.DEFAULT_TYPE) -> Subscriptions:
    found: Subscriptions = context.application.bot_data["subscriptions"]
    return found


def now(context: ContextTypes.DEFAULT_TYPE) -> float:
    return service(context).clock.now().timestamp()


def asked_at(update: Update, context: ContextTypes.DEFAULT_TYPE) -> float:
    """When the user asked: the message's own date, so a redelivered update means the same."""
    message = update.message or update.channel_post
    if message is not None:
        return message.date.timestamp()
    return now(context)


async def chat_context(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatContext:
    """Register the chat on first contact; its id and UI language."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None
    subscriptions = service(context)
    await subscriptions.register_chat(
        chat.id,
        chat_type=chat.type,
        title=chat.title or chat.full_name,
        language=language_for(user.language_code if user else None),
    )
    settings = await subscriptions.settings(chat.id)
    return ChatContext(chat.id, settings.language if settings else "en")


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


def argument(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


def raw_argument(update: Update) -> str:
    """Everything after the command word, line breaks kept (for pasted documents)."""
    message = update.effective_message
    text = (message.text or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def is_operator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    operators: frozenset[int] = context.application.bot_data.get("operators", frozenset())
    return user is not None and user.id in operators


async def may_change_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat = update.effective_chat
    assert chat is not None
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin; not a linked channel
    user = update.effective_user
    if user is None:
        return False
    cache: dict[tuple[int, int], float] = context.application.bot_data.setdefault("admin_cache", {})
    key = (chat.id, user.id)
    if cache.get(key, 0.0) > now(context):
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    allowed = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
    if allowed:
        cache[key] = now(context) + ADMIN_CACHE_SECONDS
    return allowed


async def answer_button(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; a press delivered again after a crash was answered already."""
    query = update.callback_query
    assert query is not None
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if "query is too old" not in exc.message and "query id is invalid" not in exc.message:
            raise


def topic_of(update: Update) -> int | None:
    """The forum topic a message was written in (not a reply thread in a plain group)."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def admins_only(handler: Handler, *, remember_topic: bool = False) -> Handler:
    """Let `handler` run only for those who may change the chat's settings (see above).

    With `remember_topic`, a forum topic the command came from becomes where alerts go.
    """

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await may_change_settings(update, context):
            chat = await chat_context(update, context)
            if update.callback_query is not None:
                await answer_button(update, t(chat.lang, "admins_only"), alert=True)
            else:
                await reply(update, t(chat.lang, "admins_only"))
            return
        if remember_topic:
            thread = topic_of(update)
            if thread is not None:
                where = await chat_context(update, context)
                async with service(context).db.write() as conn:
                    await chat_prefs.set_thread(conn, where.chat_id, thread)
        await handler(update, context)

    return guarded


def operators_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not is_operator(update, context):
            chat = await chat_context(update, context)
            await reply(update, t(chat.lang, "operators_only"))
            return
        await handler(update, context)

    return guarded


def local_time(timestamp: float, zone: str) -> str:
    """ "2024-05-10 23:00" in the chat's time zone (UTC when the zone is unknown)."""
    try:
        tz: tzinfo = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    return datetime.fromtimestamp(timestamp, tz).strftime("%Y-%m-%d %H:%M")
