"""The poll schedule, table by table: band, adaptive interval, hints, backoff, header parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sources.schedule import (
    Bounds,
    adapt_interval,
    backoff_delay,
    feed_ttl,
    freshness_lifetime,
    interval_band,
    retry_after_seconds,
    success_delay,
)

BOUNDS = Bounds(min_interval=30, max_interval=3600, max_retry_after=7200)
NOW = datetime(2024, 5, 10, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("configured", "band"),
    [
        (300, (75, 1200)),
        (60, (30, 240)),  # the global minimum holds
        (2000, (500, 3600)),  # the global maximum holds
        (10, (30, 40)),  # a configured interval below the minimum
        (100_000, (3600, 3600)),
    ],
)
def test_interval_band(configured: int, band: tuple[float, float]) -> None:
    assert interval_band(configured, BOUNDS) == band


@pytest.mark.parametrize(
    ("previous", "new_items", "expected"),
    [
        (None, 3, 150),  # busy: twice as often as configured
        (None, 0, 375),  # quiet: a quarter slower
        (150, 1, 75),
        (75, 5, 75),  # never below the band
        (1000, 0, 1200),  # never above it
        (1200, 0, 1200),
    ],
)
def test_adaptive_interval(previous: float | None, new_items: int, expected: float) -> None:
    assert adapt_interval(previous, 300, new_items, BOUNDS) == expected


def test_a_busy_source_is_polled_more_often_than_a_quiet_one() -> None:
    busy = quiet = None
    for _ in range(10):
        busy = adapt_interval(busy, 300, 2, BOUNDS)
        quiet = adapt_interval(quiet, 300, 0, BOUNDS)
    assert (busy, quiet) == (75, 1200)


@pytest.mark.parametrize(
    ("adaptive", "hint", "expected"),
    [
        (300, None, 300),
        (300, 600, 600),  # the server says "fresh for 10 minutes"
        (300, 60, 300),  # a short hint does not make us poll faster
        (300, 86400, 1200),  # a day-long hint is capped at the band's top
        (300, 0, 300),
    ],
)
def test_success_delay_honours_server_hints_within_the_band(
    adaptive: float, hint: float | None, expected: float
) -> None:
    assert success_delay(adaptive, 300, hint, BOUNDS) == expected


@pytest.mark.parametrize(
    ("failures", "retry_after", "expected"),
    [
        (1, None, 300),
        (2, None, 600),
        (3, None, 1200),
        (4, None, 2400),
        (5, None, 3600),  # capped at max_interval
        (40, None, 3600),
        (1, 900, 900),  # Retry-After longer than the backoff wins
        (3, 60, 1200),  # shorter: the backoff wins
        (1, 999_999, 7200),  # clamped to max_retry_after
    ],
)
def test_backoff_delay(failures: int, retry_after: float | None, expected: float) -> None:
    assert backoff_delay(300, failures, retry_after, BOUNDS) == expected


@pytest.mark.parametrize(
    ("value", "date", "expected"),
    [
        ("120", None, 120),
        (" 7 ", None, 7),
        ("Fri, 10 May 2024 12:05:00 GMT", None, 300),
        # measured against the server's Date header, not our clock
        ("Fri, 10 May 2024 12:05:00 GMT", "Fri, 10 May 2024 12:04:00 GMT", 60),
        ("Fri, 10 May 2024 11:00:00 GMT", None, 0),  # in the past
        ("soon", None, None),
        ("-5", None, None),
        (None, None, None),
    ],
)
def test_retry_after(value: str | None, date: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, date, NOW) == expected


@pytest.mark.parametrize(
    ("cache_control", "expires", "expected"),
    [
        ("max-age=600", None, 600),
        ("public, max-age=120, must-revalidate", None, 120),
        ('max-age="90"', None, 90),
        ("s-maxage=500", None, None),
        ("no-cache, max-age=600", None, None),
        ("no-store", "Fri, 10 May 2024 13:00:00 GMT", None),
        (None, "Fri, 10 May 2024 12:30:00 GMT", 1800),
        ("max-age=60", "Fri, 10 May 2024 13:00:00 GMT", 60),  # max-age wins
        (None, "0", 0),
        (None, "Fri, 10 May 2024 11:00:00 GMT", 0),
        (None, None, None),
    ],
)
def test_freshness_lifetime(
    cache_control: str | None, expires: str | None, expected: float | None
) -> None:
    assert freshness_lifetime(cache_control, expires, None, NOW) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<rss><channel><title>x</title><ttl>15</ttl><item/></channel></rss>", 900),
        (b"<rss><channel><ttl> 60 </ttl></channel></rss>", 3600),
        (b"<rss><channel><title>x</title></channel></rss>", None),
        (b"<rss><channel><ttl>soon</ttl></channel></rss>", None),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', None),
        (b"<rss><channel>" + b" " * 20_000 + b"<ttl>5</ttl></channel></rss>", None),
    ],
)
def test_feed_ttl(body: bytes, expected: float | None) -> None:
    assert feed_ttl(body) == expected
