"""`mention` makes the same `Mention` its constructor does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.matching.mentions import mention
from bot.models import Mention


@given(
    kind=st.sampled_from(["region", "term"]),
    value=st.text(),
    surface=st.text(),
    field=st.sampled_from(["title", "text"]),
    start=st.integers(),
    end=st.integers(),
    place=st.none() | st.text(),
)
def test_mention_equals_the_constructors(
    kind: str, value: str, surface: str, field: str, start: int, end: int, place: str | None
) -> None:
    made = mention(kind, value, surface, field, start, end, place)  # type: ignore[arg-type]
    expected = Mention(kind, value, surface, field, start, end, place)  # type: ignore[arg-type]
    assert type(made) is Mention
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)


def test_place_defaults_to_none() -> None:
    assert mention("term", "дрон", "дроны", "text", 0, 5) == Mention(
        "term", "дрон", "дроны", "text", 0, 5
    )
