"""/test <query>: which of the last 24 hours' stored items a watch query would have matched.

The query goes through the same parser and the same kind of index as /watch, built for this
one query; nothing is stored and no chat's watchlist changes. Also home of the reply to a
malformed query (shared with /watch): what is wrong, and a caret under the column.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.render import MONTHS, highlight
from bot.i18n import t
from bot.matching.keywords import KeywordIndex
from bot.matching.query import QueryError, parse_query
from bot.models import Item
from bot.store import items as item_store
from bot.store import sources as source_store
from bot.telegram.common import argument, chat_context, now, reply, service

WINDOW_SECONDS = 24 * 3600
MAX_SHOWN = 10
TITLE_CHARS = 150


@dataclass(frozen=True, slots=True)
class QueryHit:
    item: Item
    source_title: str
    title_spans: tuple[tuple[int, int], ...]


def query_error_text(exc: QueryError, query: str, lang: str) -> str:
    """The reply to a malformed query: the problem, and the query with a caret under it."""
    problem = t(
        lang, f"query_{exc.reason}", column=exc.column, token=html.escape(exc.token, quote=False)
    )
    shown = " ".join(query.split())
    where = ""
    if 0 < exc.column <= len(shown) + 1 and len(shown) <= 100:
        caret = " " * (exc.column - 1) + "^"
        where = f"<pre>{html.escape(shown, quote=False)}\n{caret}</pre>\n"
    return t(lang, "query_error", problem=problem, where=where)


def matching_items(
    query: str, recent: list[tuple[int, Item]], source_titles: dict[str, str]
) -> list[QueryHit]:
    """The items (newest first, as given) that `query` matches. Pure."""
    index = KeywordIndex()
    index.add(query)
    hits: list[QueryHit] = []
    for _, item in recent:
        mentions = index.find(item.title, item.text)
        if mentions:
            spans = tuple((m.start, m.end) for m in mentions if m.field == "title")
            hits.append(QueryHit(item, source_titles.get(item.source, item.source), spans))
    return hits


def _when(published: datetime, lang: str) -> str:
    month = MONTHS.get(lang, MONTHS["en"])[published.month - 1]
    return f"{published.day} {month}, {published:%H:%M} UTC"


def format_hits(query: str, hits: list[QueryHit], scanned: int, lang: str) -> str:
    shown = html.escape(query, quote=False)
    if not hits:
        return t(lang, "test_none", query=shown, total=scanned)
    lines = [t(lang, "test_found", query=shown, count=len(hits), total=scanned)]
    for hit in hits[:MAX_SHOWN]:
        title = hit.item.title
        spans = hit.title_spans
        if len(title) > TITLE_CHARS:
            title = title[:TITLE_CHARS] + "…"
            spans = tuple(s for s in spans if s[1] <= TITLE_CHARS)
        marked = highlight(title, spans) or "—"
        source = html.escape(hit.source_title[:100], quote=False)
        line = f"• {marked}\n  <i>{source}</i> · {_when(hit.item.published, lang)}"
        if hit.item.link and len(hit.item.link) <= 2000:
            line += f' · <a href="{html.escape(hit.item.link, quote=True)}">↗</a>'
        lines.append(line)
    if len(hits) > MAX_SHOWN:
        lines.append(t(lang, "test_more", count=len(hits) - MAX_SHOWN))
    return "\n".join(lines)


async def try_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    raw = argument(context)
    if not raw:
        await reply(update, t(chat.lang, "test_usage"))
        return
    try:
        query = str(parse_query(raw))
    except QueryError as exc:
        await reply(update, query_error_text(exc, raw, chat.lang))
        return
    conn = service(context).db.conn
    recent = await item_store.recent_items(conn, now(context) - WINDOW_SECONDS)
    titles = {s.source.name: s.source.title for s in await source_store.all_sources(conn)}
    hits = matching_items(query, recent, titles)
    await reply(update, format_hits(query, hits, len(recent), chat.lang))
