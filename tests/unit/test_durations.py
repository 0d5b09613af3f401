"""What users type after /mute, /quiet and /tz, and the quiet-hours test delivery relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserInputError
from bot.store.chat_prefs import in_quiet_hours
from bot.telegram.parsing import (
    format_duration,
    parse_duration,
    parse_quiet,
    parse_timezone,
    zone_label,
)


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("30m", 1800),
        ("2h", 7200),
        ("1d", 86400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("90", 5400),
        ("2 ч", 7200),
        ("15 хв", 900),
        ("1w", 7 * 86400),
        ("45s", 45),
    ],
)
def test_durations(raw: str, seconds: int) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "duration_invalid"),
        ("soon", "duration_invalid"),
        ("2x", "duration_invalid"),
        ("h2", "duration_invalid"),
        ("0m", "duration_invalid"),
        ("-1h", "duration_invalid"),
        ("31d", "duration_too_long"),
    ],
)
def test_bad_durations(raw: str, error: str) -> None:
    with pytest.raises(UserInputError, match=error):
        parse_duration(raw)


@pytest.mark.parametrize(
    ("seconds", "text"), [(60, "1m"), (7200, "2h"), (90000, "1d 1h"), (5400, "1h 30m")]
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("raw", "quiet"),
    [
        ("23:00-07:00", ("23:00", "07:00")),
        ("23-7", ("23:00", "07:00")),
        ("22:30 – 6:15", ("22:30", "06:15")),
        ("0:00-24:00", None),
        ("13:00 14:00", ("13:00", "14:00")),
    ],
)
def test_quiet_hours(raw: str, quiet: tuple[str, str] | None) -> None:
    if quiet is None:
        with pytest.raises(UserInputError):
            parse_quiet(raw)
    else:
        assert parse_quiet(raw) == quiet


@pytest.mark.parametrize("raw", ["", "late", "25:00-07:00", "23:61-07:00", "23:00-07:00-08:00"])
def test_bad_quiet_hours(raw: str) -> None:
    with pytest.raises(UserInputError, match="quiet_invalid"):
        parse_quiet(raw)


@pytest.mark.parametrize(
    ("raw", "zone"),
    [
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("europe/moscow", "Europe/Moscow"),
        ("Moscow", "Europe/Moscow"),
        ("Київ", "Europe/Kyiv"),
        ("+3", "Etc/GMT-3"),
        ("UTC+03:00", "Etc/GMT-3"),
        ("utc-5", "Etc/GMT+5"),
        ("UTC", "UTC"),
        ("+0", "UTC"),
        ("Vladivostok", "Asia/Vladivostok"),
        ("Tokyo", "Asia/Tokyo"),
    ],
)
def test_time_zones(raw: str, zone: str) -> None:
    assert parse_timezone(raw) == zone


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("Atlantis", "tz_invalid"),
        ("", "tz_invalid"),
        ("+5:30", "tz_whole_hours"),
        ("+15", "tz_whole_hours"),
    ],
)
def test_bad_time_zones(raw: str, error: str) -> None:
    with pytest.raises(UserInputError, match=error):
        parse_timezone(raw)


NOON_UTC = datetime(2024, 5, 10, 12, 0, tzinfo=UTC).timestamp()


def test_zone_label_shows_the_offset() -> None:
    assert zone_label("Europe/Kyiv", NOON_UTC) == "Europe/Kyiv (UTC+03:00)"
    assert zone_label("Etc/GMT+5", NOON_UTC) == "Etc/GMT+5 (UTC-05:00)"


@pytest.mark.parametrize(
    ("quiet", "zone", "hour_utc", "inside"),
    [
        (("23:00", "07:00"), "UTC", 23, True),
        (("23:00", "07:00"), "UTC", 3, True),
        (("23:00", "07:00"), "UTC", 7, False),
        (("23:00", "07:00"), "UTC", 12, False),
        (("23:00", "07:00"), "Europe/Moscow", 21, True),  # 00:00 in Moscow
        (("23:00", "07:00"), "Europe/Moscow", 4, False),  # 07:00 in Moscow
        (("13:00", "14:00"), "UTC", 13, True),
        (("13:00", "14:00"), "UTC", 14, False),
    ],
)
def test_quiet_hours_in_the_chat_zone(
    quiet: tuple[str, str], zone: str, hour_utc: int, inside: bool
) -> None:
    now = datetime(2024, 5, 10, hour_utc, 0, tzinfo=UTC).timestamp()
    assert in_quiet_hours(quiet, zone, now) is inside
