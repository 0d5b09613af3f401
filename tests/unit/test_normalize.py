"""normalize: canonical links, dedup keys and the Item built from an Entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import Entry, Source
from bot.sources.normalize import (
    TEXT_LIMIT,
    TITLE_LIMIT,
    canonical_link,
    dedup_key,
    normalize,
)

FETCHED = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
SOURCE = Source(name="meduza-en", title="Meduza", url="https://meduza.io/rss", language="en")


def entry(**fields: object) -> Entry:
    base: dict[str, object] = {
        "guid": None,
        "link": None,
        "title": "Title",
        "text": "Text",
        "published": None,
    }
    base.update(fields)
    return Entry(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("link", "canonical"),
    [
        ("https://Example.COM/a", "https://example.com/a"),
        ("HTTPS://example.com/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?id=5&utm_campaign=x", "https://example.com/a?id=5"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=1&gclid=2&yclid=3", "https://example.com/a"),
        ("https://example.com/a?from=rss&ref=tg&_openstat=x", "https://example.com/a"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&id=1", "https://example.com/a?id=1"),
        ("https://example.com/a?UTM_Source=x", "https://example.com/a"),
        (
            "https://example.com/a?q=%D0%BA%D0%B8%D0%B5%D0%B2",
            "https://example.com/a?q=%D0%BA%D0%B8%D0%B5%D0%B2",
        ),
        ("https://example.com/Path/Case", "https://example.com/Path/Case"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://user@Example.com/a", "https://user@example.com/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("/relative/path", "/relative/path"),
        ("https://[broken/a", "https://[broken/a"),
    ],
)
def test_canonical_link(link: str, canonical: str) -> None:
    assert canonical_link(link) == canonical


@given(st.text())
def test_canonical_link_never_raises_and_is_idempotent(link: str) -> None:
    once = canonical_link(link)
    assert canonical_link(once) == once


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"guid": " abc-1 ", "link": "https://x.example/1"}, "abc-1"),
        ({"guid": "  ", "link": "https://X.example/1?utm_source=a"}, "link:https://x.example/1"),
        ({"link": "https://x.example/1#top"}, "link:https://x.example/1"),
    ],
)
def test_dedup_key_prefers_guid_then_link(fields: dict[str, object], key: str) -> None:
    assert dedup_key(entry(**fields)) == key


def test_same_article_with_tracking_params_shares_a_key() -> None:
    first = entry(link="https://news.example/a?utm_source=tg&id=1")
    second = entry(link="https://NEWS.example:443/a?id=1&fbclid=zzz#x")
    assert dedup_key(first) == dedup_key(second)


def test_hash_key_ignores_case_and_whitespace_but_not_words() -> None:
    a = dedup_key(entry(title="Взрыв  в Белгороде", text="Подробности\nпозже"))
    b = dedup_key(entry(title="взрыв в белгороде", text="подробности позже"))
    c = dedup_key(entry(title="Взрыв в Курске", text="Подробности позже"))
    assert a.startswith("hash:") and len(a) == len("hash:") + 64
    assert a == b
    assert a != c


def test_title_and_text_do_not_blur_in_the_hash() -> None:
    assert dedup_key(entry(title="ab", text="c")) != dedup_key(entry(title="a", text="bc"))


def test_normalize_fills_published_and_source_fields() -> None:
    item = normalize(entry(guid="g", link=" https://x.example/1 ", title=" T "), SOURCE, FETCHED)
    assert item.source == "meduza-en"
    assert item.language == "en"
    assert item.key == "g"
    assert item.link == "https://x.example/1"
    assert item.title == "T"
    assert item.published == FETCHED


def test_normalize_keeps_published_in_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    item = normalize(entry(published=datetime(2024, 5, 10, 12, 0, tzinfo=moscow)), SOURCE, FETCHED)
    assert item.published == datetime(2024, 5, 10, 9, 0, tzinfo=UTC)
    assert item.published.utcoffset() == timedelta(0)


def test_normalize_clamps_future_dates_to_fetch_time() -> None:
    item = normalize(entry(published=FETCHED + timedelta(days=3)), SOURCE, FETCHED)
    assert item.published == FETCHED


def test_empty_link_becomes_none() -> None:
    assert normalize(entry(link="  "), SOURCE, FETCHED).link is None


def test_long_title_and_text_are_capped_at_a_word_boundary() -> None:
    words = " ".join(["слово"] * 2000)
    item = normalize(entry(title=words, text=words * 2), SOURCE, FETCHED)
    assert len(item.title) <= TITLE_LIMIT
    assert len(item.text) <= TEXT_LIMIT
    assert item.title.endswith("слово…")
    assert item.text.endswith("слово…")


def test_short_title_is_kept_whole() -> None:
    title = "x" * TITLE_LIMIT
    assert normalize(entry(title=title), SOURCE, FETCHED).title == title


def test_cap_without_spaces_cuts_hard() -> None:
    item = normalize(entry(title="x" * (TITLE_LIMIT + 50)), SOURCE, FETCHED)
    assert item.title == "x" * (TITLE_LIMIT - 1) + "…"
