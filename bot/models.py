"""Value objects that flow through the pipeline. Frozen, typed, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

SourceKind = Literal["feed", "telegram"]
Field = Literal["title", "text"]
MatchKind = Literal["region", "term"]


@dataclass(frozen=True, slots=True)
class Source:
    """A configured place Lookout polls: a feed URL or a public Telegram channel."""

    name: str  # stable key, e.g. "meduza-en"
    title: str  # shown to users, e.g. "Meduza (English)"
    url: str
    kind: SourceKind = "feed"
    language: str = "ru"
    interval: int = 300  # seconds between polls
    trusted: bool = True  # operator-configured sources skip the SSRF guard


@dataclass(frozen=True, slots=True)
class Entry:
    """One item as the parser found it in a feed document, before normalization."""

    guid: str | None
    link: str | None
    title: str  # plain text
    text: str  # plain text (HTML already stripped)
    published: datetime | None  # timezone-aware UTC, or None when the feed gave none


@dataclass(frozen=True, slots=True)
class Item:
    """A normalized item, ready to be stored and matched."""

    source: str  # Source.name
    key: str  # dedup key: guid, else canonical link, else hash of title and text
    link: str | None
    title: str
    text: str
    published: datetime  # UTC
    language: str


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a region or a watch term was found in an item."""

    kind: MatchKind
    value: str  # ISO 3166-2 code for a region, the watch term as the user typed it for a term
    surface: str  # the text as it stands in the item, e.g. "Белгородской области"
    field: Field
    start: int  # offsets in the field's text
    end: int
    place: str | None = None  # for a town: its gazetteer place id, e.g. "RU-BEL/graivoron"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one poll of a source brought back."""

    source: str
    status: int  # HTTP status; 0 when the request failed before a response
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds a 429/503 asked us to wait
    max_age: float | None = None  # seconds the server says the answer stays fresh
    permanent_url: str | None = None  # where 301/308 redirects say the source now lives

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Alert:
    """One item to tell one chat about, with why."""

    chat_id: int
    item_id: int
    source_title: str
    item: Item
    regions: tuple[str, ...] = ()  # region codes the chat subscribed to that the item mentions
    terms: tuple[str, ...] = ()  # watch terms of the chat that the item mentions
    mentions: tuple[Mention, ...] = field(default=())
