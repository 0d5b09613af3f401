"""The cycle collector's pacing (bot.collector): young objects collected less often, the
ratios between the older generations left as CPython has them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.collector import YOUNG_OBJECTS, collect_rarely

CPYTHON = (700, 10, 10)  # CPython's thresholds


@pytest.fixture
def cpython_threshold() -> Iterator[None]:
    """CPython's thresholds during the test (an earlier test may have started the bot, which
    sets them for the process), and the process's own again after it."""
    before = gc.get_threshold()
    gc.set_threshold(*CPYTHON)
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("cpython_threshold")
def test_collect_rarely_raises_only_the_young_generations_threshold() -> None:
    collect_rarely()
    assert gc.get_threshold() == (YOUNG_OBJECTS, CPYTHON[1], CPYTHON[2])
    assert CPYTHON[0] < YOUNG_OBJECTS
    assert gc.isenabled()
