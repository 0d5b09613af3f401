"""Entries out of a parsed XML feed tree: RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0.

Field rules (the first that gives a value wins):

    guid       RSS <guid>, else rdf:about          Atom <id>
    link       RSS <link>, else atom:link,         Atom <link rel="alternate"> (or no rel),
               else <guid> when it is a permalink  resolved against xml:base and the feed URL
    title      <title>, else dc:title; HTML stripped, one line
    text       the longer of content:encoded and   the longer of <content> and <summary>,
               <description>; HTML -> plain text   by their type (text, html, xhtml, base64)
    published  pubDate, dc:date, atom:published/   published, issued, updated, modified,
               updated, dcterms:issued/modified    created

Namespaces are matched loosely: RSS elements count with or without an RSS namespace, because
real feeds mix them up. Decoding, entities and XML safety are parse.py's job; no I/O here.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from bot.errors import FeedError
from bot.models import Entry
from bot.sources.dates import parse_date
from bot.sources.html_text import collapse_line, html_to_line, html_to_text, plain_text

__all__ = ["parse_tree"]

_ATOM10 = "http://www.w3.org/2005/Atom"
_ATOM03 = "http://purl.org/atom/ns#"
_RSS_NS = frozenset(
    {
        "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://backend.userland.com/rss2",
        "http://blogs.law.harvard.edu/tech/rss",
    }
)
_ATOM_NS = frozenset({_ATOM10, _ATOM03})
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_RSS_ITEMS = ["item", *(f"{{{ns}}}item" for ns in _RSS_NS)]
_ATOM_ENTRIES = ["entry", *(f"{{{ns}}}entry" for ns in _ATOM_NS)]
_ATOM_LINKS = frozenset({"link", *(f"{{{ns}}}link" for ns in _ATOM_NS)})
_RSS_DATES = (
    "pubDate",
    f"{_DC}date",
    f"{{{_ATOM10}}}published",
    f"{{{_ATOM10}}}updated",
    f"{_DCTERMS}issued",
    f"{_DCTERMS}modified",
    f"{_DCTERMS}created",
)
_ATOM_DATES = ("published", "issued", "updated", "modified", "created", f"{_DC}date")
# Namespaced spellings of the fields read by their local name ("{http://purl.org/rss/1.0/}title"
# counts as "title"); any other namespaced tag keeps its full name, which no lookup uses.
_RSS_ALIASES = {
    f"{{{ns}}}{name}": name
    for ns in _RSS_NS
    for name in ("title", "description", "guid", "link", "pubDate")
}
_ATOM_ALIASES = {
    f"{{{ns}}}{name}": name
    for ns in _ATOM_NS
    for name in ("title", "content", "summary", "id", *_ATOM_DATES[:-1])
}
_WEB = ("http://", "https://")
_RSS_TITLES = (f"{_DC}title", f"{_MEDIA}title")  # after "title"
_RSS_DESCRIPTIONS = (f"{_DC}description", f"{{{_ATOM10}}}summary")  # after "description"
_ATOM_LINK = f"{{{_ATOM10}}}link"

_Fields = dict[str, etree._Element]


def parse_tree(root: etree._Element, *, url: str) -> list[Entry]:
    """Entries of a feed whose XML has been parsed into ``root``; FeedError if it is no feed."""
    name = _local(root.tag)
    if name in ("rss", "RDF", "channel"):
        return _collect([_rss_entry(item, url) for item in root.iter(*_RSS_ITEMS)])
    if name == "feed":
        return _collect([_atom_entry(entry, url) for entry in root.iter(*_ATOM_ENTRIES)])
    if name.lower() == "html":
        raise FeedError("this is an HTML web page, not a feed (is the feed URL right?)")
    raise FeedError(f"not a feed: the document is XML with a <{name}> root element")


def _collect(entries: list[Entry | None]) -> list[Entry]:
    return [entry for entry in entries if entry is not None]


# Both entry readers look up the usual tag first and only then its rarer spellings: this runs
# for every item of every feed, and the usual tag is nearly always there.


def _rss_entry(item: etree._Element, url: str) -> Entry | None:
    fields = _children(item, _RSS_ALIASES)
    title_el = fields.get("title")
    if title_el is None:
        title_el = _first(fields, *_RSS_TITLES)
    title = _html_line(title_el) if title_el is not None else ""
    description = fields.get("description")
    if description is None:
        description = _first(fields, *_RSS_DESCRIPTIONS)
    text = _fuller(_html, fields.get(_CONTENT_ENCODED), description)

    guid_el = fields.get("guid")
    guid = _stripped(guid_el) if guid_el is not None else None
    if guid is None:
        guid = _none_if_empty(item.get(_RDF_ABOUT))
    link_el = fields.get("link")
    link = _stripped(link_el) if link_el is not None else None
    if link is None:
        atom_link = fields.get(_ATOM_LINK)
        if atom_link is not None:
            link, link_el = _none_if_empty(atom_link.get("href")), atom_link
    if link is None and guid_el is not None and guid is not None:
        permalink = (guid_el.get("isPermaLink") or "true").strip().lower() != "false"
        if permalink and guid.startswith(_WEB):
            link = guid
    published = _date(fields, _RSS_DATES)
    if not (title or text or link or guid):
        return None
    if link is not None and not link.startswith(_WEB):
        link = _resolve(link, link_el if link_el is not None else item, url)
    return Entry(guid=guid, link=link, title=title, text=text, published=published)


def _atom_entry(entry: etree._Element, url: str) -> Entry | None:
    fields, link_el = _atom_children(entry)
    title_el = fields.get("title")
    title = _atom_line(title_el) if title_el is not None else ""
    text = _fuller(_atom_text, fields.get("content"), fields.get("summary"))
    guid_el = fields.get("id")
    guid = _stripped(guid_el) if guid_el is not None else None
    link = _none_if_empty(link_el.get("href")) if link_el is not None else None
    published = _date(fields, _ATOM_DATES)
    if not (title or text or link or guid):
        return None
    if link is not None and not link.startswith(_WEB):
        link = _resolve(link, link_el if link_el is not None else entry, url)
    return Entry(guid=guid, link=link, title=title, text=text, published=published)


def _atom_children(entry: etree._Element) -> tuple[_Fields, etree._Element | None]:
    """_children of an Atom entry, and its first alternate link (a <link> without a rel counts),
    found in the same pass over the children."""
    fields: _Fields = {}
    alternate = None
    for child in entry:
        tag = child.tag
        if isinstance(tag, str):
            fields.setdefault(_ATOM_ALIASES.get(tag, tag), child)
            if (
                alternate is None
                and tag in _ATOM_LINKS
                and (child.get("rel") or "alternate") == "alternate"
            ):
                alternate = child
    return fields, alternate


def _atom_text(element: etree._Element) -> str:
    """Plain text of an Atom text construct, by its type (1.0) or mode (0.3)."""
    kind = element.get("type")
    mode = element.get("mode")
    if mode is None and (kind is None or kind == "text"):  # the usual case, read directly
        return plain_text(_itertext(element) if len(element) else element.text or "")
    kind = (kind or "text").lower()
    mode = (mode or "").lower()
    if mode == "base64" or _is_binary_type(kind):
        try:
            decoded = base64.b64decode(element.text or "").decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return ""
        return html_to_text(decoded) if "html" in kind else plain_text(decoded)
    if "xhtml" in kind or (mode == "xml" and len(element) > 0):
        return html_to_text(_markup(element, escape_text=True))
    if "html" in kind or mode == "escaped":
        return _html(element)
    return plain_text(_itertext(element))


def _atom_line(element: etree._Element) -> str:
    """_atom_text on one line (titles); plain text read directly in the usual case."""
    if len(element) == 0 and element.get("mode") is None and element.get("type") in (None, "text"):
        return collapse_line(element.text or "")
    return collapse_line(_atom_text(element))


def _is_binary_type(kind: str) -> bool:
    """Atom 1.0 says a MIME type that is neither text nor XML means base64 content."""
    return "/" in kind and not kind.startswith("text/") and not kind.endswith(("xml", "html"))


def _html(element: etree._Element) -> str:
    """Plain text of an element holding HTML, escaped (usual) or as child elements (sloppy)."""
    if len(element) == 0:
        return html_to_text(element.text or "")
    return html_to_text(_markup(element, escape_text=False))


def _html_line(element: etree._Element) -> str:
    """_html on one line (titles)."""
    if len(element) == 0:
        return html_to_line(element.text or "")
    return collapse_line(_html(element))


def _markup(element: etree._Element, *, escape_text: bool) -> str:
    head = element.text or ""
    if escape_text:
        head = head.replace("&", "&amp;").replace("<", "&lt;")
    parts = [etree.tostring(child, encoding="unicode", with_tail=True) for child in element]
    return head + "".join(parts)


def _children(parent: etree._Element, aliases: dict[str, str]) -> _Fields:
    """First child per tag; tags in the feed format's own namespace keyed by their local name."""
    fields: _Fields = {}
    for child in parent:
        tag = child.tag
        if isinstance(tag, str):
            fields.setdefault(aliases.get(tag, tag), child)
    return fields


def _first(fields: _Fields, *tags: str) -> etree._Element | None:
    for tag in tags:
        element = fields.get(tag)
        if element is not None:
            return element
    return None


def _fuller(
    to_text: Callable[[etree._Element], str],
    first: etree._Element | None,
    second: etree._Element | None,
) -> str:
    """The longer plain text of the two elements (full content vs. summary); ``first`` on ties."""
    first_text = to_text(first) if first is not None else ""
    second_text = to_text(second) if second is not None else ""
    return second_text if len(second_text) > len(first_text) else first_text


def _date(fields: _Fields, tags: Iterable[str]) -> datetime | None:
    for tag in tags:
        element = fields.get(tag)
        if element is not None and element.text:
            moment = parse_date(element.text)
            if moment is not None:
                return moment
    return None


def _stripped(element: etree._Element) -> str | None:
    return _none_if_empty(_itertext(element) if len(element) else element.text)


def _none_if_empty(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _resolve(link: str, element: etree._Element, url: str) -> str:
    """``link`` made absolute against the element's xml:base (which includes the feed URL)."""
    base = element.base or url
    if not base:
        return link
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _itertext(element: etree._Element) -> str:
    return "".join(part for part in element.itertext() if isinstance(part, str))


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
