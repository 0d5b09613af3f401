"""The "mute this source / this term" buttons under an alert.

Callback data (rendered by the delivery side, at most 64 bytes):

    mute:s:<source name>:<hours>
    mute:t:<first 10 hex of sha1(term)>:<hours>

A term travels as a hash because a watch term can be longer than the 64 bytes Telegram allows;
the chat's own watch terms are hashed to find it again. The press is answered with the
confirmation, which is also posted in the chat so everyone in a group sees it.
"""

from __future__ import annotations

import hashlib
import html

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.store import chat_prefs
from bot.store import sources as source_store
from bot.telegram.common import answer_button, chat_context, now, service
from bot.telegram.parsing import format_duration

PATTERN = r"^mute:[st]:"
MAX_HOURS = 24 * 30


def term_hash(term: str) -> str:
    return hashlib.sha1(term.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def mute_data(kind: str, key: str, hours: int) -> str:
    """Callback data for a mute button; `key` is a source name or a watch term."""
    token = term_hash(key) if kind == "t" else key
    return f"mute:{kind}:{token}:{hours}"


def parse_mute_data(data: str) -> tuple[str, str, int] | None:
    """("s"|"t", source name or term hash, hours), or None for data not worth acting on."""
    if not data.startswith(("mute:s:", "mute:t:")):
        return None
    kind, rest = data[5], data[7:]
    key, _, hours = rest.rpartition(":")
    if not key or not hours.isdigit() or not 0 < int(hours) <= MAX_HOURS:
        return None
    return kind, key, int(hours)


async def mute_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = await chat_context(update, context)
    parsed = parse_mute_data(query.data)
    if parsed is None:
        await answer_button(update)
        return
    kind, key, hours = parsed
    subscriptions = service(context)
    db = subscriptions.db
    until = now(context) + hours * 3600
    duration = format_duration(hours * 3600)
    if kind == "s":
        state = await source_store.get_source(db.conn, key)
        if state is None:
            await answer_button(update, t(chat.lang, "mute_button_stale"))
            return
        async with db.write() as conn:
            await chat_prefs.mute_source(conn, chat.chat_id, key, until)
        text = t(
            chat.lang,
            "mute_source_done",
            source=html.escape(state.source.title),
            duration=duration,
        )
    else:
        settings = await subscriptions.settings(chat.chat_id)
        terms = settings.watch_terms if settings else ()
        term = next((w for w in terms if term_hash(w) == key), None)
        if term is None:
            await answer_button(update, t(chat.lang, "mute_button_stale"))
            return
        async with db.write() as conn:
            await chat_prefs.mute_term(conn, chat.chat_id, term, until)
        text = t(chat.lang, "mute_term_done", term=html.escape(term), duration=duration)
    await answer_button(update, html.unescape(text))
    message = query.message
    if isinstance(message, Message):
        await context.bot.send_message(
            chat.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
