"""The choices /subscribe offers when a name is a town, ambiguous, or only close to a name.

- A town ("Graivoron"): a button for its region ("sub:RU-BEL") and one for the town only
  ("pl:RU-BEL/graivoron").
- Several regions, or close spellings of an unknown name: a button per region.
- One region named exactly: no choice; the handler subscribes at once.
`place_button` answers the town-only button.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.matching.gazetteer import Resolution
from bot.telegram.common import answer_button, chat_context, service

MAX_CHOICES = 6
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data


def subscribe_choice(found: Resolution, lang: str) -> tuple[str, InlineKeyboardMarkup] | None:
    """The question and buttons to send, or None when the name is one region, exactly."""
    place = found.place
    if place is not None and found.regions:
        region = found.regions[0]
        buttons = [[InlineKeyboardButton(region.name(lang), callback_data=f"sub:{region.code}")]]
        data = f"pl:{place.id}"
        if len(data.encode()) <= MAX_CALLBACK_BYTES:
            label = t(lang, "town_only", town=place.name(lang))
            buttons.append([InlineKeyboardButton(label, callback_data=data)])
        text = t(
            lang,
            "town_choice",
            town=html.escape(place.name(lang)),
            region=html.escape(region.name(lang)),
        )
        return text, InlineKeyboardMarkup(buttons)
    if len(found.regions) > 1 or not found.exact:
        buttons = [
            [InlineKeyboardButton(r.name(lang), callback_data=f"sub:{r.code}")]
            for r in found.regions[:MAX_CHOICES]
        ]
        return t(lang, "choose_region"), InlineKeyboardMarkup(buttons)
    return None


async def place_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = await chat_context(update, context)
    subscriptions = service(context)
    place = subscriptions.gazetteer.place(query.data.removeprefix("pl:"))
    await answer_button(update)
    if place is None:
        return
    added = await subscriptions.subscribe_place(chat.chat_id, place.id)
    name = html.escape(place.name(chat.lang))
    await query.edit_message_text(
        t(chat.lang, "subscribed" if added else "already_subscribed", region=name),
        parse_mode=ParseMode.HTML,
    )
