"""Fuzzing the three parsers that read strangers' input: feeds, Telegram channel pages, queries.

Structure-aware hypothesis strategies: documents that look like RSS, Atom, JSON Feed or a
t.me/s page, with hostile text poured into every field (raw markup, entities, control
characters, surrogates, deep nesting), and queries built from the language's own tokens.
The only allowed outcomes are a result or the parser's own error (FeedError, QueryError).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import FeedError, UserInputError
from bot.matching.query import MAX_DEPTH, MAX_QUERY_CHARS, parse_query
from bot.models import Entry, Source
from bot.sources.normalize import normalize
from bot.sources.parse import parse_feed

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SOURCE = Source(name="fuzz", title="Fuzz", url="https://example.com/feed")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_HOSTILE = st.sampled_from(
    [
        "</title>", "<title>", "]]>", "<![CDATA[", "&", "&amp;", "&nbsp;", "&#0;", "&#xD800;",
        "&#99999999;", "&bogus;", "<b>", "</b><a href='javascript:x'>", "<script>x</script>",
        "\x00", "\x1b", "\ufeff", "\u202e", "🙂", "ё", "\r\n", "<", ">", '"', "'",
        "<!--", "-->", "<?pi x?>", "<!DOCTYPE x>", "&lt;b&gt;", "<br/>", "<p>", "</div>",
    ]
)  # fmt: skip
_FIELD = st.lists(st.one_of(_HOSTILE, st.text(max_size=12)), max_size=12).map("".join)
_DATE = st.one_of(
    st.sampled_from(
        ["Fri, 10 May 2024 12:00:00 +0300", "2024-05-10T12:00:00Z", "9999-99-99", "", "0",
         "Mon, 31 Feb 2024 25:61:61 GMT", "2100-01-01T00:00:00+14:00", "-1"]
    ),
    st.text(max_size=30),
)  # fmt: skip


def _xml_item(title: str, text: str, link: str, date: str) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{text}</description><pubDate>{date}</pubDate></item>"
    )


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(st.tuples(_FIELD, _FIELD, _FIELD, _DATE), max_size=5))
    declaration = draw(
        st.sampled_from(
            ["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="windows-1251"?>',
             '<?xml version="1.0" encoding="utf-16"?>', '<?xml version="1.0" encoding="nope"?>']
        )
    )  # fmt: skip
    body = "".join(_xml_item(*item) for item in items)
    document = f"{declaration}<rss version='2.0'><channel><title>t</title>{body}</channel></rss>"
    cut = draw(st.integers(0, len(document)))  # truncated documents too
    text = document if draw(st.booleans()) else document[:cut]
    return text.encode(draw(st.sampled_from(["utf-8", "cp1251", "utf-16"])), "replace")


@st.composite
def atom_documents(draw: st.DrawFn) -> bytes:
    entries = []
    for title, text, link, date in draw(
        st.lists(st.tuples(_FIELD, _FIELD, _FIELD, _DATE), max_size=5)
    ):
        kind = draw(st.sampled_from(["text", "html", "xhtml", "base64", "application/x"]))
        entries.append(
            f"<entry><id>{link}</id><title type='{kind}'>{title}</title>"
            f"<link rel='alternate' href='{link}'/><updated>{date}</updated>"
            f"<content type='{kind}'>{text}</content></entry>"
        )
    base = draw(st.sampled_from(["", " xml:base='http://x/'", " xml:base='::'"]))
    return (f"<feed xmlns='http://www.w3.org/2005/Atom'{base}>{''.join(entries)}</feed>").encode(
        "utf-8", "surrogatepass"
    )


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _FIELD),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_FIELD, children, max_size=4)
    ),
    max_leaves=20,
)
_JSON_ITEM = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(_FIELD, _JSON)
        for key in ("id", "url", "external_url", "title", "content_html", "content_text",
                    "summary", "date_published", "date_modified")
    },
)  # fmt: skip


@st.composite
def json_documents(draw: st.DrawFn) -> bytes:
    document = draw(
        st.fixed_dictionaries(
            {"items": st.one_of(st.lists(st.one_of(_JSON_ITEM, _JSON), max_size=5), _JSON)},
            optional={"home_page_url": st.one_of(_FIELD, _JSON), "feed_url": _FIELD},
        )
    )
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


@st.composite
def channel_pages(draw: st.DrawFn) -> bytes:
    posts = []
    for number, (text, date, forwarded) in enumerate(
        draw(st.lists(st.tuples(_FIELD, _DATE, st.one_of(st.none(), _FIELD)), max_size=5))
    ):
        post = draw(st.sampled_from([f"chan/{number}", "", "/", "x/y/z", "chan/-1"]))
        forward = (
            f"<a class='tgme_widget_message_forwarded_from_name'>{forwarded}</a>"
            if forwarded is not None
            else ""
        )
        quote = draw(
            st.sampled_from(
                ["", "<a class='tgme_widget_message_reply'>"
                     "<div class='tgme_widget_message_text'>quoted</div></a>"]
            )
        )  # fmt: skip
        posts.append(
            f"<div class='tgme_widget_message' data-post='{post}'>{forward}{quote}"
            f"<div class='tgme_widget_message_text js-message_text'>{text}</div>"
            f"<a class='tgme_widget_message_date'><time datetime='{date}'>x</time></a></div>"
        )
    page = f"<html><body><div class='tgme_channel_info'></div>{''.join(posts)}</body></html>"
    return page.encode("utf-8", "surrogatepass")


def _entries_or_feed_error(body: bytes, kind: str = "feed") -> list[Entry] | None:
    try:
        entries = parse_feed(body, url="https://example.com/feed", kind=kind, now=NOW)  # type: ignore[arg-type]
    except FeedError as exc:
        assert str(exc)
        return None
    for entry in entries:
        assert isinstance(entry, Entry)
        assert isinstance(entry.title, str) and "\n" not in entry.title
        assert isinstance(entry.text, str)
        assert entry.published is None or entry.published <= NOW
        item = normalize(entry, SOURCE, NOW)  # the pipeline's next step takes whatever parsed
        assert item.key and item.published <= NOW
    return entries


@FUZZ
@given(st.one_of(rss_documents(), atom_documents(), json_documents()))
def test_fuzzed_feeds_give_entries_or_feed_error(body: bytes) -> None:
    _entries_or_feed_error(body)


@FUZZ
@given(channel_pages())
def test_fuzzed_channel_pages_give_entries_or_feed_error(body: bytes) -> None:
    _entries_or_feed_error(body, kind="telegram")


@FUZZ
@given(st.one_of(rss_documents(), atom_documents(), json_documents()))
def test_feeds_read_as_channel_pages_give_entries_or_feed_error(body: bytes) -> None:
    _entries_or_feed_error(body, kind="telegram")


_QUERY_TOKENS = st.sampled_from(
    ["дрон", "дрон*", "*", "**", "a", "Б", "OR", "AND", "NOT", "ИЛИ", "И", "І", "АБО", "НЕ",
     "(", ")", "((", "))", '"', "«", "»", "“", "”", "„", "-", "--", "title:", "заголовок:",
     "title:(", "title:\"", "x:", ":", "-(", "NOT(", "ё", "🙂", "\u0301", "'", "’", "_", ",", "."]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_QUERY_TOKENS, st.text(max_size=4)), max_size=30), st.booleans())
def test_token_soup_queries_parse_or_get_a_user_error(tokens: list[str], spaced: bool) -> None:
    raw = (" " if spaced else "").join(tokens)
    try:
        query = parse_query(raw)
    except UserInputError as exc:
        assert str(exc) or exc.args is not None
        return
    assert parse_query(str(query)) == query
    assert query.positive_atoms


def test_deep_parentheses_are_refused_not_recursed() -> None:
    for depth in (MAX_DEPTH + 1, 99, 5000):
        try:
            parse_query("(" * depth + "дрон" + ")" * depth)
        except UserInputError:
            continue
        raise AssertionError(f"{depth} levels of parentheses were accepted")


@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#0;", "&#x110000;", "&#99999999999;"])
def test_references_to_impossible_characters_become_replacement_marks(ref: str) -> None:
    # Found by the fuzzer: libxml2 let "&#xD800;" through and lxml raised UnicodeDecodeError.
    body = f"<rss><channel><item><title>a{ref}b</title></item></channel></rss>".encode()
    assert [entry.title for entry in parse_feed(body, now=NOW)] == ["a\ufffdb"]


@pytest.mark.parametrize("home", ["https://json.example.co[m/", "http://[::1", "http://[x]/"])
def test_a_json_feed_with_a_broken_home_page_url_still_parses(home: str) -> None:
    # Found by atheris: urljoin raised ValueError("Invalid IPv6 URL").
    body = json.dumps({"home_page_url": home, "items": [{"id": "1", "url": "/a"}]}).encode()
    (entry,) = parse_feed(body, url="https://example.com/feed.json", now=NOW)
    assert entry.link == "https://example.com/a"


@pytest.mark.parametrize("raw", ["\x01o:A*", "¿o:A* дрон", "o:\u0301a*", "o \x10o:A*"])
def test_a_prefix_that_would_read_as_a_field_is_refused(raw: str) -> None:
    # Found by atheris: "o:a*" was accepted, and its canonical text did not parse back.
    with pytest.raises(UserInputError):
        parse_query(raw)


TITLE_WORDS = "дрон бпла взрыв обстрел ракета тревога сирена пожар атака беспилотник эвакуация"


@pytest.mark.parametrize(
    "raw",
    [
        "title:(" + " OR ".join(TITLE_WORDS.split() + "прилет ПВО удар снаряд мина".split()) + ")",
        " ".join(f"o:{n}" for n in range(40)),  # each word quoted in the canonical text
    ],
)
def test_a_query_whose_canonical_text_is_too_long_is_refused(raw: str) -> None:
    # Found by atheris: the stored canonical text was over 200 characters and did not parse
    # again at start-up, so the watch was silently lost.
    assert len(" ".join(raw.split())) <= MAX_QUERY_CHARS
    with pytest.raises(UserInputError):
        parse_query(raw)


@pytest.mark.parametrize("raw", ["Rİ", '"x Rİ"', "İstanbul", "title:Rİ"])
def test_a_query_ending_in_a_dotted_capital_i_reads_back_the_same(raw: str) -> None:
    # Found by atheris: "İ".lower() ends in a combining dot, stripped on the next parse.
    query = parse_query(raw)
    assert parse_query(str(query)) == query
