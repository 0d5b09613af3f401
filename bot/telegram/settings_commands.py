"""Chat settings commands: /mute /unmute /quiet /urgent /tz /lang /settings.

Each parses its argument (bot.telegram.parsing), writes through bot.store.chat_prefs in one
transaction, and replies in the chat's language. All are idempotent: a mute's end is counted
from the message's own date, so a redelivered update sets the very same value.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import ContextTypes

from bot.errors import UserInputError
from bot.i18n import LANGUAGES, t
from bot.store import chat_prefs
from bot.subscriptions import clean_term
from bot.telegram.common import (
    argument,
    asked_at,
    chat_context,
    local_time,
    now,
    reply,
    service,
)
from bot.telegram.parsing import (
    format_duration,
    parse_duration,
    parse_quiet,
    parse_timezone,
    zone_label,
)

DEFAULT_MUTE = "1h"
OFF_WORDS = frozenset({"off", "выкл", "вимк", "нет", "ні", "none"})


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    try:
        seconds = parse_duration(argument(context) or DEFAULT_MUTE)
    except UserInputError as exc:
        await reply(update, t(chat.lang, str(exc)))
        return
    until = asked_at(update, context) + seconds
    db = service(context).db
    async with db.write() as conn:
        await chat_prefs.mute_chat(conn, chat.chat_id, until)
        prefs = await chat_prefs.delivery_prefs(conn, chat.chat_id, until - seconds)
    await reply(
        update,
        t(
            chat.lang,
            "mute_done",
            duration=format_duration(seconds),
            until=local_time(until, prefs.timezone),
        ),
    )


async def unmute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    async with service(context).db.write() as conn:
        changed = await chat_prefs.unmute_chat(conn, chat.chat_id)
    await reply(update, t(chat.lang, "unmute_done" if changed else "unmute_nothing"))


async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    raw = argument(context)
    db = service(context).db
    prefs = await chat_prefs.delivery_prefs(db.conn, chat.chat_id, now(context))
    if not raw:
        none = t(chat.lang, "settings_none")
        hours = f"{prefs.quiet[0]}–{prefs.quiet[1]}" if prefs.quiet else none
        await reply(update, t(chat.lang, "quiet_usage", quiet=hours))
        return
    if raw.lower() in OFF_WORDS:
        async with db.write() as conn:
            await chat_prefs.set_quiet(conn, chat.chat_id, None)
        await reply(update, t(chat.lang, "quiet_off"))
        return
    try:
        hours_set = parse_quiet(raw)
    except UserInputError as exc:
        await reply(update, t(chat.lang, str(exc)))
        return
    async with db.write() as conn:
        await chat_prefs.set_quiet(conn, chat.chat_id, hours_set)
    await reply(
        update,
        t(
            chat.lang,
            "quiet_done",
            start=hours_set[0],
            end=hours_set[1],
            zone=html.escape(prefs.timezone),
        ),
    )


async def urgent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    raw = argument(context)
    db = service(context).db
    words = raw.split(maxsplit=1)
    turn_off = len(words) == 2 and words[0].lower() in OFF_WORDS
    if turn_off:
        raw = words[1]
    if not raw:
        terms = await chat_prefs.urgent_terms(db.conn, chat.chat_id)
        listed = ", ".join(html.escape(term) for term in terms) or t(chat.lang, "settings_none")
        await reply(update, t(chat.lang, "urgent_usage", terms=listed))
        return
    try:
        term = clean_term(raw)
    except UserInputError:
        await reply(update, t(chat.lang, "term_invalid", max=100))
        return
    settings = await service(context).settings(chat.chat_id)
    shown = html.escape(term)
    if not turn_off and (settings is None or term not in settings.watch_terms):
        await reply(update, t(chat.lang, "urgent_not_watched", term=shown))
        return
    async with db.write() as conn:
        changed = await chat_prefs.set_urgent(conn, chat.chat_id, term, not turn_off, now(context))
    if turn_off:
        key = "urgent_off_done" if changed else "urgent_not"
    else:
        key = "urgent_done" if changed else "urgent_already"
    await reply(update, t(chat.lang, key, term=shown))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    raw = argument(context)
    db = service(context).db
    moment = now(context)
    if not raw:
        prefs = await chat_prefs.delivery_prefs(db.conn, chat.chat_id, moment)
        await reply(update, t(chat.lang, "tz_usage", zone=zone_label(prefs.timezone, moment)))
        return
    try:
        zone = parse_timezone(raw)
    except UserInputError as exc:
        await reply(update, t(chat.lang, str(exc), query=html.escape(raw[:60])))
        return
    async with db.write() as conn:
        await chat_prefs.set_timezone(conn, chat.chat_id, zone)
    await reply(update, t(chat.lang, "tz_done", zone=zone_label(zone, moment)))


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    choice = argument(context).lower()[:2]
    if choice == "ua":
        choice = "uk"
    if choice not in LANGUAGES:
        await reply(update, t(chat.lang, "lang_usage"))
        return
    async with service(context).db.write() as conn:
        await chat_prefs.set_language(conn, chat.chat_id, choice)
    await reply(update, t(choice, "lang_done"))


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram.handlers import format_list

    chat = await chat_context(update, context)
    subscriptions = service(context)
    moment = now(context)
    lang = chat.lang
    db = subscriptions.db
    prefs = await chat_prefs.delivery_prefs(db.conn, chat.chat_id, moment)
    sources = await chat_prefs.muted_sources(db.conn, chat.chat_id, moment)
    terms = await chat_prefs.muted_terms(db.conn, chat.chat_id, moment)
    none = t(lang, "settings_none")

    def until(records: list[chat_prefs.MuteRecord]) -> str:
        return (
            ", ".join(
                f"{html.escape(r.name)} "
                f"({t(lang, 'settings_until', until=local_time(r.until, prefs.timezone))})"
                for r in records
            )
            or none
        )

    if not prefs.alerts_enabled:
        alerts = t(lang, "settings_digest_only")
    elif prefs.muted_at(moment):
        alerts = t(lang, "settings_muted", until=local_time(prefs.muted_until, prefs.timezone))
    else:
        alerts = t(lang, "settings_on")
    topic = (
        t(lang, "settings_topic", topic=prefs.thread_id)
        if prefs.thread_id is not None
        else t(lang, "settings_main_chat")
    )
    text = t(
        lang,
        "settings",
        language=t(lang, "lang_name"),
        zone=zone_label(prefs.timezone, moment),
        alerts=alerts,
        quiet=f"{prefs.quiet[0]}–{prefs.quiet[1]}" if prefs.quiet else none,
        urgent=", ".join(html.escape(term) for term in sorted(prefs.urgent_terms)) or none,
        sources=until(sources),
        terms=until(terms),
        topic=topic,
        list=format_list(await subscriptions.settings(chat.chat_id), subscriptions, lang),
    )
    await reply(update, text)
