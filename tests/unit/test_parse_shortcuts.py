"""The parser's shortcuts give exactly what the long way gives: each is checked against it.

parse._parse_as_is             UTF-8 feeds handed to lxml untouched, vs decode + clean
html_text._is_collapsed        text already collapsed, vs split and join
telegram_channel._read_plain   a post's text read from the tree, vs serialize + html_to_text
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from bot.sources import parse
from bot.sources.html_text import (
    LINE_MARK,
    collapse_line,
    html_to_text,
    line_marks,
    plain_text,
)
from bot.sources.telegram_channel import _html_text

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def _item(title: str) -> bytes:
    return f"<rss><channel><item><title>{title}</title></item></channel></rss>".encode(
        "utf-8", "surrogatepass"
    )


# Each of these must make _parse_as_is step aside (or agree): the careful path changes the bytes.
_AWKWARD = [
    _item("plain"),
    _item("a &lt; b &amp; c"),
    b'<?xml version="1.0" encoding="utf-8"?>' + _item("declared"),
    b"\xef\xbb\xbf \n" + _item("BOM and white space"),
    b"\xef\xbb\xbf\xef\xbb\xbf" + _item("two BOMs"),
    _item("control\x01character"),
    _item("vertical\x0btab") + b"\x0c",
    b"<rss a='\x02'><channel><item><title>in an attribute</title></item></channel></rss>",
    b"<rss><!-- \x03 --><channel><item><title>in a comment</title></item></channel></rss>",
    _item("<![CDATA[in \x04 CDATA]]>"),
    _item("nul\x00byte"),
    _item("noncharacter \ufffe \uffff"),
    _item("HTML entity&nbsp;&mdash;"),
    _item("stray & ampersand"),
    _item("valid &#1055; and invalid &#xD800; references"),
    _item("AT&T"),
    b'<?xml version="1.0" encoding="utf-8"?>' + _item("Привет").decode().encode("cp1251"),
    b'<?xml version="1.0" encoding="windows-1251"?>' + _item("Привет").decode().encode("cp1251"),
    b'<?xml version="1.0" encoding="us-ascii"?>' + _item("не ASCII"),
    _item("\ud800 lone surrogate"),
    b"\xff\xfe" + _item("UTF-16 BOM").decode().encode("utf-16-le"),
    _item("UTF-16 without BOM").decode().encode("utf-16-le"),
    b"\x1c" + _item("str.strip() white space"),
    "\u00a0".encode() + _item("no-break space first"),
    b"<!DOCTYPE html><html><body>page</body></html>",
    b"<HTML><body>page</body></HTML>",
    b"<html\x0c>odd</html>",
    b"<rss><channel><item><title>truncated",
    b"just words",
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>x</title></entry></feed>",
]


def _outcome(body: bytes, url: str) -> object:
    try:
        return parse.parse_feed(body, url=url, now=NOW)
    except Exception as exc:  # whatever the outcome, it must not change
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("body", _AWKWARD)
@pytest.mark.parametrize("url", ["", "https://feeds.example.com/feed"])
def test_parsing_as_is_gives_what_the_careful_path_gives(
    body: bytes, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shortcut = _outcome(body, url)
    monkeypatch.setattr(parse, "_parse_as_is", lambda body, url: None)
    assert shortcut == _outcome(body, url)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.xml")), ids=lambda path: path.name)
def test_plain_utf8_feeds_take_the_shortcut(path: Path) -> None:
    assert parse._parse_as_is(path.read_bytes(), "") is not None


def test_every_printable_character_but_space_is_neither_space_nor_invisible() -> None:
    """What _is_collapsed relies on, over all of Unicode."""
    awkward = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if (char := chr(code)).isprintable()
        and char != " "
        and (
            char.isspace()
            or char in "\u00ad\u200b\u200c\ufeff"
            or len(f"a{char}b".splitlines()) > 1
        )
    ]
    assert awkward == []


def _collapsed_the_long_way(text: str) -> tuple[str, str]:
    """collapse_line and plain_text as they were before the shortcut."""
    visible = "".join(char for char in text if char not in "\u00ad\u200b\u200c\ufeff")
    line = " ".join(visible.split())
    if "\n" not in visible and "\r" not in visible:
        return line, line
    lines = (" ".join(part.split()) for part in visible.splitlines())
    return line, "\n".join(part for part in lines if part)


@pytest.mark.parametrize(
    "text",
    ["words", "a  b", " a", "a ", "a\u00a0b", "a\tb", "a\nb", "a\r\nb", "a\u00adb", "a\u2028b", ""],
)
def test_collapsing_shortcut_changes_nothing_here(text: str) -> None:
    assert (collapse_line(text), plain_text(text)) == _collapsed_the_long_way(text)


@given(st.text(alphabet=st.sampled_from(" a\u00a0\u00ad\n\r\tб\u2028\x1c\u200b"), max_size=12))
def test_collapsing_shortcut_changes_nothing(text: str) -> None:
    assert (collapse_line(text), plain_text(text)) == _collapsed_the_long_way(text)


@pytest.mark.parametrize(
    ("tag", "marks"),
    [
        ("div", (LINE_MARK, LINE_MARK)),
        ("p", (LINE_MARK, LINE_MARK)),
        ("br", (LINE_MARK, "")),
        ("b", ("", "")),
        ("tg-spoiler", ("", "")),
        ("p-x", (LINE_MARK, LINE_MARK)),  # as the regex reads "<p-x>": "p" and a word boundary
    ],
)
def test_line_marks_are_what_html_to_text_makes_of_tags(tag: str, marks: tuple[str, str]) -> None:
    assert line_marks(tag) == marks


_POST_TEXTS = [
    "<b>Шебекино.</b> Утром обстрел.<br/>Пострадавших нет.",
    "a<br><br>b<p>c</p>d<blockquote>e</blockquote>f",
    "&lt;b&gt; &amp;amp; &nbsp;x&mdash;y &#128; \u00ad\u200b",
    "<a href='x>y' title='<script>'>link</a> <i class='emoji' style='a'>🙂</i>",
    "<tg-spoiler>hidden</tg-spoiler> <span class='tg-spoiler'>too</span>",
    "<pre>  code\n  block</pre>after",  # outside the plain set: serialized
    "<script>var a = '<p>';</script>text",
    "<noscript><p>x</p></noscript>y",
    "<o:p>office</o:p> <p-x>custom</p-x>",
    "<img src='x'>caption<br/>",
    "line one\nline two\r\n\tindented",
    "",
]


@pytest.mark.parametrize("inner", _POST_TEXTS)
@pytest.mark.parametrize("tail", ["", "\n   ", "tail text"])
def test_post_text_read_from_the_tree_is_html_to_text_of_its_markup(inner: str, tail: str) -> None:
    page = f'<html><body><div class="tgme_widget_message_text">{inner}</div>{tail}</body></html>'
    root = etree.fromstring(page.encode(), etree.HTMLParser(encoding="utf-8"))
    element = root.find(".//div")
    assert element is not None
    serialized = etree.tostring(element, encoding="unicode", method="html")
    assert _html_text(element) == html_to_text(serialized)
