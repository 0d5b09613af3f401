"""What a digest says: groups, counts, order, "… and K more", escaping, splitting."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.render import MAX_MESSAGE_UNITS, utf16_len
from bot.digest import DigestStory, group_stories, render_digest
from bot.sandbox.telegram_html import parse_html

SINCE = datetime(2026, 11, 24, 6, 0, tzinfo=UTC).timestamp()
NAMES = {"RU-BEL": "Belgorod Oblast", "UA-63": "Kharkiv Oblast", "RU-BEL/graivoron": "Graivoron"}


def name(code: str) -> str:
    return NAMES.get(code, code)


def story(
    story_id: int,
    title: str,
    *,
    sources: int = 1,
    hours: float = 1.0,
    regions: tuple[str, ...] = (),
    terms: tuple[str, ...] = (),
    link: str | None = "https://news.example/a",
) -> DigestStory:
    return DigestStory(story_id, title, link, SINCE + hours * 3600, sources, regions, terms)


def render(stories: list[DigestStory], **extra: object) -> list[str]:
    options: dict[str, object] = {
        "regions": ["RU-BEL", "UA-63"],
        "terms": ["дрон"],
        "lang": "en",
        "zone_name": "Europe/Kyiv",
        "since": SINCE,
        "region_name": name,
    }
    options.update(extra)
    return render_digest(stories, **options)  # type: ignore[arg-type]


def test_grouped_by_region_then_term_most_reported_then_newest_first() -> None:
    stories = [
        story(1, "Old single", hours=1, regions=("RU-BEL",)),
        story(2, "Three sources", sources=3, hours=2, regions=("RU-BEL",), terms=("дрон",)),
        story(3, "New single", hours=5, regions=("RU-BEL",)),
        story(4, "Drone only", sources=2, terms=("дрон",)),
        story(5, "Kharkiv", regions=("UA-63",)),
    ]
    (text,) = render(stories)
    assert text.splitlines()[:2] == ["📰 <b>Daily digest</b> · since 24 Nov 08:00", "Stories: 5"]
    bel = text.index("📍 <b>Belgorod Oblast</b> — 3 stories")
    kharkiv = text.index("📍 <b>Kharkiv Oblast</b> — 1 stories")
    drone = text.index("🔎 <b>дрон</b> — 1 stories")
    assert bel < kharkiv < drone
    order = [text.index(title) for title in ("Three sources", "New single", "Old single")]
    assert order == sorted(order) and order[-1] < kharkiv
    assert "Three sources</a> · 3 sources" in text
    assert text.count("Three sources") == 1  # each story once, in its first group
    assert "Drone only</a> · 2 sources" in text[drone:]


def test_only_the_top_stories_of_a_group_with_a_command_for_the_rest() -> None:
    stories = [story(i, f"Story {i}", hours=i, regions=("RU-BEL",)) for i in range(1, 9)]
    stories.append(story(20, "Graivoron news", regions=("RU-BEL/graivoron",)))
    stories.append(story(21, "More drones", terms=("дрон",)))
    (text,) = render(stories, per_group=5, regions=["RU-BEL", "RU-BEL/graivoron"])
    assert "📍 <b>Belgorod Oblast</b> — 8 stories" in text
    assert [n for n in range(1, 9) if f"Story {n}<" in text] == [4, 5, 6, 7, 8]
    assert "… and 3 more: /recent RU-BEL" in text
    assert "📍 <b>Graivoron</b> — 1 stories" in text
    assert "/recent Graivoron" not in text  # nothing more to list


def test_in_the_chats_language() -> None:
    stories = [story(1, "Взрыв", sources=2, regions=("RU-BEL",))]
    (text,) = render(stories, lang="ru", region_name=lambda code: "Белгородская область")
    assert text.startswith("📰 <b>Сводка за день</b> · с 24 ноя 08:00\nСюжетов: 1")
    assert "📍 <b>Белгородская область</b> — сюжетов: 1" in text
    assert "источников: 2" in text
    (weekly,) = render(stories, lang="uk", weekly=True)
    assert weekly.startswith("📰 <b>Зведення за тиждень</b> · з 24 лис 08:00")


def test_an_empty_digest_says_so() -> None:
    (text,) = render([])
    assert "Nothing matched your regions and watch terms." in text


def test_everything_from_sources_is_escaped() -> None:
    evil = story(
        1,
        '<b>Boom</b> & "quotes" </a>',
        regions=("RU-BEL",),
        terms=("<i>x</i>",),
        link='https://e.example/?a=1&b="><script>',
    )
    (text,) = render([evil], terms=["<i>x</i>"])
    assert "&lt;b&gt;Boom&lt;/b&gt; &amp;" in text
    assert 'href="https://e.example/?a=1&amp;b=&quot;&gt;&lt;script&gt;"' in text
    parse_html(text)  # Telegram would accept it


def test_500_matched_stories_fold_into_groups_and_split_at_story_boundaries() -> None:
    terms = [f"term{n:02d}" for n in range(50)]
    stories = [
        story(
            n,
            f"Story {n} " + "ы" * 150,
            sources=1 + n % 4,
            hours=n / 10,
            terms=(terms[n % 50],),
            link=f"https://news.example/{n}",
        )
        for n in range(500)
    ]
    messages = render(stories, regions=[], terms=terms)
    assert len(messages) > 1
    for text in messages:
        assert utf16_len(text) <= MAX_MESSAGE_UNITS - 64
        parse_html(text)
    joined = "\n".join(messages)
    shown = re.findall(r">Story (\d+) ", joined)
    assert len(shown) == len(set(shown)) == 50 * 5  # five per group, each once
    assert joined.count("… and 5 more: /recent term") == 50
    assert sum(f"🔎 <b>{term}</b> — 10 stories" in joined for term in terms) == 50
    # A message that starts inside a group repeats the group's heading.
    for text in messages[1:]:
        assert text.startswith("🔎 <b>term")


def test_500_stories_in_one_region_fold_to_the_top_five() -> None:
    stories = [story(n, f"Story {n}", hours=n / 100, regions=("RU-BEL",)) for n in range(500)]
    (text,) = render(stories)
    assert "— 500 stories" in text and "… and 495 more: /recent RU-BEL" in text
    assert text.count("• ") == 5


def test_grouping_keeps_a_story_the_chat_no_longer_follows() -> None:
    groups = group_stories([story(1, "a", regions=("UA-63",))], regions=["RU-BEL"], terms=[])
    assert [(g.kind, g.key) for g in groups] == [("region", "UA-63")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=0, max_size=300), st.integers(1, 6), st.integers(0, 9)),
        max_size=120,
    )
)
def test_any_titles_stay_within_the_limit_and_parse(rows: list[tuple[str, int, int]]) -> None:
    terms = [f"t{n}" for n in range(10)]
    stories = [
        story(n, title, sources=sources, terms=(terms[group],))
        for n, (title, sources, group) in enumerate(rows)
    ]
    for text in render(stories, regions=[], terms=terms, per_group=50):
        assert utf16_len(text) <= MAX_MESSAGE_UNITS - 64
        parse_html(text)
