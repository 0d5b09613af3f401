"""feedparser's test documents (tests/data/peer-feeds, licence beside them) through parse_feed.

Every document either parses or is refused with FeedError; the well-formed ones give the title,
link or id their ``Expect:`` comment names, as plain text (Lookout strips markup, feedparser
sanitizes it, so only the cases where both agree are listed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import FeedError
from bot.sources.parse import decode_xml, parse_feed

PEER = Path(__file__).resolve().parent.parent / "data" / "peer-feeds"
DOCUMENTS = sorted(path for path in PEER.rglob("*") if path.is_file() and path.name != "LICENSE")


def test_the_licence_travels_with_the_files() -> None:
    assert "Kurt McKee" in (PEER / "LICENSE").read_text("utf-8")
    assert len(DOCUMENTS) >= 2100  # the whole corpus, not a sample


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: str(path.relative_to(PEER)))
def test_parses_or_refuses_cleanly(path: Path) -> None:
    try:
        entries = parse_feed(path.read_bytes(), url="http://example.com/feed")
    except FeedError as exc:
        assert str(exc)
        return
    assert isinstance(entries, list)


@pytest.mark.parametrize(
    ("name", "field", "expected"),
    [
        ("wellformed/rss/item_title.xml", "title", "Item 1 title"),
        ("wellformed/rss/item_link.xml", "link", "http://example.com/"),
        ("wellformed/rss/item_guid.xml", "guid", "http://guid.example.com/"),
        ("wellformed/rss/item_guid_conflict_link.xml", "link", "http://link.example.com/"),
        ("wellformed/rss/item_guid_isPermaLink_map_link.xml", "link", "http://guid.example.com/"),
        ("wellformed/rss/item_guid_not_permalink.xml", "link", None),
        ("wellformed/rss/item_guid_not_permalink_not_url.xml", "guid", "abc"),
        ("wellformed/rss/item_dc_title.xml", "title", "Example title"),
        ("wellformed/rss/item_description_naked_markup.xml", "text", "Example description"),
        ("wellformed/rdf/rdf_item_title.xml", "title", "Example title"),
        ("wellformed/rdf/rdf_item_link.xml", "link", "http://example.com/1"),
        ("wellformed/rdf/rdf_item_rdf_about.xml", "guid", "http://example.org/1"),
        ("wellformed/rdf/rss090_item_title.xml", "title", "Item title"),
        ("wellformed/atom/entry_title.xml", "title", "Example Atom"),
        ("wellformed/atom/entry_id.xml", "guid", "http://example.com/"),
        ("wellformed/atom/entry_link_alternate_map_link.xml", "link", "http://www.example.com/"),
        ("wellformed/atom/entry_title_base64.xml", "title", "Example <b>Atom</b>"),
        (
            "wellformed/atom/entry_title_text_plain_brackets.xml",
            "title",
            "History of the <blink> tag",
        ),
        ("wellformed/atom10/entry_title.xml", "title", "Example Atom"),
        ("wellformed/atom10/entry_id.xml", "guid", "http://example.com/"),
        (
            "wellformed/atom10/entry_id_no_normalization_4.xml",
            "guid",
            "HTTP://www.example.org/thing",
        ),
        ("wellformed/atom10/entry_id_with_attributes.xml", "guid", "right"),
        ("wellformed/atom10/entry_link_alternate_map_link.xml", "link", "http://www.example.com/"),
        (
            "wellformed/atom10/entry_link_alternate_map_link_3.xml",
            "link",
            "http://www.example.com/alternate",
        ),
        ("wellformed/atom10/entry_title_base64.xml", "title", "Example <b>Atom</b>"),
        ("wellformed/atom10/entry_title_inline_markup.xml", "title", "Example Atom"),
        ("wellformed/atom10/entry_title_type_empty-no-crash.xml", "title", "evil"),
        ("wellformed/media-rss/item_media_title1.xml", "title", "bar"),
        ("wellformed/namespace/rss1.0withModules.xml", "title", "Test Item - RSS 1.0"),
        ("wellformed/namespace/rss2.0NSwithModules.xml", "title", "Test Item - RSS2.0 w/ NS"),
        ("wellformed/sanitize/entry_title_script.xml", "title", "safe description"),
        ("wellformed/sanitize/entry_title_iframe.xml", "title", "safe description"),
        ("entities/hex_entity_x_uppercase.xml", "title", "A"),
        ("illformed/rss_item_link_corrupted_ampersands.xml", "link", "http://link/get?a=1&b=2"),
        ("illformed/chardet/koi8r.xml", "title", "Как пережить новогоднюю ночь"),
    ],
)
def test_expected_field(name: str, field: str, expected: str | None) -> None:
    entry = parse_feed((PEER / name).read_bytes(), url="http://127.0.0.1/feed")[0]
    assert getattr(entry, field) == expected


@pytest.mark.parametrize(
    "name",
    [
        "encoding/utf-8-bom.xml",
        "encoding/utf-16be-bom.xml",
        "encoding/utf-16le.xml",
        "encoding/utf-16le-autodetect.xml",
        "encoding/utf-32be-autodetect.xml",
        "encoding/utf-32le-bom.xml",
    ],
)
def test_unicode_encodings_are_detected(name: str) -> None:
    text = decode_xml((PEER / name).read_bytes())
    assert "Description:" in text
    assert "<rss" in text or "<feed" in text


def test_json_feed_example() -> None:
    entries = parse_feed((PEER / "json" / "example.json").read_bytes())
    assert [(e.guid, e.title) for e in entries] == [("2", "post 2"), ("1", "")]
