"""Chat command handlers. Each parses the command, calls one Subscriptions method, replies.

Handlers are idempotent: Telegram may deliver an update again after a crash, and
subscribing or watching twice changes nothing.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.errors import LimitReached, UserInputError
from bot.i18n import t
from bot.matching.query import QueryError
from bot.store.chats import ChatSettings
from bot.subscriptions import MAX_TERM_CHARS, Subscriptions
from bot.telegram.chat_handlers import COMMAND_UPDATES, add_chat_handlers
from bot.telegram.common import admins_only, answer_button, chat_context
from bot.telegram.common import service as subscriptions_of
from bot.telegram.digest_commands import add_digest_handlers
from bot.telegram.limits import tell_limit
from bot.telegram.onboarding import start_keyboard
from bot.telegram.test_command import query_error_text, try_query
from bot.telegram.town_buttons import place_button, subscribe_choice

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "subscribe", "unsubscribe", "watch", "unwatch", "test", "list")
MAX_CHOICES = 6


async def _chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[int, str]:
    """Register the chat on first contact; return its id and UI language."""
    found = await chat_context(update, context)
    return found.chat_id, found.lang


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


def _argument(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _, lang = await _chat(update, context)
    text = t(lang, "start") + "\n\n" + t(lang, "start_pick")
    await _reply(update, text, start_keyboard(subscriptions_of(context).gazetteer, lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _, lang = await _chat(update, context)
    topic = _argument(context).lower().lstrip("/")
    await _reply(update, t(lang, "help_watch" if topic in ("watch", "test") else "help"))


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, lang = await _chat(update, context)
    query = _argument(context)
    if not query:
        await _reply(update, t(lang, "subscribe_usage"))
        return
    service = subscriptions_of(context)
    found = service.lookup(query)
    if not found.regions:
        await _reply(update, t(lang, "unknown_region", query=html.escape(query[:100])))
        return
    choice = subscribe_choice(found, lang)  # a town, several regions, or close spellings
    if choice is not None:
        await _reply(update, *choice)
        return
    await _subscribe_reply(update, service, chat_id, found.regions[0].code, lang)


async def _subscribe_reply(
    update: Update, service: Subscriptions, chat_id: int, code: str, lang: str
) -> None:
    added = await service.subscribe(chat_id, code)
    name = html.escape(service.region_name(code, lang))
    await _reply(update, t(lang, "subscribed" if added else "already_subscribed", region=name))


async def subscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    chat_id, lang = await _chat(update, context)
    code = query.data.removeprefix("sub:")
    service = subscriptions_of(context)
    if service.gazetteer.get(code) is None:
        await answer_button(update)
        return
    added = await service.subscribe(chat_id, code)
    name = html.escape(service.region_name(code, lang))
    await answer_button(update)  # tolerates a press delivered again after a crash
    await query.edit_message_text(
        t(lang, "subscribed" if added else "already_subscribed", region=name),
        parse_mode=ParseMode.HTML,
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, lang = await _chat(update, context)
    query = _argument(context)
    if not query:
        await _reply(update, t(lang, "unsubscribe_usage"))
        return
    service = subscriptions_of(context)
    town = service.lookup(query).place
    if town is not None and town.id in await service.places(chat_id):
        removed = await service.unsubscribe_place(chat_id, town.id)
        name = html.escape(town.name(lang))
        await _reply(update, t(lang, "unsubscribed" if removed else "not_subscribed", region=name))
        return
    settings = await service.settings(chat_id)
    followed = set(settings.regions) if settings else set()
    candidates = service.resolve_region(query)
    if not candidates:
        await _reply(update, t(lang, "unknown_region", query=html.escape(query[:100])))
        return
    code = next((r.code for r in candidates if r.code in followed), candidates[0].code)
    removed = await service.unsubscribe(chat_id, code)
    name = html.escape(service.region_name(code, lang))
    await _reply(update, t(lang, "unsubscribed" if removed else "not_subscribed", region=name))


async def watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, lang = await _chat(update, context)
    raw = _argument(context)
    if not raw:
        await _reply(update, t(lang, "watch_usage"))
        return
    try:
        term, added = await subscriptions_of(context).watch(chat_id, raw)
    except QueryError as exc:
        await _reply(update, query_error_text(exc, raw, lang))
        return
    except LimitReached:
        raise  # answered by on_error, as everywhere a cap is reached
    except UserInputError:
        await _reply(update, t(lang, "term_invalid", max=MAX_TERM_CHARS))
        return
    await _reply(
        update, t(lang, "watching" if added else "already_watching", term=html.escape(term))
    )


async def unwatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, lang = await _chat(update, context)
    raw = _argument(context)
    if not raw:
        await _reply(update, t(lang, "unwatch_usage"))
        return
    try:
        term, removed = await subscriptions_of(context).unwatch(chat_id, raw)
    except UserInputError:
        await _reply(update, t(lang, "term_invalid", max=MAX_TERM_CHARS))
        return
    await _reply(
        update, t(lang, "unwatched" if removed else "not_watching", term=html.escape(term))
    )


def format_list(
    settings: ChatSettings | None,
    service: Subscriptions,
    lang: str,
    towns: Sequence[str] = (),
) -> str:
    none = t(lang, "list_none")
    regions = settings.regions if settings else ()
    terms = settings.watch_terms if settings else ()
    region_lines = "\n".join(
        f"• {html.escape(service.region_name(code, lang))} <code>{code}</code>" for code in regions
    )
    term_lines = "\n".join(f"• {html.escape(term)}" for term in terms)
    if towns:  # town-only subscriptions: "• Graivoron (Belgorod Oblast)"
        town_lines = "\n".join(
            f"• {html.escape(service.region_name(town, lang))} "
            f"({html.escape(service.region_name(town.split('/')[0], lang))})"
            for town in towns
        )
        region_lines = f"{region_lines or none}\n\n{t(lang, 'list_towns')}\n{town_lines}"
    return t(lang, "list", regions=region_lines or none, terms=term_lines or none)


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, lang = await _chat(update, context)
    service = subscriptions_of(context)
    towns = await service.places(chat_id)
    await _reply(update, format_list(await service.settings(chat_id), service, lang, towns))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if isinstance(update, Update) and isinstance(context.error, LimitReached):
        await tell_limit(update, context, context.error)
        return
    log.error("event=handler_error update=%r", update, exc_info=context.error)


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    # In groups only admins change what a chat follows (bot.telegram.common.admins_only);
    # commands are read from channel posts too.
    updates = COMMAND_UPDATES
    application.add_handler(CommandHandler("start", start, filters=updates))
    application.add_handler(CommandHandler("help", help_command, filters=updates))
    application.add_handler(
        CommandHandler("subscribe", admins_only(subscribe, remember_topic=True), filters=updates)
    )
    application.add_handler(
        CommandHandler("unsubscribe", admins_only(unsubscribe), filters=updates)
    )
    application.add_handler(
        CommandHandler("watch", admins_only(watch, remember_topic=True), filters=updates)
    )
    application.add_handler(CommandHandler("unwatch", admins_only(unwatch), filters=updates))
    application.add_handler(CommandHandler("list", list_command, filters=updates))
    application.add_handler(CommandHandler("test", try_query, filters=updates))
    application.add_handler(
        CallbackQueryHandler(admins_only(place_button, remember_topic=True), pattern=r"^pl:")
    )
    application.add_handler(
        CallbackQueryHandler(admins_only(subscribe_button, remember_topic=True), pattern=r"^sub:")
    )
    add_chat_handlers(application)
    add_digest_handlers(application)
    application.add_error_handler(on_error)
