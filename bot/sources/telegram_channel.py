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

from datetime import datetime

from lxml import etree, html

from bot.errors import FeedError
from bot.models import Entry
from bot.sources.dates import parse_date
from bot.sources.html_text import collapse_line, html_to_text

__all__ = ["parse_channel_page"]

TITLE_LIMIT = 120


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_POSTS = etree.XPath(f"//div[{_has_class('tgme_widget_message')}][@data-post]")
_TEXT = etree.XPath(
    f".//div[{_has_class('tgme_widget_message_text')}]"
    f"[not(ancestor::*[{_has_class('tgme_widget_message_reply')}])]"
)
_FORWARDED = etree.XPath(f".//*[{_has_class('tgme_widget_message_forwarded_from_name')}]")
_DATE = etree.XPath(f".//a[{_has_class('tgme_widget_message_date')}]//time/@datetime")
_ANY_DATE = etree.XPath(".//time/@datetime")
_CHANNEL_HEADER = etree.XPath(f"//*[{_has_class('tgme_channel_info')}]")


def parse_channel_page(body: bytes, *, url: str) -> list[Entry]:
    """Entries for the posts on a t.me/s/ page, oldest first as the page lists them."""
    parser = html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    try:
        root = html.document_fromstring(body, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not a readable Telegram channel page: {exc}") from exc
    posts = _POSTS(root)
    assert isinstance(posts, list)
    if not posts and not _CHANNEL_HEADER(root):
        raise FeedError(
            "not a Telegram channel preview page (t.me/s/<channel>): no posts found; "
            "is the channel public with its web preview enabled?"
        )
    return [_entry(post) for post in posts if isinstance(post, etree._Element)]


def _entry(post: etree._Element) -> Entry:
    data_post = (post.get("data-post") or "").strip()
    own_text = _first_text(_TEXT(post))
    forwarded_from = collapse_line(_first_text(_FORWARDED(post), as_html=False))
    text = f"Forwarded from {forwarded_from}\n{own_text}" if forwarded_from else own_text
    return Entry(
        guid=data_post or None,
        link=f"https://t.me/{data_post}" if data_post else None,
        title=_title(own_text),
        text=text.strip(),
        published=_published(post),
    )


def _first_text(found: object, *, as_html: bool = True) -> str:
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return ""
    element = found[0]
    if not as_html:
        return "".join(part for part in element.itertext() if isinstance(part, str))
    # Serialising keeps <br> and block boundaries for html_to_text to turn into line breaks.
    markup = etree.tostring(element, encoding="unicode", method="html")
    return html_to_text(markup)


def _published(post: etree._Element) -> datetime | None:
    for query in (_DATE, _ANY_DATE):
        values = query(post)
        if isinstance(values, list):
            for value in values:
                moment = parse_date(str(value))
                if moment is not None:
                    return moment
    return None


def _title(text: str) -> str:
    first_line = text.split("\n", 1)[0].strip()
    if len(first_line) <= TITLE_LIMIT:
        return first_line
    cut = first_line[:TITLE_LIMIT].rsplit(" ", 1)[0]
    return (cut or first_line[:TITLE_LIMIT]).rstrip(" ,.;:-") + "…"
