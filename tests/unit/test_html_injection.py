"""HTML injection and message size, through every renderer a message passes on its way out.

A source controls an item's title, text and link and its own title, which reach chats through
render_alert, "also reported by" (fold.alert_text), folded messages (fold.fold), the flood
summary and the repeat mark. Each result goes through the sandbox's copy of Telegram's HTML
parser (bot.sandbox.telegram_html): it must be accepted, show the source's strings literally,
and stay within 4096 UTF-16 units of markup (so, also, of visible text).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.delivery import fold
from bot.delivery.render import MAX_MESSAGE_UNITS, mark_repeat, render_alert, utf16_len
from bot.delivery.sender import REPEAT_ROOM
from bot.digest import DigestStory, render_digest
from bot.models import Alert, Item, Mention
from bot.sandbox.telegram_html import parse_html
from bot.store.outbox import OutboxRow

INJECTIONS = [
    '</b><a href="https://evil.example">click</a><b>',
    "Tom & Jerry &amp; &lt;friends&gt; &#60;",
    "1 < 2 > 0",
    "He said \"hi\" and 'bye'",
    "<tg-spoiler>x</tg-spoiler><pre><code class='language-x'>",
    "<a href='tg://user?id=1'>me</a>",
    "🙂🇺🇦 ₽ — ё",
]
LANGS = ("en", "ru", "uk")


def make_alert(title: str, text: str = "", source_title: str = "Src", link: str = "") -> Alert:
    item = Item(
        source="src",
        key="k",
        link=link or "https://news.example/1?a=1&b=<2>",
        title=title,
        text=text,
        published=datetime(2024, 5, 10, 9, 5, tzinfo=UTC),
        language="ru",
    )
    mentions = (Mention("term", "дрон", title[:3], "title", 0, min(3, len(title))),)
    return Alert(
        chat_id=1,
        item_id=1,
        source_title=source_title,
        item=item,
        regions=("RU-BEL",),
        terms=("дрон",),
        mentions=mentions if title else (),
    )


def names(code: str) -> str:
    return "Белгородская <область>"


def row(text: str, also: tuple[str, ...] = (), row_id: int = 1) -> OutboxRow:
    return OutboxRow(id=row_id, chat_id=1, text=text, attempts=0, possible_repeat=False, also=also)


def visible(message: str) -> str:
    """What the chat shows; raises EntityParseError where Telegram answers 400."""
    return parse_html(message).text


@pytest.mark.parametrize("hostile", INJECTIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_hostile_strings_show_literally_in_every_renderer(hostile: str, lang: str) -> None:
    alert_html = render_alert(
        make_alert(hostile, f"{hostile} text", source_title=hostile), lang=lang, region_name=names
    )
    shown = visible(alert_html)
    assert hostile in shown  # the title (and text, and source title), character for character
    assert "Белгородская <область>" in shown
    parsed = parse_html(alert_html)
    links = [e for e in parsed.entities if e["type"] == "text_link"]
    assert [e["url"] for e in links] == ["https://news.example/1?a=1&b=<2>"]

    with_also = fold.alert_text(row(alert_html, also=(hostile, "Другой <источник>")), lang)
    assert f"{hostile}, Другой <источник>" in visible(with_also)

    folded = fold.fold([with_also, alert_html])
    assert visible(folded).count(hostile) >= 4
    assert [e["url"] for e in parse_html(folded).entities if e["type"] == "text_link"] == [
        "https://news.example/1?a=1&b=<2>"
    ] * 2

    summary = fold.flood_summary([hostile, "x"], lang)
    assert f"• {hostile}" in visible(summary)
    assert hostile in visible(mark_repeat(folded, lang))


_TEXT = st.text(st.characters(codec="utf-8"), max_size=600) | st.sampled_from(INJECTIONS)
_LONG = st.text(max_size=6000)


@settings(max_examples=150, deadline=None)
@given(
    titles=st.lists(st.tuples(_TEXT | _LONG, _LONG), min_size=1, max_size=6),
    source_title=_TEXT,
    link=_TEXT,
    also=st.lists(_TEXT, max_size=8),
    lang=st.sampled_from(LANGS),
    repeat=st.booleans(),
)
def test_generated_alerts_are_accepted_and_fit_when_folded(
    titles: list[tuple[str, str]],
    source_title: str,
    link: str,
    also: list[str],
    lang: str,
    repeat: bool,
) -> None:
    # As the sender builds a message: each alert with its also-line, as many whole ones as fit
    # (leaving room for the repeat mark), folded, maybe marked as a possible repeat.
    texts = [
        fold.alert_text(
            row(render_alert(make_alert(t, x, source_title, link), lang=lang, region_name=names),
                also=tuple(also), row_id=n),
            lang,
        )
        for n, (t, x) in enumerate(titles)
    ]  # fmt: skip
    count = fold.fits(texts, MAX_MESSAGE_UNITS - REPEAT_ROOM)
    message = fold.fold(texts[:count])
    if repeat:
        message = mark_repeat(message, lang)
    assert utf16_len(message) <= MAX_MESSAGE_UNITS
    visible(message)  # no EntityParseError: the sandbox (and Telegram) would accept it
    for text in texts[:count]:
        assert utf16_len(text) <= MAX_MESSAGE_UNITS - REPEAT_ROOM


def test_a_story_told_by_many_sources_still_fits_one_message() -> None:
    # "Also reported by" grows with every source; the alert must stay sendable and editable.
    alert_html = render_alert(make_alert("Дрон " * 200, "текст " * 200), lang="ru",
                              region_name=names)  # fmt: skip
    sources = tuple(f"Источник номер {n} " + "🙂" * 80 for n in range(200))
    text = fold.alert_text(row(alert_html, also=sources), "ru")
    assert utf16_len(mark_repeat(text, "ru")) <= MAX_MESSAGE_UNITS
    shown = visible(text)
    assert "Источник номер 0" in shown


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=3000), min_size=1, max_size=40), st.sampled_from(LANGS))
def test_flood_summaries_are_accepted_and_fit(titles: list[str], lang: str) -> None:
    summary = mark_repeat(fold.flood_summary(titles, lang), lang)
    assert utf16_len(summary) <= MAX_MESSAGE_UNITS
    visible(summary)


# Strings that grow most when escaped ("&" becomes five characters, '"' six), and emoji that
# count two UTF-16 units each.
_SWELLING = st.text(alphabet='&<>"🙂a ', min_size=0, max_size=2500)


@settings(max_examples=150, deadline=None)
@given(title=_SWELLING, text=_SWELLING, source_title=_SWELLING, link=_SWELLING)
@example(title="&" * 600, text="&" * 400, source_title='"' * 300, link="&" * 1980)
def test_escaping_cannot_push_an_alert_over_the_limit(
    title: str, text: str, source_title: str, link: str
) -> None:
    alert_html = render_alert(
        make_alert(title, text, source_title, "https://x/?" + link), lang="uk", region_name=names
    )
    with_also = fold.alert_text(row(alert_html, also=(source_title,) * 30), "uk")
    assert utf16_len(mark_repeat(with_also, "uk")) <= MAX_MESSAGE_UNITS
    visible(with_also)


def digest_story(n: int, title: str, link: str | None) -> DigestStory:
    return DigestStory(n, title, link, 1_715_000_000.0 + n, 1 + n % 3, ("RU-BEL",), ("дрон",))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(_TEXT | _SWELLING, st.none() | _SWELLING), min_size=1, max_size=30),
    st.sampled_from(LANGS),
)
@example([("&" * 200, "&" * 1000), ('"' * 300, '"' * 999)], "ru")  # escaping swells sixfold
def test_digests_are_accepted_and_every_message_fits(
    stories: list[tuple[str, str | None]], lang: str
) -> None:
    messages = render_digest(
        [digest_story(n, title, link) for n, (title, link) in enumerate(stories)],
        regions=["RU-BEL"],
        terms=["дрон", '<b>"&'],
        lang=lang,
        zone_name="Europe/Kyiv",
        since=1_714_900_000.0,
        region_name=names,
        per_group=30,
    )
    for message in messages:
        assert utf16_len(mark_repeat(message, lang)) <= MAX_MESSAGE_UNITS
        visible(message)


@pytest.mark.parametrize("hostile", INJECTIONS)
def test_digest_titles_show_literally(hostile: str) -> None:
    (message,) = render_digest(
        [digest_story(1, hostile, "https://x/?a=1&b=2")],
        regions=["RU-BEL"],
        terms=[],
        lang="en",
        zone_name="UTC",
        since=1_714_900_000.0,
        region_name=names,
    )
    assert f"• {hostile}" in visible(message)


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "JAVASCRIPT:x", "file:///etc/passwd", "tg://resolve?x", "data:,x"],
)
def test_only_web_links_become_links(link: str) -> None:
    alert_html = render_alert(make_alert("Дрон", link=link), lang="en", region_name=names)
    (digest,) = render_digest(
        [digest_story(1, "Дрон", link)], regions=["RU-BEL"], terms=[], lang="en",
        zone_name="UTC", since=0.0, region_name=names,
    )  # fmt: skip
    for message in (alert_html, digest):
        assert not [e for e in parse_html(message).entities if e["type"] == "text_link"]
        assert "href" not in message
