"""due_period: the digest owed at a moment, table-tested across time zones and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.digest import Schedule, due_period, latest_period, parse_schedule


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "at", "weekday", "last", "expected"),
    [
        # Kyiv in winter is UTC+2: 08:00 local = 06:00 UTC.
        ("2026-11-25 05:59", "Europe/Kyiv", "08:00", None, "2026-11-24", None),
        ("2026-11-25 06:00", "Europe/Kyiv", "08:00", None, "2026-11-24", "2026-11-25"),
        ("2026-11-25 09:00", "Europe/Kyiv", "08:00", None, "2026-11-25", None),
        # Down for three days: only the latest missed period is owed.
        ("2026-11-25 09:00", "Europe/Kyiv", "08:00", None, "2026-11-21", "2026-11-25"),
        # Never had one: the latest period.
        ("2026-11-25 09:00", "Europe/Kyiv", "08:00", None, None, "2026-11-25"),
        # Moscow (UTC+3), New York (UTC-5 in winter), Tokyo (UTC+9), Kathmandu (UTC+5:45).
        ("2026-11-25 04:59", "Europe/Moscow", "08:00", None, "2026-11-24", None),
        ("2026-11-25 05:00", "Europe/Moscow", "08:00", None, "2026-11-24", "2026-11-25"),
        ("2026-11-25 12:59", "America/New_York", "08:00", None, "2026-11-24", None),
        ("2026-11-25 13:00", "America/New_York", "08:00", None, "2026-11-24", "2026-11-25"),
        # 08:00 in Tokyo on the 26th is 23:00 UTC on the 25th: the local date names it.
        ("2026-11-25 23:00", "Asia/Tokyo", "08:00", None, "2026-11-25", "2026-11-26"),
        ("2026-11-25 02:14", "Asia/Kathmandu", "08:00", None, "2026-11-24", None),
        ("2026-11-25 02:15", "Asia/Kathmandu", "08:00", None, "2026-11-24", "2026-11-25"),
        # An unknown zone counts as UTC.
        ("2026-11-25 08:00", "Mars/Olympus", "08:00", None, "2026-11-24", "2026-11-25"),
        # Midnight digests.
        ("2026-11-25 00:00", "UTC", "00:00", None, "2026-11-24", "2026-11-25"),
        # Kyiv springs forward on 2026-03-29 (03:00 -> 04:00): 08:00 is then 05:00 UTC.
        ("2026-03-28 05:59", "Europe/Kyiv", "08:00", None, "2026-03-27", None),
        ("2026-03-28 06:00", "Europe/Kyiv", "08:00", None, "2026-03-27", "2026-03-28"),
        ("2026-03-29 04:59", "Europe/Kyiv", "08:00", None, "2026-03-28", None),
        ("2026-03-29 05:00", "Europe/Kyiv", "08:00", None, "2026-03-28", "2026-03-29"),
        # 03:30 does not exist that day: it comes at 04:30 local (01:30 UTC), once.
        ("2026-03-29 01:29", "Europe/Kyiv", "03:30", None, "2026-03-28", None),
        ("2026-03-29 01:30", "Europe/Kyiv", "03:30", None, "2026-03-28", "2026-03-29"),
        ("2026-03-29 06:00", "Europe/Kyiv", "03:30", None, "2026-03-29", None),
        # Kyiv falls back on 2026-10-25 (04:00 -> 03:00): 03:30 happens twice; the first counts.
        ("2026-10-25 00:29", "Europe/Kyiv", "03:30", None, "2026-10-24", None),
        ("2026-10-25 00:30", "Europe/Kyiv", "03:30", None, "2026-10-24", "2026-10-25"),
        ("2026-10-25 01:30", "Europe/Kyiv", "03:30", None, "2026-10-25", None),
        # New York springs forward on 2026-03-08 (02:00 -> 03:00), falls back on 2026-11-01.
        ("2026-03-08 07:29", "America/New_York", "02:30", None, "2026-03-07", None),
        ("2026-03-08 07:30", "America/New_York", "02:30", None, "2026-03-07", "2026-03-08"),
        ("2026-03-08 12:00", "America/New_York", "08:00", None, "2026-03-07", "2026-03-08"),
        ("2026-03-08 11:59", "America/New_York", "08:00", None, "2026-03-07", None),
        ("2026-11-01 05:30", "America/New_York", "01:30", None, "2026-10-31", "2026-11-01"),
        ("2026-11-01 06:30", "America/New_York", "01:30", None, "2026-11-01", None),
        # Weekly, Monday 09:00 Kyiv (07:00 UTC in winter); 2026-11-23 is a Monday.
        ("2026-11-23 06:59", "Europe/Kyiv", "09:00", 0, "2026-11-16", None),
        ("2026-11-23 07:00", "Europe/Kyiv", "09:00", 0, "2026-11-16", "2026-11-23"),
        ("2026-11-25 12:00", "Europe/Kyiv", "09:00", 0, "2026-11-23", None),
        ("2026-11-25 12:00", "Europe/Kyiv", "09:00", 0, "2026-11-09", "2026-11-23"),
        ("2026-11-29 23:00", "Europe/Kyiv", "09:00", 0, "2026-11-23", None),
        ("2026-11-30 07:00", "Europe/Kyiv", "09:00", 0, "2026-11-23", "2026-11-30"),
    ],
)
def test_due_period(
    now: str, zone: str, at: str, weekday: int | None, last: str | None, expected: str | None
) -> None:
    period = due_period(utc(now), zone, at, weekday, last)
    assert (period.key if period else None) == expected


def test_the_period_says_when_it_was_due_in_utc() -> None:
    period = latest_period(utc("2026-03-29 12:00"), "Europe/Kyiv", Schedule("08:00"))
    assert period.due_at == utc("2026-03-29 05:00")
    period = latest_period(utc("2026-03-28 12:00"), "Europe/Kyiv", Schedule("08:00"))
    assert period.due_at == utc("2026-03-28 06:00")


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("Europe/Kyiv", "2026-03-29"),
        ("Europe/Kyiv", "2026-10-25"),
        ("America/New_York", "2026-03-08"),
        ("America/New_York", "2026-11-01"),
    ],
)
def test_minute_ticks_across_a_dst_change_owe_one_digest_a_day(zone: str, change: str) -> None:
    """A tick every minute for four days around a DST change: each local day's digest
    is owed exactly once, on consecutive days, whatever the digest time."""
    day = date.fromisoformat(change)
    for at in ("00:00", "01:30", "02:30", "03:30", "08:00", "23:59"):
        last: str | None = (day - timedelta(days=2)).isoformat()
        sent: list[str] = []
        start = datetime.combine(day - timedelta(days=1), time(0), UTC).timestamp() - 43200
        for minute in range(0, 4 * 24 * 60):
            now = datetime.fromtimestamp(start + minute * 60, UTC)
            period = due_period(now, zone, at, None, last)
            if period is not None:
                sent.append(period.key)
                last = period.key
        expected = [(day + timedelta(days=n)).isoformat() for n in (-1, 0, 1)]
        assert sent[:3] == expected, (at, sent)
        assert len(sent) == len(set(sent)), (at, sent)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["08:00"], Schedule("08:00")),
        (["8"], Schedule("08:00")),
        (["7:30"], Schedule("07:30")),
        (["weekly", "mon", "09:00"], Schedule("09:00", 0)),
        (["weekly", "пн", "9:00"], Schedule("09:00", 0)),
        (["Weekly", "Sun", "18:30"], Schedule("18:30", 6)),
        (["weekly", "нд", "18:30"], Schedule("18:30", 6)),
    ],
)
def test_parse_schedule(words: list[str], expected: Schedule) -> None:
    assert parse_schedule(words) == expected


@pytest.mark.parametrize(
    "words", [["25:00"], ["8:61"], ["morning"], ["weekly", "someday", "09:00"], ["weekly", "mon"]]
)
def test_parse_schedule_refuses(words: list[str]) -> None:
    with pytest.raises(ValueError):
        parse_schedule(words)
