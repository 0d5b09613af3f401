"""Parsed Entries turned into Items: the dedup key, canonical links, caps. Pure functions.

The dedup key (see the README's design notes) is, in order of preference:

1. the entry's guid, stripped: feeds promise it is stable, and it survives link changes;
2. ``"link:" + canonical_link(link)``: the same article reached with different tracking
   parameters, fragments, host case or default ports gives the same key;
3. ``"hash:" + sha256(title + text)`` after case folding and whitespace collapsing, for feeds
   that give neither.

Keys are only compared within one source (the store keys on source + key).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

from bot.models import Entry, Item, Source

__all__ = [
    "TEXT_LIMIT",
    "TITLE_LIMIT",
    "TRACKING_PARAMS",
    "canonical_link",
    "dedup_key",
    "normalize",
]

TITLE_LIMIT = 500
TEXT_LIMIT = 5000
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "ysclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "_openstat",
        "from",
        "at_medium",
        "at_campaign",
        "rss",
    }
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_link(link: str) -> str:
    """``link`` in one spelling per resource: for comparing, not for showing.

    Lowercases the scheme and host, drops the fragment, a default port and tracking parameters
    (utm_*, fbclid, gclid, yclid, from, ref, ...), sorts what remains of the query and gives an
    empty http(s) path as "/". Parameter encoding is kept as the feed wrote it. A link that is not
    a URL comes back stripped and otherwise unchanged.
    """
    link = link.strip()
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        return link
    scheme = parts.scheme.lower()
    if not scheme or not parts.netloc:
        return link
    return urlunsplit(
        SplitResult(
            scheme=scheme,
            netloc=_netloc(parts, scheme, port),
            path=parts.path or ("/" if scheme in _DEFAULT_PORTS else ""),
            query=_query(parts.query),
            fragment="",
        )
    )


def _netloc(parts: SplitResult, scheme: str, port: int | None) -> str:
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    return netloc


def _query(query: str) -> str:
    if not query:
        return ""
    kept = [
        pair
        for pair in query.split("&")
        if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]).lower())
    ]
    return "&".join(sorted(kept))


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def dedup_key(entry: Entry) -> str:
    """The key that says two entries of one source are the same item (see module docstring)."""
    guid = (entry.guid or "").strip()
    if guid:
        return guid
    link = (entry.link or "").strip()
    if link:
        return "link:" + canonical_link(link)
    content = f"{_fold(entry.title)}\n{_fold(entry.text)}"
    return "hash:" + hashlib.sha256(content.encode("utf-8")).hexdigest()


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def normalize(entry: Entry, source: Source, fetched_at: datetime) -> Item:
    """An Item for ``entry`` as found in ``source`` at ``fetched_at`` (aware)."""
    published = entry.published or fetched_at
    published = min(published.astimezone(UTC), fetched_at.astimezone(UTC))
    link = (entry.link or "").strip() or None
    return Item(
        source=source.name,
        key=dedup_key(entry),
        link=link,
        title=_cap(entry.title.strip(), TITLE_LIMIT),
        text=_cap(entry.text.strip(), TEXT_LIMIT),
        published=published,
        language=source.language,
    )


def _cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"
