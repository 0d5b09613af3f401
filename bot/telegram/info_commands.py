"""Read-only commands anyone in a chat may use: /recent and /sources.

/recent reads the items stored in the last 24 hours (by when Lookout stored them: a replayed or
late feed still counts) and matches them again, against the chat's own regions and terms or
against the region or term given; it touches no state.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import ContextTypes

from bot.errors import UserInputError
from bot.i18n import t
from bot.matching.keywords import KeywordIndex
from bot.models import Item
from bot.store import admin, chat_prefs
from bot.store import sources as source_store
from bot.store.sources import SourceState
from bot.subscriptions import Subscriptions, clean_term
from bot.telegram.common import argument, chat_context, local_time, now, reply, service

RECENT_SECONDS = 86400
YEAR_SECONDS = 365 * 86400
RECENT_LINES = 10
SCAN_LIMIT = 5000
TITLE_CHARS = 120
ERROR_CHARS = 80


def _matches(
    item: Item,
    subscriptions: Subscriptions,
    regions: frozenset[str],
    terms: frozenset[str],
    index: KeywordIndex,
) -> bool:
    if regions and any(
        m.value in regions for m in subscriptions.gazetteer.find(item.title, item.text)
    ):
        return True
    return bool(terms) and any(m.value in terms for m in index.find(item.title, item.text))


def _line(item: Item, titles: dict[str, str], zone: str, moment: float) -> str:
    title = item.title if len(item.title) <= TITLE_CHARS else item.title[: TITLE_CHARS - 1] + "…"
    shown = html.escape(title)
    if item.link:
        shown = f'<a href="{html.escape(item.link)}">{shown}</a>'
    published = item.published.timestamp()
    when = local_time(published, zone)  # "2024-05-10 07:00"; this year's without the year
    if published > moment - YEAR_SECONDS / 2:
        when = when[5:]
    source = html.escape(titles.get(item.source, item.source))
    return f"• {when} {shown} · <i>{source}</i>"


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    subscriptions = service(context)
    raw = argument(context)
    settings = await subscriptions.settings(chat.chat_id)
    watched = frozenset(settings.watch_terms if settings else ())
    index = subscriptions.watch_terms
    if not raw:
        regions = frozenset(settings.regions if settings else ())
        terms = watched
        what = t(chat.lang, "recent_yours")
        if not regions and not terms:
            await reply(update, t(chat.lang, "recent_nothing_followed"))
            return
    else:
        regions, terms = frozenset(), frozenset()
        found = subscriptions.resolve_region(raw) if raw.lower() not in watched else []
        if found:
            regions = frozenset({found[0].code})
            what = html.escape(found[0].name(chat.lang))
        else:
            try:
                term = clean_term(raw)
            except UserInputError:
                await reply(update, t(chat.lang, "term_invalid", max=100))
                return
            terms = frozenset({term})
            what = html.escape(term)
            if term not in index:
                index = KeywordIndex()
                index.add(term)
    moment = now(context)
    db = subscriptions.db
    stored = await admin.items_stored_since(db.conn, moment - RECENT_SECONDS, SCAN_LIMIT)
    found_items = [item for item in stored if _matches(item, subscriptions, regions, terms, index)]
    if not found_items:
        await reply(update, t(chat.lang, "recent_none", what=what))
        return
    prefs = await chat_prefs.delivery_prefs(db.conn, chat.chat_id, moment)
    titles = {s.source.name: s.source.title for s in await source_store.all_sources(db.conn)}
    lines = [_line(item, titles, prefs.timezone, moment) for item in found_items[:RECENT_LINES]]
    if len(found_items) > RECENT_LINES:
        lines.append(t(chat.lang, "recent_more", count=len(found_items) - RECENT_LINES))
    await reply(update, t(chat.lang, "recent_header", what=what) + "\n" + "\n".join(lines))


def source_line(state: SourceState, lang: str) -> str:
    if state.paused:
        status = "⏸ " + t(lang, "source_paused")
    elif state.failures:
        error = (state.last_error or "")[:ERROR_CHARS]
        status = "⚠️ " + t(lang, "source_failing", failures=state.failures, error=html.escape(error))
    elif state.polls == 0:
        status = "🆕 " + t(lang, "source_new")
    else:
        status = "✅ " + t(lang, "source_ok")
    return (
        f"• <b>{html.escape(state.source.title)}</b> <code>{html.escape(state.source.name)}</code>"
        f" — {status}"
    )


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    states = await source_store.all_sources(service(context).db.conn)
    header = t(chat.lang, "sources_header", count=len(states))
    lines: list[str] = []
    length = len(header)
    for state in states:
        line = source_line(state, chat.lang)
        if length + len(line) > 3800:
            lines.append(t(chat.lang, "recent_more", count=len(states) - len(lines)))
            break
        lines.append(line)
        length += len(line) + 1
    await reply(update, header + "\n" + "\n".join(lines))
