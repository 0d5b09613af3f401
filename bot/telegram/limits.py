"""Abuse limits at the chat's door: commands per minute, and the answer to a reached cap.

Every command and button press passes a per-chat token bucket first (a `TypeHandler` in
handler group -1, ahead of every command handler): a chat holds up to `commands_per_minute`
tokens, refilled evenly over a minute. A command without a token is not run
(`ApplicationHandlerStop`); the chat is told once per empty bucket, and further commands are
dropped silently, so flooding the bot cannot make it flood the chat. Buckets live in memory
(a restart forgives); a full bucket carries no information and is pruned, so memory stays
bounded by the chats active in the last minute.

The caps on what a chat keeps (watch terms, regions and towns) are enforced by
`bot.subscriptions`, which raises `LimitReached`; `tell_limit` answers it in the chat's language.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.clock import Clock
from bot.errors import LimitReached
from bot.i18n import language_for, t
from bot.telegram.common import answer_button, reply, service

log = logging.getLogger(__name__)

PRUNE_ABOVE = 10_000  # buckets kept before full ones are swept out


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class CommandRateLimit:
    """A token bucket per chat: `per_minute` commands, refilled evenly over 60 seconds."""

    def __init__(self, per_minute: int, clock: Clock) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def _refill(self, bucket: _Bucket, now: float) -> None:
        rate = self.per_minute / 60.0
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now

    def take(self, chat_id: int) -> tuple[bool, float]:
        """(allowed, seconds until the next command would be allowed)."""
        now = self.clock.now().timestamp()
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= PRUNE_ABOVE:
                self._prune(now)
            bucket = self._buckets[chat_id] = _Bucket(float(self.per_minute), now)
        self._refill(bucket, now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return True, 0.0
        return False, (1.0 - bucket.tokens) * 60.0 / self.per_minute

    def should_warn(self, chat_id: int) -> bool:
        """True the first time a chat is refused since it last had a token."""
        bucket = self._buckets.get(chat_id)
        if bucket is None or bucket.warned:
            return False
        bucket.warned = True
        return True

    def _prune(self, now: float) -> None:
        for chat_id, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.per_minute:
                del self._buckets[chat_id]


def _is_command(update: Update) -> bool:
    if update.callback_query is not None:
        return True
    message = update.message or update.channel_post
    return message is not None and (message.text or "").startswith("/")


def add_rate_limit(application: Application, limit: CommandRateLimit) -> None:  # type: ignore[type-arg]
    async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or limit.per_minute <= 0 or not _is_command(update):
            return
        allowed, wait = limit.take(chat.id)
        if allowed:
            return
        log.info("event=rate_limited chat=%d", chat.id)
        if limit.should_warn(chat.id):
            lang = await _language(update, context)
            text = t(lang, "rate_limited", limit=limit.per_minute, seconds=math.ceil(wait))
            if update.callback_query is not None:
                await answer_button(update, text, alert=True)
            else:
                await reply(update, text)
        elif update.callback_query is not None:
            await answer_button(update)
        raise ApplicationHandlerStop

    application.add_handler(TypeHandler(Update, gate), group=-1)


async def _language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The chat's stored language, else the user's; registers nothing."""
    chat = update.effective_chat
    assert chat is not None
    settings = await service(context).settings(chat.id)
    if settings is not None:
        return settings.language
    user = update.effective_user
    return language_for(user.language_code if user else None)


async def tell_limit(
    update: Update, context: ContextTypes.DEFAULT_TYPE, error: LimitReached
) -> None:
    """Answer a command or button that ran into a chat's cap."""
    lang = await _language(update, context)
    key = "limit_watch_terms" if error.kind == "watch_terms" else "limit_regions"
    text = t(lang, key, limit=error.limit)
    if update.callback_query is not None:
        await answer_button(update, text, alert=True)
    else:
        await reply(update, text)
