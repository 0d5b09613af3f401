"""parse_date: the date spellings feeds and news sites use, as aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sources.dates import parse_date


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 822 / 2822
        ("Fri, 10 May 2024 12:00:00 +0300", utc(2024, 5, 10, 9, 0)),
        ("Fri, 10 May 2024 12:00:00 GMT", utc(2024, 5, 10, 12, 0)),
        ("Fri, 10 May 2024 12:00:00 UT", utc(2024, 5, 10, 12, 0)),
        ("Fri, 10 May 2024 12:00:00 Z", utc(2024, 5, 10, 12, 0)),
        ("Fri, 10 May 2024 12:00:00 EST", utc(2024, 5, 10, 17, 0)),
        ("Fri, 10 May 2024 12:00:00 EDT", utc(2024, 5, 10, 16, 0)),
        ("Fri, 10 May 2024 12:00:00 PST", utc(2024, 5, 10, 20, 0)),
        ("Fri, 10 May 2024 12:00:00 MSK", utc(2024, 5, 10, 9, 0)),
        ("Fri, 10 May 2024 12:00:00 EEST", utc(2024, 5, 10, 9, 0)),
        ("Fri, 10 May 2024 12:00:00 EET", utc(2024, 5, 10, 10, 0)),
        ("Fri, 10 May 2024 12:00:00 CET", utc(2024, 5, 10, 11, 0)),
        ("Fri, 10 May 2024 12:00:00 CEST", utc(2024, 5, 10, 10, 0)),
        ("Fri, 10 May 2024 12:00:00 -0530", utc(2024, 5, 10, 17, 30)),
        ("Fri, 10 May 2024 12:00:00 +03:00", utc(2024, 5, 10, 9, 0)),
        ("Fri, 10 May 2024 12:00:00 +0300 (MSK)", utc(2024, 5, 10, 9, 0)),
        ("Fri, 10 May 2024 12:00:00 XYZ", utc(2024, 5, 10, 12, 0)),
        ("10 May 2024 12:00 +0000", utc(2024, 5, 10, 12, 0)),
        ("Fri, 10 May 24 12:00:00 GMT", utc(2024, 5, 10, 12, 0)),
        ("Sun, 10 May 98 12:00:00 GMT", utc(1998, 5, 10, 12, 0)),
        ("Fri,10 May 2024 12:00:00 GMT", utc(2024, 5, 10, 12, 0)),
        ("Friday, 10 May 2024 12:00:00 GMT", utc(2024, 5, 10, 12, 0)),
        ("  Fri, 1 Mar 2024 02:03:04 GMT  ", utc(2024, 3, 1, 2, 3, 4)),
        ("10 September 2024", utc(2024, 9, 10)),
        # ISO 8601 / RFC 3339
        ("2024-05-10T09:00:00Z", utc(2024, 5, 10, 9, 0)),
        ("2024-05-10T09:00:00z", utc(2024, 5, 10, 9, 0)),
        ("2024-05-10T09:00:00+03:00", utc(2024, 5, 10, 6, 0)),
        ("2024-05-10T09:00:00+0300", utc(2024, 5, 10, 6, 0)),
        ("2024-05-10T09:00:00+03", utc(2024, 5, 10, 6, 0)),
        ("2024-05-10T09:00:00-04:00", utc(2024, 5, 10, 13, 0)),
        ("2024-05-10T09:00:00.5Z", datetime(2024, 5, 10, 9, 0, 0, 500000, tzinfo=UTC)),
        ("2024-05-10T09:00:00.123456789Z", datetime(2024, 5, 10, 9, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-10T09:00Z", utc(2024, 5, 10, 9, 0)),
        ("2024-05-10 09:00:00", utc(2024, 5, 10, 9, 0)),
        ("2024-05-10 09:00:00 +0300", utc(2024, 5, 10, 6, 0)),
        ("20240510T090000Z", utc(2024, 5, 10, 9, 0)),
        ("2024-05-10", utc(2024, 5, 10)),
        # Russian / Ukrainian day-first (no zone: UTC)
        ("10.05.2024 12:00", utc(2024, 5, 10, 12, 0)),
        ("10.05.2024, 12:00:30", utc(2024, 5, 10, 12, 0, 30)),
        ("10.05.2024", utc(2024, 5, 10)),
        ("1.5.2024", utc(2024, 5, 1)),
        ("10 мая 2024", utc(2024, 5, 10)),
        ("10 мая 2024, 12:00", utc(2024, 5, 10, 12, 0)),
        ("10 мая 2024 г., 12:00", utc(2024, 5, 10, 12, 0)),
        ("10 мая 2024 года в 12:00", utc(2024, 5, 10, 12, 0)),
        ("1 января 2024", utc(2024, 1, 1)),
        ("31 декабря 2023 23:59", utc(2023, 12, 31, 23, 59)),
        ("3 марта 2024", utc(2024, 3, 3)),
        ("Пт, 10 мая 2024 12:00", utc(2024, 5, 10, 12, 0)),
        ("10 травня 2024 р.", utc(2024, 5, 10)),
        ("10 травня 2024 р., 12:00", utc(2024, 5, 10, 12, 0)),
        ("10 травня 2024 року о 12:00", utc(2024, 5, 10, 12, 0)),
        ("5 листопада 2024", utc(2024, 11, 5)),
        ("20 серпня 2024", utc(2024, 8, 20)),
        ("1 вересня 2024", utc(2024, 9, 1)),
        ("1 січня 2024", utc(2024, 1, 1)),
    ],
)
def test_readable_dates(value: str, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "soon",
        "yesterday at noon",
        "31.02.2024",
        "2024-13-01",
        "2024-05-10T25:00:00Z",
        "10 Foo 2024",
        "10 ыыыы 2024",
        "Fri, 32 May 2024 12:00:00 GMT",
        "12345",
    ],
)
def test_unreadable_dates_give_none(value: str) -> None:
    assert parse_date(value) is None
