"""Operator commands (user ids in settings.operators): sources at run time, and /stats.

    /addsource <url> [name]   a non-trusted source (the fetcher's SSRF guard applies to it);
                              its first poll stores the backlog without alerting
    /removesource <name>      delete it and its stored items
    /pause <name>, /resume <name>
    /stats                    sources, chats, items and alerts per day, outbox, errors

A source from config/sources.toml that is removed here comes back at the next start.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.models import Source
from bot.store import admin
from bot.store import sources as source_store
from bot.telegram.common import argument, chat_context, now, reply, service

NAME_CHARS = 40
DEFAULT_INTERVAL = 300


def source_name_for(url: str) -> str:
    """A stable name from the address: "https://t.me/s/bbcrussian" -> "t-me-s-bbcrussian"."""
    parts = urlsplit(url)
    path = re.sub(r"\.(xml|rss|atom|json)$", "", parts.path)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.hostname or ''}{path}".lower()).strip("-")
    return slug[:NAME_CHARS].strip("-") or "source"


def source_from(url: str, name: str | None) -> Source | None:
    """The Source an operator means, or None when the address is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    telegram = parts.hostname.lower() == "t.me"
    return Source(
        name=(name or source_name_for(url))[:NAME_CHARS],
        title=name or parts.hostname,
        url=url,
        kind="telegram" if telegram else "feed",
        language="ru",
        interval=DEFAULT_INTERVAL,
        trusted=False,
    )


async def add_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    words = argument(context).split(maxsplit=1)
    if not words:
        await reply(update, t(chat.lang, "addsource_usage"))
        return
    source = source_from(words[0], words[1].strip() if len(words) > 1 else None)
    if source is None:
        await reply(update, t(chat.lang, "addsource_bad_url", url=html.escape(words[0][:200])))
        return
    db = service(context).db
    async with db.write() as conn:
        existing = await source_store.get_source(conn, source.name)
        if existing is None:
            await source_store.upsert_sources(conn, [source])
    if existing is not None:
        await reply(
            update,
            t(
                chat.lang,
                "addsource_exists",
                name=html.escape(source.name),
                url=html.escape(existing.source.url),
            ),
        )
        return
    await reply(
        update,
        t(chat.lang, "addsource_done", name=html.escape(source.name), url=html.escape(source.url)),
    )


async def _named_source(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str
) -> str | None:
    name = argument(context)
    if not name:
        await reply(update, t(lang, "source_usage"))
        return None
    if await source_store.get_source(service(context).db.conn, name) is None:
        await reply(update, t(lang, "source_unknown", name=html.escape(name[:100])))
        return None
    return name


async def remove_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    name = argument(context)
    if not name:
        await reply(update, t(chat.lang, "source_usage"))
        return
    async with service(context).db.write() as conn:
        removed = await admin.remove_source(conn, name)
    key = "removesource_done" if removed else "source_unknown"
    await reply(update, t(chat.lang, key, name=html.escape(name[:100])))


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    name = await _named_source(update, context, chat.lang)
    if name is None:
        return
    async with service(context).db.write() as conn:
        await source_store.pause_source(conn, name, now=now(context))
    await reply(update, t(chat.lang, "pause_done", name=html.escape(name)))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    name = await _named_source(update, context, chat.lang)
    if name is None:
        return
    async with service(context).db.write() as conn:
        await source_store.resume_source(conn, name, now=now(context))
    await reply(update, t(chat.lang, "resume_done", name=html.escape(name)))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    figures = await admin.stats(service(context).db.conn, now(context))
    await reply(
        update,
        t(
            chat.lang,
            "stats",
            sources=figures.sources,
            failing=figures.failing,
            paused=figures.paused,
            chats=figures.chats,
            inactive=figures.inactive_chats,
            items=figures.items,
            items_day=figures.items_day,
            alerts_day=figures.alerts_day,
            outbox=figures.outbox_waiting,
            failed_day=figures.failed_day,
        ),
    )
