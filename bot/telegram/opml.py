"""OPML for operators: /opml exports every source; /opml <pasted OPML> or a sent .opml file
imports feeds as non-trusted run-time sources (like /addsource).

The XML parser is hardened as the feed parser is: no entity expansion, no DTD, no network.
Import is idempotent: a source whose name is known is left as it is.
"""

from __future__ import annotations

import html
from xml.sax.saxutils import quoteattr

from lxml import etree
from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot.errors import UserInputError
from bot.i18n import t
from bot.models import Source
from bot.store import sources as source_store
from bot.store.sources import SourceState
from bot.telegram.common import chat_context, raw_argument, reply, service
from bot.telegram.operator_commands import source_from

MAX_OPML_BYTES = 2_000_000
MAX_OUTLINES = 1000
TEXT_LIMIT = 3500


def sources_to_opml(states: list[SourceState]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "<head><title>Lookout sources</title></head>",
        "<body>",
    ]
    for state in states:
        source = state.source
        kind = "telegram" if source.kind == "telegram" else "rss"
        lines.append(
            f"<outline type={quoteattr(kind)} text={quoteattr(source.title)} "
            f"title={quoteattr(source.title)} xmlUrl={quoteattr(source.url)} "
            f"category={quoteattr(source.name)} language={quoteattr(source.language)}/>"
        )
    lines += ["</body>", "</opml>"]
    return "\n".join(lines)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )


def opml_to_sources(data: bytes) -> list[Source]:
    """Feeds in an OPML document, as non-trusted sources; UserInputError when it is not OPML."""
    if len(data) > MAX_OPML_BYTES:
        raise UserInputError("too large")
    try:
        root = etree.fromstring(data.strip(), parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise UserInputError(str(exc)[:200]) from None
    if root.tag != "opml":
        raise UserInputError("the root element is not <opml>")
    found: list[Source] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        title = (outline.get("title") or outline.get("text") or "").strip()
        name = (outline.get("category") or "").strip() or None
        source = source_from(url, name)
        if source is None:
            continue
        language = (outline.get("language") or "").strip()[:2].lower()
        found.append(
            Source(
                name=source.name,
                title=title or source.title,
                url=source.url,
                kind=source.kind,
                language=language if language in ("ru", "uk", "en") else source.language,
                interval=source.interval,
                trusted=False,
            )
        )
        if len(found) >= MAX_OUTLINES:
            break
    if not found:
        raise UserInputError("no <outline xmlUrl=...> with an http(s) address")
    return found


async def _import(update: Update, context: ContextTypes.DEFAULT_TYPE, data: bytes) -> None:
    chat = await chat_context(update, context)
    try:
        found = opml_to_sources(data)
    except UserInputError as exc:
        await reply(update, t(chat.lang, "opml_invalid", reason=html.escape(str(exc))))
        return
    added = 0
    async with service(context).db.write() as conn:
        for source in found:
            if await source_store.get_source(conn, source.name) is None:
                await source_store.upsert_sources(conn, [source])
                added += 1
    await reply(update, t(chat.lang, "opml_imported", added=added, known=len(found) - added))


async def opml_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pasted = raw_argument(update)
    if pasted:
        await _import(update, context, pasted.encode("utf-8"))
        return
    chat = await chat_context(update, context)
    states = await source_store.all_sources(service(context).db.conn)
    document = sources_to_opml(states)
    if len(document) <= TEXT_LIMIT:
        await reply(update, t(chat.lang, "opml_export") + f"\n<pre>{html.escape(document)}</pre>")
        return
    message = update.effective_message
    assert message is not None
    await message.reply_document(
        InputFile(document.encode("utf-8"), filename="lookout-sources.opml"),
        caption=t(chat.lang, "opml_export"),
        do_quote=False,
    )


async def opml_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    file = await message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    await _import(update, context, data)
