"""parse_feed: golden feeds beside their expected entries, the refusals and the safety rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.errors import FeedError
from bot.models import Entry, SourceKind
from bot.sources.parse import decode_xml, parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
FEED_URL = "https://feeds.example.com/feed"
GOLDEN = sorted(path for path in FEEDS.iterdir() if not path.name.endswith(".expected.json"))


def as_dict(entry: Entry) -> dict[str, Any]:
    return {
        "guid": entry.guid,
        "link": entry.link,
        "title": entry.title,
        "text": entry.text,
        "published": entry.published.isoformat() if entry.published else None,
    }


def rss(items: str, *, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f'{declaration}<rss version="2.0"><channel>{items}</channel></rss>'.encode()


def test_every_golden_feed_has_its_expectation() -> None:
    assert len(GOLDEN) >= 10
    for path in GOLDEN:
        assert (FEEDS / f"{path.name}.expected.json").is_file(), path.name


@pytest.mark.parametrize("path", GOLDEN, ids=lambda path: path.name)
def test_golden_feed(path: Path) -> None:
    kind: SourceKind = "telegram" if path.name.endswith(".tme.html") else "feed"
    expected = json.loads((FEEDS / f"{path.name}.expected.json").read_text("utf-8"))

    entries = parse_feed(path.read_bytes(), url=FEED_URL, kind=kind, now=NOW)

    assert [as_dict(entry) for entry in entries] == expected


def test_published_dates_are_aware_utc() -> None:
    entries = parse_feed((FEEDS / "rss2_ru_cp1251.xml").read_bytes(), now=NOW)
    assert all(e.published is not None and e.published.utcoffset() is not None for e in entries)
    assert entries[0].published == datetime(2024, 5, 10, 9, 0, tzinfo=UTC)


def test_future_date_is_clamped_to_now() -> None:
    body = rss("<item><title>x</title><pubDate>Mon, 01 Jan 2035 10:00:00 GMT</pubDate></item>")
    assert parse_feed(body, now=NOW)[0].published == NOW


def test_missing_or_unreadable_date_stays_none() -> None:
    body = rss("<item><title>a</title></item><item><title>b</title><pubDate>soon</pubDate></item>")
    assert [e.published for e in parse_feed(body, now=NOW)] == [None, None]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"<!DOCTYPE html><html><head><title>Hi</title></head><body>x</body></html>", "HTML"),
        (b"<html><body><p>Not a feed</p></body></html>", "HTML"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "<svg>"),
        (b"just some words", "not an XML document"),
        (b'{"items": [', "JSON"),
        (b'{"title": "no items"}', "items"),
        (b"[1, 2, 3]", "items"),
        (b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b"[" * 100_000, "JSON"),
    ],
    ids=[
        "empty",
        "blank",
        "html-doctype",
        "html",
        "svg",
        "words",
        "broken-json",
        "json-no-items",
        "json-list",
        "json-deep",
        "json-deep-broken",
    ],
)
def test_unreadable_documents_raise_feed_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(body)


def test_str_is_refused() -> None:
    with pytest.raises(TypeError):
        parse_feed("https://example.com/feed.xml")  # type: ignore[arg-type]


def test_telegram_kind_refuses_a_page_that_is_no_channel_preview() -> None:
    with pytest.raises(FeedError, match="Telegram"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", kind="telegram")


def test_telegram_channel_without_posts_is_empty() -> None:
    page = b'<html><body><div class="tgme_channel_info">Channel</div></body></html>'
    assert parse_feed(page, kind="telegram") == []


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<rss><channel><item><title>a &xxe; b</title></item></channel></rss>"
    ).encode()
    entries = parse_feed(body)
    assert "TOP-SECRET" not in entries[0].title
    assert entries[0].title.startswith("a ")


def test_billion_laughs_is_not_expanded() -> None:
    levels = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]>'
        "<rss><channel><item><title>&lol9;</title></item></channel></rss>"
    ).encode()
    entries = parse_feed(body)
    assert len(entries[0].title) < 100


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("A&nbsp;B", "A B"),
        ("Москва&nbsp;&mdash; Киев", "Москва — Киев"),
        ("&laquo;цитата&raquo;", "«цитата»"),
        ("&amp;lt;b&amp;gt;", "<b>"),  # double-escaped markup is text, not a tag
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("AT&T", "AT&T"),
        ("&#X41;&#x42;&#67;", "ABC"),
        ("&bogus; x", "&bogus; x"),
        ("<![CDATA[Tom & Jerry &nbsp;]]>", "Tom & Jerry"),
    ],
)
def test_html_entities_keep_titles_whole(title: str, expected: str) -> None:
    entries = parse_feed(rss(f"<item><title>{title}</title></item>"))
    assert entries[0].title == expected


def test_fuller_of_content_and_description_wins() -> None:
    body = rss(
        '<item xmlns:content="http://purl.org/rss/1.0/modules/content/"><title>t</title>'
        "<description>Short &lt;script&gt;long_tracking_code_here()&lt;/script&gt;</description>"
        "<content:encoded>&lt;p&gt;The whole story.&lt;/p&gt;</content:encoded></item>"
    )
    assert parse_feed(body)[0].text == "The whole story."


@pytest.mark.parametrize(
    ("items", "link"),
    [
        ("<item><link> /a/b </link></item>", "https://site.example/a/b"),
        ("<item><guid>https://g.example/1</guid></item>", "https://g.example/1"),
        ('<item><guid isPermaLink="false">https://g.example/1</guid></item>', None),
        ("<item><guid>not-a-url</guid></item>", None),
        (
            "<item><link>https://l.example/</link><guid>https://g.example/</guid></item>",
            "https://l.example/",
        ),
    ],
)
def test_rss_links(items: str, link: str | None) -> None:
    entry = parse_feed(rss(items), url="https://site.example/feed.xml")[0]
    assert entry.link == link


def test_windows_1251_without_declaration_is_readable() -> None:
    body = "<rss><channel><item><title>Обстрел Белгорода</title></item></channel></rss>"
    assert parse_feed(body.encode("cp1251"))[0].title == "Обстрел Белгорода"


def test_koi8r_declared_as_utf8_is_readable() -> None:
    body = rss("<item><title>Новости Курской области</title></item>")
    koi8 = body.decode().encode("koi8-r")
    assert parse_feed(koi8)[0].title == "Новости Курской области"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("\ufeff<a>привет</a>".encode(), "<a>привет</a>"),
        ("<a>привет</a>".encode("utf-16"), "<a>привет</a>"),
        ("<a>привет</a>".encode("utf-16-le"), "<a>привет</a>"),
        (b'<?xml version="1.0" encoding="utf-16"?><a>x</a>', "<a>x</a>"),
        ('<?xml version="1.0" encoding="bogus-enc"?><a>é</a>'.encode(), "<a>é</a>"),
        ("<a>Ça va, café</a>".encode("cp1252"), "<a>Ça va, café</a>"),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16-no-bom", "utf16-declared-lie", "bogus", "cp1252"],
)
def test_decode_xml(body: bytes, text: str) -> None:
    assert decode_xml(body).endswith(text)


def test_atom_link_resolved_against_xml_base_and_feed_url() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>'
        b'<link rel="alternate" href="p/1"/></entry>'
        b'<entry xml:base="/base/"><id>2</id><link href="p/2"/></entry></feed>'
    )
    entries = parse_feed(body, url="https://atom.example/feeds/main.xml")
    assert [e.link for e in entries] == [
        "https://atom.example/feeds/p/1",
        "https://atom.example/base/p/2",
    ]


def test_empty_items_are_skipped() -> None:
    assert parse_feed(rss("<item></item><item><title>kept</title></item>"))[0].title == "kept"


def test_control_characters_do_not_truncate_the_feed() -> None:
    body = rss("<item><title>one\x01</title></item><item><title>two\x0b</title></item>")
    assert [e.title for e in parse_feed(body)] == ["one", "two"]


def test_truncated_xml_is_recovered() -> None:
    body = b"<rss><channel><item><title>first</title></item><item><title>sec"
    assert parse_feed(body)[0].title == "first"
