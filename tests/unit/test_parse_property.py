"""Property: whatever bytes arrive, parse_feed returns entries or raises FeedError, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import FeedError
from bot.models import Entry
from bot.sources.parse import parse_feed

NOW = datetime(2024, 6, 1, tzinfo=UTC)

_FRAGMENTS = st.sampled_from(
    [
        "<rss>", "</rss>", "<channel>", "<item>", "</item>", "<title>", "</title>",
        "<link>", "<guid>", "<description>", "<![CDATA[", "]]>", "&nbsp;", "&amp;", "&",
        "&#X41;", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<content type='xhtml'>",
        "<pubDate>", "Fri, 10 May 2024 12:00:00 +0300", '{"items": [', "{", "}", "]", '"id": 1',
        "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "<?xml version='1.0' encoding='koi8-r'?>",
        "<div class='tgme_widget_message' data-post='c/1'>", "<time datetime='2024-05-10'>",
        "Привет", "\x00", "\ufeff", "<",
    ]
)  # fmt: skip
_DOCUMENTS = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=20)), max_size=40).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    ),
)


def _check(entries: object) -> None:
    assert isinstance(entries, list)
    for entry in entries:
        assert isinstance(entry, Entry)
        assert isinstance(entry.title, str) and isinstance(entry.text, str)
        assert entry.published is None or entry.published <= NOW


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS)
def test_feed_bytes_give_entries_or_feed_error(body: bytes) -> None:
    try:
        entries = parse_feed(body, now=NOW)
    except FeedError:
        return
    _check(entries)


@settings(max_examples=150, deadline=None)
@given(_DOCUMENTS)
def test_telegram_bytes_give_entries_or_feed_error(body: bytes) -> None:
    try:
        entries = parse_feed(body, kind="telegram", now=NOW)
    except FeedError:
        return
    _check(entries)
