"""Entries out of a public Telegram channel's web preview page (``https://t.me/s/<channel>``).

Page structure relied on (one block per post)::

    div.tgme_widget_message[data-post="channel/123"]
      .tgme_widget_message_forwarded_from_name     "forwarded from" (optional)
      .tgme_widget_message_text                    the post's text (HTML); the one inside a
                                                   .tgme_widget_message_reply is a quote, skipped
      a.tgme_widget_message_date > time[datetime]  when it was posted (ISO 8601)

    guid       the data-post value, "channel/123"
    link       https://t.me/channel/123
    text       the post's text; "Forwarded from <name>" as its first line for a forward
    title      the first line of the post's own text, cut to ~120 characters
    published  the time's datetime attribute

Posts without text (a bare photo, a sticker) keep an empty title and text. A page with no
posts and no channel header is not a channel preview and raises FeedError. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from bot.errors import FeedError
from bot.models import Entry
from bot.sources.dates import parse_date
from bot.sources.html_text import collapse_line, html_to_text

__all__ = ["parse_channel_page"]

TITLE_LIMIT = 120

_POST = "tgme_widget_message"
_TEXT = "tgme_widget_message_text"
_REPLY = "tgme_widget_message_reply"
_FORWARDED = "tgme_widget_message_forwarded_from_name"
_DATE = "tgme_widget_message_date"
_CHANNEL_HEADER = "tgme_channel_info"
_XPATH_SPACE = str.maketrans("\t\n\r", "   ")  # what XPath's normalize-space() collapses


def parse_channel_page(body: bytes, *, url: str) -> list[Entry]:
    """Entries for the posts on a t.me/s/ page, oldest first as the page lists them."""
    # lxml.etree's own HTML parser rather than lxml.html: the same tree, without a Python
    # class lookup for every element.
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not a readable Telegram channel page: {exc}") from exc
    if root is None:
        raise FeedError("not a readable Telegram channel page: Document is empty")
    posts = [
        div
        for div in root.iter("div")
        if div.get("data-post") is not None and _has_class(div, _POST)
    ]
    if not posts and not any(_has_class(element, _CHANNEL_HEADER) for element in root.iter()):
        raise FeedError(
            "not a Telegram channel preview page (t.me/s/<channel>): no posts found; "
            "is the channel public with its web preview enabled?"
        )
    return [_entry(post) for post in posts]


def _has_class(element: etree._Element, name: str) -> bool:
    return _has_token(element.get("class"), name)


def _has_token(value: str | None, name: str) -> bool:
    """``name`` is one of the classes in ``value``, read as the XPath idiom
    ``contains(concat(' ', normalize-space(@class), ' '), ' name ')`` reads them."""
    return value is not None and name in value and name in value.translate(_XPATH_SPACE).split(" ")


def _entry(post: etree._Element) -> Entry:
    data_post = (post.get("data-post") or "").strip()
    text_element = forwarded_element = None
    times: list[etree._Element] = []
    for element in _descendants(post):
        tag = element.tag
        if tag == "time" and element.get("datetime") is not None:
            times.append(element)
        value = element.get("class")
        if value is None:
            continue
        # Substring tests first: nearly every element has a tgme_widget_message_* class.
        if (
            text_element is None
            and _TEXT in value
            and tag == "div"
            and _has_token(value, _TEXT)
            and not _inside_reply(element)
        ):
            text_element = element
        if forwarded_element is None and _FORWARDED in value and _has_token(value, _FORWARDED):
            forwarded_element = element
    own_text = _html_text(text_element) if text_element is not None else ""
    forwarded_from = (
        collapse_line(_itertext(forwarded_element)) if forwarded_element is not None else ""
    )
    text = f"Forwarded from {forwarded_from}\n{own_text}" if forwarded_from else own_text
    return Entry(
        guid=data_post or None,
        link=f"https://t.me/{data_post}" if data_post else None,
        title=_title(own_text),
        text=text.strip(),
        published=_published(post, times),
    )


def _inside_reply(element: etree._Element) -> bool:
    """Whether the element sits in a quoted message (which may lie outside the post)."""
    for up in element.iterancestors():
        value = up.get("class")
        if value is not None and _REPLY in value and _has_token(value, _REPLY):
            return True
    return False


def _descendants(post: etree._Element) -> Iterator[etree._Element]:
    elements = post.iter()
    next(elements)  # the post itself
    return elements


def _html_text(element: etree._Element) -> str:
    # Serialising keeps <br> and block boundaries for html_to_text to turn into line breaks.
    return html_to_text(etree.tostring(element, encoding="unicode", method="html"))


def _itertext(element: etree._Element) -> str:
    return "".join(part for part in element.itertext() if isinstance(part, str))


def _published(post: etree._Element, times: list[etree._Element]) -> datetime | None:
    """The first readable time inside the post's date link, else the first readable time."""
    dated = [time for time in times if _in_date_link(time, post)]
    for time in (*dated, *times):
        moment = parse_date(time.get("datetime") or "")
        if moment is not None:
            return moment
    return None


def _in_date_link(time: etree._Element, post: etree._Element) -> bool:
    for up in time.iterancestors():
        if up is post:
            return False
        if up.tag == "a" and _has_class(up, _DATE):
            return True
    return False


def _title(text: str) -> str:
    first_line = text.split("\n", 1)[0].strip()
    if len(first_line) <= TITLE_LIMIT:
        return first_line
    cut = first_line[:TITLE_LIMIT].rsplit(" ", 1)[0]
    return (cut or first_line[:TITLE_LIMIT]).rstrip(" ,.;:-") + "…"
