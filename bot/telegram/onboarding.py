"""Finding regions without typing their names: /start's buttons and /regions.

    /start            the welcome, with a few popular regions and "More regions…"
    /regions          pick a country, then page through its regions (inline keyboard, edited
                      in place: callback data "rg:c" and "rg:<RU|UA>:<page>")
    /regions харк     regions whose name contains or resolves from the query

Every region button carries "sub:<code>", the /subscribe button handled in handlers.py.
Keyboards are built by pure functions; the handlers only reply or edit.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.matching.gazetteer import Gazetteer, Region
from bot.matching.text import normalize_phrase
from bot.telegram.common import answer_button, argument, chat_context, reply, service
from bot.telegram.digest_commands import digest_button

POPULAR = ("RU-BEL", "RU-KRS", "RU-BRY", "RU-MOW", "UA-30", "UA-63", "UA-51", "UA-65")
COUNTRIES = ("RU", "UA")
PAGE_SIZE = 10
MAX_FOUND = 10
PATTERN = r"^rg:"


def _button(region: Region, lang: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(region.name(lang), callback_data=f"sub:{region.code}")


def _rows(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def start_keyboard(gazetteer: Gazetteer, lang: str) -> InlineKeyboardMarkup:
    regions = [r for r in (gazetteer.get(code) for code in POPULAR) if r is not None]
    rows = _rows([_button(r, lang) for r in regions])
    rows.append([InlineKeyboardButton(t(lang, "start_more"), callback_data="rg:c")])
    rows.append([digest_button(lang)])  # bot.telegram.digest_commands
    return InlineKeyboardMarkup(rows)


def countries_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, f"regions_country_{c}"), callback_data=f"rg:{c}:0")
                for c in COUNTRIES
            ]
        ]
    )


def country_regions(gazetteer: Gazetteer, country: str, lang: str) -> list[Region]:
    return sorted(
        (r for r in gazetteer.regions() if r.code.startswith(f"{country}-")),
        key=lambda r: r.name(lang).lower(),
    )


def page_view(
    gazetteer: Gazetteer, country: str, page: int, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    regions = country_regions(gazetteer, country, lang)
    pages = max(1, -(-len(regions) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = regions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = _rows([_button(r, lang) for r in shown])
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=f"rg:{country}:{page - 1}"))
    nav.append(InlineKeyboardButton(t(lang, "regions_back"), callback_data="rg:c"))
    if page < pages - 1:
        nav.append(InlineKeyboardButton("▶", callback_data=f"rg:{country}:{page + 1}"))
    rows.append(nav)
    text = t(
        lang,
        "regions_page",
        country=t(lang, f"regions_country_{country}"),
        page=page + 1,
        pages=pages,
    )
    return text, InlineKeyboardMarkup(rows)


def search(gazetteer: Gazetteer, query: str) -> list[Region]:
    """Regions whose name (in any language) or code contains the query, then resolved ones."""
    needle = normalize_phrase(query)
    if not needle:
        return []
    found = [
        r
        for r in gazetteer.regions()
        if any(
            needle in normalize_phrase(name) for name in (r.name_en, r.name_ru, r.name_uk, r.code)
        )
    ]
    for region in gazetteer.resolve(query):
        if region not in found:
            found.append(region)
    return found[:MAX_FOUND]


async def regions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    query = argument(context)
    if not query:
        await reply(update, t(chat.lang, "regions_pick_country"), countries_keyboard(chat.lang))
        return
    shown = html.escape(query[:60])
    found = search(service(context).gazetteer, query)
    if not found:
        await reply(update, t(chat.lang, "regions_none", query=shown))
        return
    markup = InlineKeyboardMarkup(_rows([_button(r, chat.lang) for r in found]))
    await reply(update, t(chat.lang, "regions_found", query=shown), markup)


async def regions_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = await chat_context(update, context)
    parts = query.data.split(":")
    await answer_button(update)
    if len(parts) == 3 and parts[1] in COUNTRIES and parts[2].isdigit():
        text, markup = page_view(service(context).gazetteer, parts[1], int(parts[2]), chat.lang)
    else:
        text, markup = t(chat.lang, "regions_pick_country"), countries_keyboard(chat.lang)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        # A repeated press (or a redelivered update) asks for the page already shown.
        if "not modified" not in exc.message.lower():
            raise
