"""bot.postings: positions under terms, and counting which positions a probe meets often
enough, as sets or as bitmaps, equals counting them one by one."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import postings
from bot.postings import Postings, Read, bitmap, met, positions

POSITIONS = st.frozensets(st.integers(0, 700), max_size=60)


@given(POSITIONS)
def test_a_bitmap_holds_its_positions(filed: frozenset[int]) -> None:
    assert positions(bitmap(filed)) == sorted(filed)
    assert bitmap(sorted(filed)) == sum(1 << position for position in filed)


@given(
    st.lists(st.tuples(POSITIONS, st.booleans()), max_size=8),
    st.integers(1, 4),
    st.one_of(st.none(), POSITIONS),
    st.sampled_from([0, 80, 1 << 30]),
    st.sampled_from([150, 1 << 30]),
)
@settings(max_examples=400)
def test_met_finds_the_positions_met_often_enough(
    probed: list[tuple[frozenset[int], bool]],
    need: int,
    within: frozenset[int] | None,
    set_ns: int,
    build_ns: int,
) -> None:
    """Whichever way met counts (lists as sets, bitmaps, the meetings of the two built or
    read out), it returns every position met `need` times that `within` holds, and only
    positions met `need` times."""
    read = Read()
    for filed, dense in probed:
        if dense:
            read.dense.append(sorted(filed))
            read.bitmaps.append(bitmap(filed))
        else:
            read.lists.append(sorted(filed))
    counts = Counter(position for filed, _ in probed for position in filed)
    often = {position for position, count in counts.items() if count >= need}
    before = postings.SET_NS, postings.BUILD_NS
    postings.SET_NS, postings.BUILD_NS = set_ns, build_ns
    try:
        found = met(read, need, None if within is None else bitmap(within))
    finally:
        postings.SET_NS, postings.BUILD_NS = before
    assert found <= often
    assert often & (within if within is not None else often) <= found


def test_a_long_list_is_read_as_its_bitmap_brought_up_to_date() -> None:
    filed = Postings()
    for position in range(200):
        filed.file(["common", "even" if position % 2 == 0 else "odd"], position)
    read = filed.read(["common", "even", "rare"], filed=200)
    assert read.lists == [] and read.bitmaps == [bitmap(range(200)), bitmap(range(0, 200, 2))]
    filed.file(["common", "rare"], 200)
    read = filed.read(["common", "rare"], filed=201)
    assert read.lists == [[200]]
    assert read.dense == [list(range(201))] and read.bitmaps == [bitmap(range(201))]


def test_short_lists_are_read_as_lists() -> None:
    filed = Postings()
    for position in range(1000):
        filed.file(["common"] if position % 40 else ["common", "rare"], position)
    read = filed.read(["common", "rare"], filed=1000)
    assert read.lists == [list(range(0, 1000, 40))]
    assert len(read.bitmaps) == 1
