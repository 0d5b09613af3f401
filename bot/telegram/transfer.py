"""/export and /import: a chat's settings as a JSON document, and back.

    {"lookout": 1, "language": "ru", "timezone": "Europe/Moscow", "quiet": ["23:00", "07:00"],
     "alerts_enabled": true, "regions": ["RU-BEL"], "watch_terms": ["дрон"],
     "urgent_terms": ["дрон"]}

Import checks the whole document before it changes anything, and adds: regions and terms the
chat already follows stay, so importing the same document twice changes nothing the second
time. Temporary mutes are not exported.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.errors import UserInputError
from bot.i18n import LANGUAGES, t
from bot.matching.gazetteer import Gazetteer
from bot.store import chat_prefs, chats
from bot.subscriptions import clean_term
from bot.telegram.common import chat_context, now, raw_argument, reply, service
from bot.telegram.parsing import parse_quiet, parse_timezone

VERSION = 1
MAX_ENTRIES = 500
MAX_DOCUMENT_CHARS = 60_000
PRETTY_LIMIT = 3500


@dataclass(frozen=True, slots=True)
class ChatDocument:
    language: str | None
    timezone: str | None
    quiet: tuple[str, str] | None
    quiet_given: bool
    alerts_enabled: bool | None
    regions: tuple[str, ...]
    watch_terms: tuple[str, ...]
    urgent_terms: tuple[str, ...]


class DocumentError(UserInputError):
    """Why a document cannot be imported: a catalogue key and what to show."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _strip_wrapping(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`")
        text = text.removeprefix("json").strip()
    return text


def _string_list(raw: dict[str, Any], field: str) -> list[str]:
    value = raw.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DocumentError("import_bad_field", field=field, value="a list of strings")
    if len(value) > MAX_ENTRIES:
        raise DocumentError("import_bad_field", field=field, value=f"at most {MAX_ENTRIES}")
    return value


def parse_document(text: str, gazetteer: Gazetteer) -> ChatDocument:
    """The settings in an exported document; DocumentError names the first thing wrong."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise DocumentError("import_not_json")
    try:
        raw = json.loads(_strip_wrapping(text))
    except ValueError:
        raise DocumentError("import_not_json") from None
    if not isinstance(raw, dict) or raw.get("lookout") != VERSION:
        raise DocumentError("import_bad_field", field="lookout", value=str(VERSION))
    language = raw.get("language")
    if language is not None and language not in LANGUAGES:
        raise DocumentError("import_bad_field", field="language", value="en, ru, uk")
    zone = raw.get("timezone")
    if zone is not None:
        try:
            zone = parse_timezone(str(zone))
        except UserInputError:
            raise DocumentError("import_bad_field", field="timezone", value=str(zone)) from None
    quiet_raw = raw.get("quiet")
    quiet: tuple[str, str] | None = None
    if quiet_raw is not None:
        if not isinstance(quiet_raw, list) or len(quiet_raw) != 2:
            raise DocumentError("import_bad_field", field="quiet", value='["23:00", "07:00"]')
        try:
            quiet = parse_quiet(f"{quiet_raw[0]}-{quiet_raw[1]}")
        except UserInputError:
            raise DocumentError("import_bad_field", field="quiet", value=str(quiet_raw)) from None
    alerts = raw.get("alerts_enabled")
    if alerts is not None and not isinstance(alerts, bool):
        raise DocumentError("import_bad_field", field="alerts_enabled", value="true, false")
    regions: list[str] = []
    for code in _string_list(raw, "regions"):
        region = gazetteer.get(code)
        if region is None:
            raise DocumentError("import_bad_field", field="regions", value=code[:40])
        regions.append(region.code)
    terms: list[str] = []
    urgent: list[str] = []
    for field in ("watch_terms", "urgent_terms"):
        cleaned = []
        for term in _string_list(raw, field):
            try:
                cleaned.append(clean_term(term))
            except UserInputError:
                raise DocumentError("import_bad_field", field=field, value=term[:40]) from None
        if field == "watch_terms":
            terms = cleaned
        else:
            urgent = cleaned
    return ChatDocument(
        language=language,
        timezone=zone,
        quiet=quiet,
        quiet_given="quiet" in raw,
        alerts_enabled=alerts,
        regions=tuple(dict.fromkeys(regions)),
        watch_terms=tuple(dict.fromkeys(terms)),
        urgent_terms=tuple(dict.fromkeys(urgent)),
    )


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    subscriptions = service(context)
    db = subscriptions.db
    prefs = await chat_prefs.delivery_prefs(db.conn, chat.chat_id, now(context))
    settings = await subscriptions.settings(chat.chat_id)
    document = {
        "lookout": VERSION,
        "language": prefs.language,
        "timezone": prefs.timezone,
        "quiet": list(prefs.quiet) if prefs.quiet else None,
        "alerts_enabled": prefs.alerts_enabled,
        "regions": list(settings.regions if settings else ()),
        "watch_terms": list(settings.watch_terms if settings else ()),
        "urgent_terms": sorted(prefs.urgent_terms),
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if len(text) > PRETTY_LIMIT:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    await reply(update, t(chat.lang, "export_intro") + f"\n<pre>{html.escape(text)}</pre>")


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = await chat_context(update, context)
    text = raw_argument(update)
    if not text:
        await reply(update, t(chat.lang, "import_usage"))
        return
    subscriptions = service(context)
    try:
        document = parse_document(text, subscriptions.gazetteer)
    except DocumentError as exc:
        values = {k: html.escape(v) for k, v in exc.values.items()}
        reason = t(chat.lang, exc.key, **values)
        await reply(update, t(chat.lang, "import_invalid", reason=reason))
        return
    moment = now(context)
    new_regions = 0
    async with subscriptions.db.write() as conn:
        if document.language:
            await chat_prefs.set_language(conn, chat.chat_id, document.language)
        if document.timezone:
            await chat_prefs.set_timezone(conn, chat.chat_id, document.timezone)
        if document.quiet_given:
            await chat_prefs.set_quiet(conn, chat.chat_id, document.quiet)
        if document.alerts_enabled is not None:
            await chat_prefs.set_alerts_enabled(conn, chat.chat_id, document.alerts_enabled)
        for code in document.regions:
            new_regions += await chats.subscribe(conn, chat.chat_id, code, moment)
    new_terms = 0
    for term in document.watch_terms:
        _, added = await subscriptions.watch(chat.chat_id, term)
        new_terms += added
    settings = await subscriptions.settings(chat.chat_id)
    watched = set(settings.watch_terms if settings else ())
    async with subscriptions.db.write() as conn:
        for term in document.urgent_terms:
            if term in watched:
                await chat_prefs.set_urgent(conn, chat.chat_id, term, True, moment)
    lang = document.language or chat.lang
    await reply(update, t(lang, "import_done", regions=new_regions, terms=new_terms))
