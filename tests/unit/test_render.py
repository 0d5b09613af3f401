"""Alert rendering: escaping, highlighting, the 4096-unit limit."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.render import (
    ItemAlerts,
    decode_spans,
    encode_spans,
    headline,
    highlight,
    matched_spans,
    render_alert,
    render_stored,
    snippet,
    utf16_len,
)
from bot.models import Alert, Item, Mention

ALLOWED_TAGS = re.compile(r"</?(b|i|u|a|code)( href=\"[^\"]*\")?>")


def make_alert(title: str, text: str, mentions: tuple[Mention, ...] = ()) -> Alert:
    item = Item(
        source="belgorod-today",
        key="g1",
        link="https://belgorod-today.example/news/1?a=1&b=2",
        title=title,
        text=text,
        published=datetime(2024, 5, 10, 9, 5, tzinfo=UTC),
        language="ru",
    )
    return Alert(
        chat_id=1,
        item_id=1,
        source_title="Belgorod <Today>",
        item=item,
        regions=("RU-BEL",),
        terms=("дрон",),
        mentions=mentions,
    )


def names(code: str) -> str:
    return {"RU-BEL": "Белгородская область"}.get(code, code)


def test_alert_names_what_matched_source_time_and_link() -> None:
    title = "Дроны атаковали дома в Белгородской области"
    alert = make_alert(
        title,
        "Ночью беспилотники повредили дома.",
        (
            Mention("term", "дрон", "Дроны", "title", 0, 5),
            Mention("region", "RU-BEL", "Белгородской области", "title", 23, 43),
        ),
    )
    text = render_alert(alert, lang="ru", region_name=names)
    assert text.splitlines()[0] == "📍 Белгородская область · 🔎 дрон"
    assert "<b><u>Дроны</u> атаковали дома в <u>Белгородской области</u></b>" in text
    assert "<i>Belgorod &lt;Today&gt;</i>" in text
    assert "10 мая 2024, 09:05 UTC" in text
    assert '<a href="https://belgorod-today.example/news/1?a=1&amp;b=2">Открыть</a>' in text


@pytest.mark.parametrize(
    ("title", "escaped"),
    [
        (
            '</b><a href="https://evil.example">x</a>',
            '&lt;/b&gt;&lt;a href="https://evil.example"&gt;',
        ),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("1 < 2", "1 &lt; 2"),
    ],
)
def test_source_strings_render_literally(title: str, escaped: str) -> None:
    text = render_alert(make_alert(title, ""), lang="en", region_name=names)
    assert escaped in text
    assert 'evil.example">x</a>' not in text


def test_highlight_merges_overlaps_and_escapes() -> None:
    assert highlight("a <b> c", [(0, 1), (2, 5), (3, 4)]) == "<b>a</b> <b>&lt;b&gt;</b> c"


def test_snippet_cuts_at_sentence_or_word() -> None:
    text = "First sentence is here. " + "word " * 100
    assert snippet(text, 60) == "First sentence is here."
    assert snippet("word " * 100, 40).endswith("…")


@given(st.text(max_size=3000), st.text(max_size=8000))
def test_any_title_and_text_stay_well_formed_and_short(title: str, body: str) -> None:
    text = render_alert(make_alert(title, body), lang="en", region_name=names)
    assert utf16_len(text) <= 4096
    stripped = ALLOWED_TAGS.sub("", text)
    assert "<" not in stripped and ">" not in stripped


@pytest.mark.parametrize("scale", [1, 60])  # 60: too long, so tighter caps apply
def test_one_items_alerts_in_many_wordings_equal_rendering_each_alone(scale: int) -> None:
    """ItemAlerts shares snippets, highlights and footers between wordings: whatever order
    they come in, each text equals render_alert's for that wording alone."""
    title = "Дроны атаковали дома в Белгородской области " * scale
    text = "Ночью дроны повредили дома & линии. " * scale
    mentions = (
        Mention("term", "дрон", "Дроны", "title", 0, 5),
        Mention("region", "RU-BEL", "Белгородской области", "title", 23, 43),
        Mention("term", "дрон", "дроны", "text", 6, 11),
    )
    base = make_alert(title, text, mentions)
    wordings = [
        ("ru", ("RU-BEL",), ("дрон",)),
        ("en", ("RU-BEL",), ()),
        ("ru", (), ("дрон",)),
        ("ru", ("RU-BEL",), ()),
        ("uk", (), ("дрон",)),
        ("ru", ("RU-BEL",), ("дрон",)),
    ]
    shared = ItemAlerts(base.item, base.source_title, mentions)
    for lang, regions, terms in wordings:
        alone = Alert(1, 1, base.source_title, base.item, regions, terms, mentions)
        expected = render_alert(alone, lang=lang, region_name=names)
        assert shared.render(regions, terms, lang, names) == expected
        assert utf16_len(expected) <= 3500
        # what the outbox stores of it, and its item's stored columns, render the same
        stored = render_stored(
            title=base.item.title,
            text=base.item.text,
            link=base.item.link,
            published=base.item.published.timestamp(),
            source_title=base.source_title,
            lang=lang,
            head=headline(regions, terms, names),
            spans=encode_spans(matched_spans(mentions, regions, terms)),
        )
        assert stored == expected


@given(
    st.lists(
        st.tuples(st.sampled_from(["title", "text"]), st.integers(0, 9999), st.integers(0, 99)),
        max_size=8,
    )
)
def test_stored_spans_read_back_as_they_were(spans: list[tuple[str, int, int]]) -> None:
    given_spans = tuple((field, start, start + length) for field, start, length in spans)
    assert decode_spans(encode_spans(given_spans)) == given_spans
