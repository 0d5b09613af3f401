"""What chats change while the watch queries load is kept (bot.watch_loading)."""

from __future__ import annotations

import gc

import pytest

from bot.matching.keywords import KeywordIndex
from bot.matching.query import QueryError
from bot.watch_loading import InterimWatchTerms, build_index, replay


@pytest.mark.parametrize(
    ("loaded", "changes", "watched", "not_watched"),
    [
        ([], [("дрон", True)], ["дрон"], []),
        (["дрон"], [("дрон", False)], [], ["дрон"]),
        (["дрон"], [("дрон", False), ("дрон", True)], ["дрон"], []),
        ([], [("взрыв", True), ("взрыв", False)], [], ["взрыв"]),
        (["дрон", "взрыв"], [("взрыв", False), ("ракета", True)], ["дрон", "ракета"], ["взрыв"]),
        (["дрон"], [("дрон", True)], ["дрон"], []),  # read by the load and journalled: once
    ],
)
def test_replay_applies_the_changes_in_order(
    loaded: list[str],
    changes: list[tuple[str, bool]],
    watched: list[str],
    not_watched: list[str],
) -> None:
    index = KeywordIndex()
    index.load(loaded)
    replay(changes, index)
    assert all(term in index for term in watched)
    assert not any(term in index for term in not_watched)
    assert len(index) == len(watched)


def test_the_interim_index_matches_and_journals_what_chats_change() -> None:
    interim = InterimWatchTerms()
    interim.add("дрон")
    interim.add("title:взрыв")
    interim.remove("title:взрыв")
    interim.remove("никто")  # unknown: still journalled, replaying it changes nothing
    assert interim.journal == [
        ("дрон", True),
        ("title:взрыв", True),
        ("title:взрыв", False),
        ("никто", False),
    ]
    assert [m.value for m in interim.find("Дрон над городом", "")] == ["дрон"]


def test_a_malformed_query_is_refused_and_not_journalled() -> None:
    interim = InterimWatchTerms()
    with pytest.raises(QueryError):
        interim.add('дрон "атака')
    assert interim.journal == []


def test_a_loaded_index_is_left_out_of_the_cycle_collectors_walks() -> None:
    gc.unfreeze()
    try:
        index = build_index(["дрон", "обстрел*"], None)
        assert gc.get_freeze_count() > 0
        assert [m.value for m in index.find("Дронов сбили", "")] == ["дрон"]
    finally:
        gc.unfreeze()
