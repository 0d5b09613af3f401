"""Entries out of a JSON Feed 1.0/1.1 document (https://jsonfeed.org/version/1.1).

    guid       "id" (a number is turned into its text)
    link       "url", else "external_url"; resolved against the feed's home page / the feed URL
    title      "title", HTML stripped, one line
    text       the longer of "content_html" (converted to text) and "content_text",
               else "summary"
    published  "date_published", else "date_modified"

Items that are not objects are skipped; a document that is not a JSON object with an "items"
list, or that nests too deep for the JSON decoder, raises FeedError. No I/O.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from bot.errors import FeedError
from bot.models import Entry
from bot.sources.dates import parse_date
from bot.sources.html_text import html_to_line, html_to_text, plain_text

__all__ = ["parse_json_feed"]


def parse_json_feed(body: bytes, *, url: str) -> list[Entry]:
    """Entries of a JSON Feed; FeedError if ``body`` is not one."""
    try:
        document = json.loads(body)
    except RecursionError as exc:
        raise FeedError("not a readable JSON feed: it is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"not a readable JSON feed: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise FeedError('not a JSON feed: expected an object with an "items" list')
    home = _text(document.get("home_page_url")) or _text(document.get("feed_url"))
    base = url
    if home:
        try:
            base = urljoin(url, home) if url else home
        except ValueError:  # "http://[" and such: links are resolved against the feed URL
            base = url
    entries = (_entry(item, base) for item in document["items"] if isinstance(item, dict))
    return [entry for entry in entries if entry is not None]


def _entry(item: dict[str, Any], base: str) -> Entry | None:
    raw_id = item.get("id")
    guid = str(raw_id).strip() if isinstance(raw_id, (str, int)) else None
    link = _text(item.get("url")) or _text(item.get("external_url"))
    if link and base and not link.startswith(("http://", "https://")):
        with contextlib.suppress(ValueError):
            link = urljoin(base, link)
    title = html_to_line(_text(item.get("title")))
    from_html = html_to_text(_text(item.get("content_html")))
    from_text = plain_text(_text(item.get("content_text")))
    text = from_html if len(from_html) >= len(from_text) else from_text
    if not text:
        text = plain_text(_text(item.get("summary")))
    published = _date(item.get("date_published")) or _date(item.get("date_modified"))
    if not (title or text or link or guid):
        return None
    return Entry(guid=guid or None, link=link or None, title=title, text=text, published=published)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: object) -> datetime | None:
    return parse_date(value) if isinstance(value, str) else None
