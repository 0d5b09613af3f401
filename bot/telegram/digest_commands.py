"""Digest commands: /digest and /alerts, and the onboarding button "Daily digest at 08:00".

    /digest                      the chat's digest and how to set it
    /digest 08:00                daily at 08:00 in the chat's time zone (/tz)
    /digest weekly mon 09:00     weekly
    /digest now                  a preview of what the next digest would hold (changes nothing)
    /digest off
    /alerts off | on             instant alerts off (digest only) or back on

Setting a schedule counts its latest moment as done, so the first digest comes at the next
one; the scheduler (bot.delivery.digests) does the rest. Settings changes are for a group's
admins; /digest now and the bare /digest are for anyone.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.delivery.digests import compose
from bot.digest import Schedule, latest_period, parse_schedule
from bot.i18n import t
from bot.store import chat_prefs
from bot.store import digests as digest_store
from bot.telegram.common import (
    admins_only,
    answer_button,
    argument,
    chat_context,
    may_change_settings,
    now,
    reply,
    service,
    topic_of,
)
from bot.telegram.parsing import zone_label

# In the command menu, after bot.telegram.chat_handlers.CHAT_COMMANDS.
DIGEST_COMMANDS = ("digest", "alerts")
PATTERN = r"^dg:"
ONBOARDING_AT = "08:00"
OFF_WORDS = frozenset({"off", "выкл", "вимк", "нет", "ні", "none"})
ON_WORDS = frozenset({"on", "вкл", "увімк", "да", "так"})
NOW_WORDS = frozenset({"now", "сейчас", "зараз", "preview"})
# As bot.telegram.chat_handlers.COMMAND_UPDATES (not imported: onboarding imports this module).
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


def digest_button(lang: str) -> InlineKeyboardButton:
    """Onboarding's offer (bot.telegram.onboarding.start_keyboard)."""
    return InlineKeyboardButton(t(lang, "digest_button"), callback_data=f"dg:{ONBOARDING_AT}")


def describe(schedule: Schedule | None, lang: str) -> str:
    if schedule is None:
        return t(lang, "digest_state_off")
    if schedule.weekday is None:
        return t(lang, "digest_state_daily", at=schedule.at)
    day = t(lang, "digest_days").split()[schedule.weekday]
    return t(lang, "digest_state_weekly", day=day, at=schedule.at)


async def _set(chat_id: int, schedule: Schedule, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Store the schedule; the confirmation's text is built by the caller."""
    db = service(context).db
    moment = service(context).clock.now()
    async with db.write() as conn:
        prefs = await chat_prefs.delivery_prefs(conn, chat_id, moment.timestamp())
        current = latest_period(moment, prefs.timezone, schedule).key
        await digest_store.set_schedule(conn, chat_id, schedule, current)
    return prefs.timezone


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    words = argument(context).split()
    db = service(context).db
    if not words or words[0].lower() in NOW_WORDS:
        if words:
            await _preview(update, context, chat.chat_id)
            return
        state = await digest_store.digest_chat(db.conn, chat.chat_id)
        zone = state.timezone if state else "UTC"
        schedule = state.schedule if state else None
        await reply(
            update,
            t(
                chat.lang,
                "digest_usage",
                state=describe(schedule, chat.lang),
                zone=zone_label(zone, now(context)),
            ),
        )
        return
    if not await may_change_settings(update, context):
        await reply(update, t(chat.lang, "admins_only"))
        return
    if words[0].lower() in OFF_WORDS and len(words) == 1:
        async with db.write() as conn:
            await digest_store.set_schedule(conn, chat.chat_id, None, None)
        await reply(update, t(chat.lang, "digest_off_done"))
        return
    try:
        schedule = parse_schedule(words)
    except ValueError:
        await reply(update, t(chat.lang, "digest_invalid"))
        return
    zone = await _set(chat.chat_id, schedule, context)
    await reply(update, _done(schedule, zone, chat.lang, now(context)))


def _done(schedule: Schedule, zone: str, lang: str, moment: float) -> str:
    return t(
        lang,
        "digest_done",
        state=describe(schedule, lang),
        zone=zone_label(zone, moment),
        at=schedule.at,
    )


async def _preview(update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    subscriptions = service(context)
    conn = subscriptions.db.conn
    state = await digest_store.digest_chat(conn, chat_id)
    if state is None:
        return
    schedule = state.schedule or Schedule("08:00")
    moment = now(context)
    _, messages = await compose(
        conn,
        state,
        schedule,
        until=moment + 1.0,  # what was queued up to this very moment
        due_at=moment,
        region_name=subscriptions.region_name,
    )
    for text in messages:
        await reply(update, text)


async def digest_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = await chat_context(update, context)
    try:
        schedule = parse_schedule([query.data.removeprefix("dg:")])
    except ValueError:
        await answer_button(update)
        return
    zone = await _set(chat.chat_id, schedule, context)
    await answer_button(update)
    message = query.message
    if message is not None:
        await context.bot.send_message(
            chat.chat_id,
            _done(schedule, zone, chat.lang, now(context)),
            parse_mode="HTML",
            message_thread_id=topic_of(update),
        )


async def alerts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    word = argument(context).lower()
    db = service(context).db
    prefs = await chat_prefs.delivery_prefs(db.conn, chat.chat_id, now(context))
    if word not in OFF_WORDS and word not in ON_WORDS:
        state = t(chat.lang, "settings_on" if prefs.alerts_enabled else "settings_digest_only")
        await reply(update, t(chat.lang, "alerts_usage", state=state))
        return
    if not await may_change_settings(update, context):
        await reply(update, t(chat.lang, "admins_only"))
        return
    enabled = word in ON_WORDS
    async with db.write() as conn:
        await chat_prefs.set_alerts_enabled(conn, chat.chat_id, enabled)
        state_now = await digest_store.digest_chat(conn, chat.chat_id)
    if enabled:
        await reply(update, t(chat.lang, "alerts_on_done"))
    elif state_now is not None and state_now.schedule is not None:
        await reply(
            update, t(chat.lang, "alerts_off_done", digest=describe(state_now.schedule, chat.lang))
        )
    else:
        await reply(update, t(chat.lang, "alerts_off_no_digest"))


def add_digest_handlers(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("digest", digest, filters=COMMAND_UPDATES))
    application.add_handler(CommandHandler("alerts", alerts, filters=COMMAND_UPDATES))
    application.add_handler(
        CallbackQueryHandler(admins_only(digest_button_pressed), pattern=PATTERN)
    )
