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
from bot.sources.html_text import collapse_line, html_to_text, line_marks, marked_lines

__all__ = ["parse_channel_page"]

TITLE_LIMIT = 120

_POST = "tgme_widget_message"
_TEXT = "tgme_widget_message_text"
_REPLY = "tgme_widget_message_reply"
_FORWARDED = "tgme_widget_message_forwarded_from_name"
_DATE = "tgme_widget_message_date"
_CHANNEL_HEADER = "tgme_channel_info"
_XPATH_SPACE = str.maketrans("\t\n\r", "   ")  # what XPath's normalize-space() collapses
_CLASS_PREFIX = "tgme_widget_message_"  # in both _TEXT and _FORWARDED: one test skips the rest
# Elements the HTML serializer writes as a bare "<name ...>" (and "</name>"), that html_to_text
# neither drops with their content (script, style, ...) nor treats specially: what Telegram puts
# in a post's text. Not "pre" or "textarea": serializers may add a newline after their start tag.
_PLAIN_ELEMENTS = frozenset(
    "a b blockquote br code del div em hr i img ins mark p s small span strike strong sub sup"
    " tg-emoji tg-spoiler u wbr".split()
)
_VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr"})


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
    if value is None or name not in value:
        return False
    if "\t" in value or "\n" in value or "\r" in value:  # rare: translate() is the slow part
        value = value.translate(_XPATH_SPACE)
    return name in value.split(" ")


def _entry(post: etree._Element) -> Entry:
    data_post = (post.get("data-post") or "").strip()
    text_element = forwarded_element = None
    for element in _descendants(post):
        # One attribute read per element: the loop runs over every element of every post.
        value = element.get("class")
        if value is None or _CLASS_PREFIX not in value:
            continue
        if (
            text_element is None
            and _TEXT in value
            and element.tag == "div"
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
        published=_published(post),
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
    """html_to_text of the element serialized as HTML (its tail included): <br> and block
    boundaries become line breaks. Read straight from the tree when the post's markup is plain."""
    parts: list[str] = []
    if _read_plain(element, parts):
        if element.tail:
            parts.append(element.tail)
        return marked_lines("".join(parts))
    return html_to_text(etree.tostring(element, encoding="unicode", method="html"))


def _read_plain(element: etree._Element, parts: list[str]) -> bool:
    """Append what html_to_text keeps of the element's serialization (without its tail) to
    ``parts``; False, with ``parts`` unfinished, for markup outside _PLAIN_ELEMENTS.

    Exact because lxml's HTML serializer escapes every "&", "<" and ">" in text and attribute
    values: the only tags html_to_text sees are the elements' own, and unescaping gives the
    tree's text back. Text and tails are taken as they are, tags as their line_marks.
    """
    tag = element.tag
    if tag not in _PLAIN_ELEMENTS:  # comments and processing instructions have no str tag
        return False
    opening, closing = line_marks(tag)
    if opening:
        parts.append(opening)
    if tag in _VOID_ELEMENTS:  # serialized without content or end tag
        return element.text is None and len(element) == 0
    if element.text:
        parts.append(element.text)
    for child in element:
        if not _read_plain(child, parts):
            return False
        if child.tail:
            parts.append(child.tail)
    if closing:
        parts.append(closing)
    return True


def _itertext(element: etree._Element) -> str:
    return "".join(part for part in element.itertext() if isinstance(part, str))


def _published(post: etree._Element) -> datetime | None:
    """The first readable time inside the post's date link, else the first readable time."""
    times = [time for time in post.iter("time") if time.get("datetime") is not None]
    if len(times) > 1:  # with one time, trying the dated ones first changes nothing
        times = [*(time for time in times if _in_date_link(time, post)), *times]
    for time in times:
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
