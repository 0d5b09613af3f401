"""Pure parts of the chat commands: the /import document, mute button data, region search
and paging, names for run-time sources."""

from __future__ import annotations

import json

import pytest

from bot.matching.gazetteer import Gazetteer
from bot.models import Source
from bot.store.sources import SourceState
from bot.telegram.mute_buttons import mute_data, parse_mute_data, term_hash
from bot.telegram.onboarding import PAGE_SIZE, country_regions, page_view, search
from bot.telegram.operator_commands import source_from, source_name_for
from bot.telegram.opml import opml_to_sources, sources_to_opml
from bot.telegram.transfer import DocumentError, parse_document

GAZETTEER = Gazetteer.load()
FULL = {
    "lookout": 1,
    "language": "uk",
    "timezone": "Kyiv",
    "quiet": ["23:00", "7:00"],
    "alerts_enabled": False,
    "regions": ["ru-bel", "UA-63", "UA-63"],
    "watch_terms": ["Дрон", "ПВО"],
    "urgent_terms": ["дрон"],
}


def test_a_full_document() -> None:
    document = parse_document(json.dumps(FULL, ensure_ascii=False), GAZETTEER)
    assert document.language == "uk"
    assert document.timezone == "Europe/Kyiv"
    assert document.quiet == ("23:00", "07:00")
    assert document.alerts_enabled is False
    assert document.regions == ("RU-BEL", "UA-63")
    assert document.watch_terms == ("дрон", "ПВО")
    assert document.urgent_terms == ("дрон",)


def test_a_pasted_code_block_and_a_minimal_document() -> None:
    document = parse_document('```json\n{"lookout": 1}\n```', GAZETTEER)
    assert document.regions == () and document.language is None and not document.quiet_given


@pytest.mark.parametrize(
    ("changes", "key", "field"),
    [
        ({"lookout": 2}, "import_bad_field", "lookout"),
        ({"language": "de"}, "import_bad_field", "language"),
        ({"timezone": "Mars/Olympus"}, "import_bad_field", "timezone"),
        ({"quiet": ["23:00"]}, "import_bad_field", "quiet"),
        ({"quiet": ["25:00", "07:00"]}, "import_bad_field", "quiet"),
        ({"alerts_enabled": "yes"}, "import_bad_field", "alerts_enabled"),
        ({"regions": "RU-BEL"}, "import_bad_field", "regions"),
        ({"regions": ["RU-XXX"]}, "import_bad_field", "regions"),
        ({"watch_terms": ["!!!"]}, "import_bad_field", "watch_terms"),
        ({"watch_terms": ["x"] * 501}, "import_bad_field", "watch_terms"),
    ],
)
def test_what_is_wrong_is_named(changes: dict[str, object], key: str, field: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(json.dumps({**FULL, **changes}), GAZETTEER)
    assert caught.value.key == key and caught.value.values["field"] == field


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", "x" * 70_000])
def test_not_a_document(text: str) -> None:
    with pytest.raises(DocumentError):
        parse_document(text, GAZETTEER)


def test_mute_button_data_round_trips_within_telegrams_64_bytes() -> None:
    long_term = "отключение электроэнергии в белгородской области " * 3
    data = mute_data("t", long_term, 24)
    assert len(data.encode()) <= 64
    assert parse_mute_data(data) == ("t", term_hash(long_term), 24)
    assert parse_mute_data(mute_data("s", "meduza:en", 4)) == ("s", "meduza:en", 4)


@pytest.mark.parametrize(
    "data", ["mute:x:a:1", "mute:s::1", "mute:s:a:0", "mute:s:a:9999", "mute:s:a:h", "sub:RU-BEL"]
)
def test_bad_mute_button_data(data: str) -> None:
    assert parse_mute_data(data) is None


@pytest.mark.parametrize(
    ("query", "code"),
    [("харк", "UA-63"), ("Belgorod", "RU-BEL"), ("бєлгород", "RU-BEL"), ("RU-KRS", "RU-KRS")],
)
def test_region_search(query: str, code: str) -> None:
    assert code in [r.code for r in search(GAZETTEER, query)]


def test_pages_cover_every_region_of_a_country_once() -> None:
    seen: list[str] = []
    regions = country_regions(GAZETTEER, "RU", "ru")
    pages = -(-len(regions) // PAGE_SIZE)
    for page in range(pages):
        _, markup = page_view(GAZETTEER, "RU", page, "ru")
        seen += [
            b.callback_data.removeprefix("sub:")
            for row in markup.inline_keyboard
            for b in row
            if isinstance(b.callback_data, str) and b.callback_data.startswith("sub:")
        ]
    assert sorted(seen) == sorted(r.code for r in regions)
    assert all(code.startswith("RU-") for code in seen)


def test_run_time_sources() -> None:
    assert source_name_for("https://t.me/s/bbcrussian") == "t-me-s-bbcrussian"
    assert source_name_for("https://example.org/feed.xml") == "example-org-feed"
    telegram = source_from("https://t.me/s/bbcrussian", None)
    assert telegram is not None and telegram.kind == "telegram" and not telegram.trusted
    assert source_from("file:///etc/passwd", None) is None
    assert source_from("http://", None) is None


def test_opml_round_trip_keeps_names_titles_and_kinds() -> None:
    originals = [
        Source("a&b", 'Quote " & <tag>', "https://example.org/feed?x=1&y=2", language="en"),
        Source("chan", "Канал", "https://t.me/s/chan", kind="telegram", language="uk"),
    ]
    states = [SourceState(s, None, None, False, 0, None, None, 0, 0, 0, 0) for s in originals]
    back = opml_to_sources(sources_to_opml(states).encode())
    assert [(s.name, s.title, s.url, s.kind, s.language) for s in back] == [
        (s.name, s.title, s.url, s.kind, s.language) for s in originals
    ]
    assert not any(s.trusted for s in back)
