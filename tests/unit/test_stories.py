"""Story clustering on the sample sources: the same event from two sources is one story,
different events (even similar ones) are not. Pairs come from seeds/README.md."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import postings
from bot.sources.parse import parse_feed
from bot.stories import (
    NO_REGIONS,
    REISSUE_THRESHOLD,
    STORY_THRESHOLD,
    Candidate,
    StoryIndex,
    find_story,
    is_reissue,
    is_reissue_in,
    kept,
    reissue_index,
    reissue_only_if_equal,
    rotating_feed,
    same_story,
    similarity,
    story_terms,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FEEDS = {
    "belgorod-today": ("belgorod-today.ru.rss.xml", "feed"),
    "belgorod_gov": ("telegram/belgorod_gov.ru.html", "telegram"),
    "kursk-channel": ("kursk-channel.ru.rss.xml", "feed"),
    "moscow-city": ("moscow-city.ru.atom.xml", "feed"),
}


def _load() -> dict[str, tuple[str, frozenset[str]]]:
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for name, (path, kind) in FEEDS.items():
        body = (SEEDS / path).read_bytes()
        now = datetime(2024, 6, 6, tzinfo=UTC)
        for entry in parse_feed(body, url="https://seeds.example/", kind=kind, now=now):
            assert entry.guid is not None
            found[entry.guid] = (name, story_terms(entry.title, entry.text))
    return found


ITEMS = _load()


def key(suffix: str) -> str:
    return next(guid for guid in ITEMS if guid.endswith(suffix))


SAME_STORY = [  # story letters of seeds/README.md: Russian reports of one event
    ("A drones hit houses", "belgorod-today:1007", "belgorod_gov/1237"),
    ("B raid near Graivoron", "belgorod-today:1004", "belgorod_gov/1235"),
    ("G Shebekino shelled", "belgorod-today:1003", "belgorod_gov/1234"),
    ("H Shebekino outage", "belgorod-today:1005", "belgorod_gov/1236"),
    ("I children evacuated", "belgorod-today:1009", "belgorod_gov/1238"),
    ("J drone over Belgorod", "belgorod-today:1010", "belgorod_gov/1239"),
]
DIFFERENT = [  # similar words, different events
    ("drone over Belgorod vs over Kursk", "belgorod-today:1010", "post/820"),
    ("drone over Kursk vs near Moscow", "post/820", "2024:707"),
    ("Shebekino outage vs Shebekino shelling", "belgorod-today:1005", "belgorod_gov/1234"),
    ("drones on houses vs drone downed", "belgorod-today:1007", "belgorod_gov/1239"),
    ("quiet night vs four drones downed", "belgorod_gov/1241", "post/815"),
]


@pytest.mark.parametrize(("story", "a", "b"), SAME_STORY)
def test_two_reports_of_one_event_are_one_story(story: str, a: str, b: str) -> None:
    assert similarity(ITEMS[key(a)][1], ITEMS[key(b)][1]) >= STORY_THRESHOLD, story


@pytest.mark.parametrize(("what", "a", "b"), DIFFERENT)
def test_different_events_stay_apart(what: str, a: str, b: str) -> None:
    assert similarity(ITEMS[key(a)][1], ITEMS[key(b)][1]) < STORY_THRESHOLD, what


def test_no_other_pair_of_sources_clusters() -> None:
    """Across every same-language pair from different sources, only the listed ones meet."""
    expected = {frozenset((key(a), key(b))) for _, a, b in SAME_STORY}
    clustered = {
        frozenset((ga, gb))
        for (ga, (sa, ta)), (gb, (sb, tb)) in itertools.combinations(ITEMS.items(), 2)
        if sa != sb and similarity(ta, tb) >= STORY_THRESHOLD
    }
    assert clustered == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Белгородскую область обстреляли", "Белгородской областью обстрелял"),
        ("Ёлка на площади", "елка на площади!"),
        ("Куп’янськ під обстрілом", "Куп'янськ під обстрілом"),
    ],
)
def test_normalization_lets_inflections_and_spelling_meet(a: str, b: str) -> None:
    assert story_terms(a, "") == story_terms(b, "")


def test_items_naming_different_regions_are_never_one_story() -> None:
    terms = story_terms("Сбит беспилотник", "Обломки упали на парковку, пострадавших нет")
    other = Candidate(1, 7, "kursk-channel", kept(terms), frozenset({"RU-KRS"}))
    assert same_story(terms, frozenset({"RU-BEL"}), other) == 0
    assert find_story(terms, frozenset({"RU-BEL"}), "belgorod-today", [other]) is None
    assert find_story(terms, frozenset({"RU-KRS"}), "belgorod-today", [other]) == other


def test_a_source_does_not_cluster_with_itself_but_its_reissues_are_seen() -> None:
    name, terms = ITEMS[key("belgorod-today:1007")]
    own = Candidate(1, 3, name, kept(terms))
    assert find_story(terms, frozenset(), name, [own]) is None
    assert is_reissue(terms, [terms])
    _, other = ITEMS[key("belgorod_gov/1237")]
    assert not is_reissue(other, [terms])  # same story, other wording: not a reissue


@pytest.mark.parametrize(
    ("new", "reissued", "rotating"),
    [(10, 10, True), (4, 3, True), (10, 2, False), (10, 4, False), (2, 2, False)],
)
def test_a_poll_of_mostly_reissues_marks_a_rotating_feed(
    new: int, reissued: int, rotating: bool
) -> None:
    assert rotating_feed(new, reissued) is rotating


WORDS = [f"w{n}" for n in range(40)]

# How bot.postings.met counts a probe's postings, forced: sets only; bitmaps for every list
# (more terms probed, more meetings needed: SimilarSets._rarest); bitmaps for lists of 3 or
# more positions and sets for the others, their meetings found by building a bitmap of the
# sets' positions, or by reading the bitmaps' positions out, or (the cheaper way, as met
# judges) by counting the bitmaps' lists with set operations after all.
NEVER = 1 << 30
COUNTING = {
    "sets": {"DENSE_FLOOR": NEVER},
    "bitmaps": {"DENSE_FLOOR": 0, "SET_NS": NEVER},
    "both, built": {"DENSE_FLOOR": 3, "DENSE": NEVER, "SET_NS": NEVER, "READ_NS": NEVER},
    "both, read out": {"DENSE_FLOOR": 3, "DENSE": NEVER, "SET_NS": NEVER, "BUILD_NS": NEVER},
    "both, the bitmaps' lists as sets": {"DENSE_FLOOR": 3, "DENSE": NEVER, "SET_NS": 0},
}


@contextmanager
def counted_as(counting: str) -> Iterator[None]:
    settings = COUNTING[counting]
    before = {name: getattr(postings, name) for name in settings}
    for name, value in settings.items():
        setattr(postings, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(postings, name, value)


@given(
    st.lists(
        st.tuples(
            st.frozensets(st.sampled_from(WORDS), max_size=14),
            st.sampled_from(["a", "b", "c"]),
            st.frozensets(st.sampled_from(["RU-BEL", "RU-KRS"]), max_size=1),
        ),
        max_size=40,
    )
)
@settings(max_examples=300, deadline=None)
@pytest.mark.parametrize("counting", COUNTING)
def test_the_indexed_pool_finds_what_a_full_scan_finds(
    counting: str, items: list[tuple[frozenset[str], str, frozenset[str]]]
) -> None:
    with counted_as(counting):
        index = StoryIndex()
        earlier = reissue_index([])
        pool: list[Candidate] = []
        for n, (terms, source, regions) in enumerate(items):
            found, _ = index.find(terms, regions, source)
            assert found == find_story(terms, regions, source, pool)
            assert is_reissue_in(terms, earlier) == is_reissue(terms, earlier.sets)
            candidate = Candidate(n, n, source, kept(terms), regions)
            index.add(candidate)
            earlier.add(kept(terms))
            pool.append(candidate)


Edit = tuple[int, frozenset[str], frozenset[str], frozenset[str]]


def edits(words: list[str], back: int, most: int, change: int) -> st.SearchStrategy[Edit]:
    """Which earlier set (or, past them, a fresh one) the next set is made from, the fresh
    one, the terms dropped and the terms added: near copies, which the filters must not lose."""
    return st.tuples(
        st.integers(0, back),
        st.frozensets(st.sampled_from(words), max_size=most),
        st.frozensets(st.sampled_from(words), max_size=change),
        st.frozensets(st.sampled_from(words), max_size=change),
    )


@given(
    st.lists(
        st.one_of(
            st.tuples(edits(WORDS, 6, 12, 2), st.sampled_from(["a", "b", "c"])),
            st.integers(0, 8),  # forget this many of the oldest
        ),
        max_size=60,
    )
)
@settings(max_examples=200, deadline=None)
@pytest.mark.parametrize("counting", COUNTING)
def test_a_pool_that_forgets_its_oldest_finds_what_a_scan_of_the_rest_finds(
    counting: str, steps: list[tuple[Edit, str] | int]
) -> None:
    """StoryIndex.drop_first cuts and shifts the postings, bitmaps and counts instead of
    filing the rest again: the pool must still answer as a full scan of what it kept."""
    with counted_as(counting):
        index = StoryIndex()
        pool: list[Candidate] = []
        for n, step in enumerate(steps):
            if isinstance(step, int):
                index.drop_first(step)
                pool = pool[step:]
                assert index.candidates == pool
                assert index.item_ids == {c.item_id for c in pool}
                continue
            (back, fresh, dropped, added), source = step
            base = frozenset(pool[-1 - back].terms) if back < len(pool) else fresh
            terms = (base - dropped) | added
            found, _ = index.find(terms, NO_REGIONS, source)
            assert found == find_story(terms, NO_REGIONS, source, pool)
            candidate = Candidate(n, n, source, kept(terms))
            index.add(candidate)
            pool.append(candidate)


VOCABULARY = [f"t{n:03d}" for n in range(150)]


@given(st.lists(edits(VOCABULARY, 3, 120, 3), max_size=30))
@settings(max_examples=300, deadline=None)
def test_the_reissue_index_finds_the_near_copies_a_full_scan_finds(
    steps: list[Edit],
) -> None:
    """Long texts may differ by a word or two and still be reissues: the sorted-prefix
    filter must not lose them."""
    earlier = reissue_index([])
    for back, fresh, dropped, added in steps:
        base = frozenset(earlier.sets[-1 - back]) if back < len(earlier.sets) else fresh
        terms = (base - dropped) | added
        assert is_reissue_in(terms, earlier) == is_reissue(terms, earlier.sets)
        earlier.add(kept(terms))


@given(
    st.lists(
        st.one_of(
            st.frozensets(st.sampled_from(VOCABULARY[:20]), max_size=8),
            st.integers(0, 6),  # forget all but this many
        ),
        max_size=60,
    )
)
@settings(max_examples=300, deadline=None)
def test_a_reissue_index_that_forgets_answers_as_a_scan_of_what_it_kept(
    steps: list[frozenset[str] | int],
) -> None:
    earlier = reissue_index([])
    latest: list[frozenset[str]] = []
    for step in steps:
        if isinstance(step, int):
            earlier = earlier.keep_last(step)
            latest = latest[len(latest) - step :] if step < len(latest) else latest
            assert earlier.latest() == [kept(terms) for terms in latest]
            continue
        assert is_reissue_in(step, earlier) == is_reissue(step, latest)
        assert is_reissue_in(step, earlier, kept(step)) == is_reissue(step, latest)
        earlier.add(kept(step))
        latest.append(step)


def test_small_sets_are_reissues_only_of_equal_ones() -> None:
    """reissue_only_if_equal against every pair of sizes and overlaps up to 80 terms: a pair
    of different sets reaching the threshold has no small set in it."""
    for size in range(1, 81):
        for other in range(1, 81):
            for shared in range(min(size, other) + 1):
                if shared == size == other:
                    continue
                if similarity_of(shared, size, other) < REISSUE_THRESHOLD:
                    continue
                assert not reissue_only_if_equal(size), (shared, size, other)
                assert not reissue_only_if_equal(other), (shared, size, other)
    assert reissue_only_if_equal(18) and not reissue_only_if_equal(19)


def similarity_of(shared: int, size: int, other: int) -> float:
    """similarity() of two sets made to share `shared` terms."""
    a = frozenset(f"a{n}" for n in range(size))
    b = frozenset(f"a{n}" for n in range(shared)) | frozenset(
        f"b{n}" for n in range(other - shared)
    )
    return similarity(a, b)


def terms_as_first_written(title: str, text: str) -> frozenset[str]:
    """story_terms written plainly, in one slow loop: the reference the fast one must equal."""
    folded = f"{title} {text}".lower().replace("ё", "е")
    for apostrophe in ("'", "’", "ʼ", "`"):
        folded = folded.replace(apostrophe, "")
    terms: set[str] = set()
    for word in re.findall(r"\w+", folded):
        if word.isdigit():
            terms.add(word)
        elif len(word) >= 3:
            terms.add(word.replace("_", "")[:5])
    terms.discard("")
    return frozenset(terms)


TEXT = st.text(st.sampled_from("абвгдеёжзБЁЖ abcXYZ 0123²_'’ʼ`.,:-!?іїєЇ\n\xa0😀é"), max_size=80)


@given(TEXT, TEXT)
@settings(max_examples=500, deadline=None)
def test_story_terms_are_what_the_plain_loop_gives(title: str, text: str) -> None:
    assert story_terms(title, text) == terms_as_first_written(title, text)


def test_terms_read_back_from_the_database_are_the_pools_own_strings() -> None:
    """decode interns what it reads, as story_terms does: a day's pool read after a restart
    shares one string per stem instead of holding a copy per item."""
    from bot.store.stories import decode, encode

    terms = story_terms("Белгородская область", "обстрел Белгорода")
    stored = encode(kept(terms), frozenset({"RU-BEL"}))
    read, regions = decode("".join(list(stored)))  # a new string, as a row read back is
    assert read == kept(terms) and regions == {"RU-BEL"}
    assert all(a is b for a, b in zip(read, kept(terms), strict=True))
