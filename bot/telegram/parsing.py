"""What users type after chat commands, turned into values. Pure functions: no I/O, no clock.

    parse_duration("1h30m") -> 5400      (30m, 2h, 1d, 1w, 90 = minutes; at most 30 days)
    parse_quiet("23:00-07:00") -> ("23:00", "07:00")
    parse_timezone("+3") -> "Etc/GMT-3"  (IANA names, UTC offsets in whole hours, a few cities)

Each raises UserInputError whose message is a catalogue key for the user.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserInputError

MAX_MUTE_SECONDS = 30 * 86400
_UNITS = {
    "s": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    # Russian and Ukrainian abbreviations: м/мин/хв, ч/год, д/дн
    "м": 60,
    "мин": 60,
    "хв": 60,
    "ч": 3600,
    "год": 3600,
    "д": 86400,
    "дн": 86400,
}
_PART = re.compile(r"(\d+)\s*([a-zа-яіїєґ]*)")
_CLOCK = re.compile(r"^(\d{1,2})(?::?(\d{2}))?$")
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")

CITY_ZONES = {
    "moscow": "Europe/Moscow",
    "москва": "Europe/Moscow",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "київ": "Europe/Kyiv",
    "киев": "Europe/Kyiv",
    "london": "Europe/London",
    "лондон": "Europe/London",
    "berlin": "Europe/Berlin",
    "warsaw": "Europe/Warsaw",
    "riga": "Europe/Riga",
    "tbilisi": "Asia/Tbilisi",
    "yerevan": "Asia/Yerevan",
    "samara": "Europe/Samara",
    "yekaterinburg": "Asia/Yekaterinburg",
    "екатеринбург": "Asia/Yekaterinburg",
    "novosibirsk": "Asia/Novosibirsk",
    "новосибирск": "Asia/Novosibirsk",
    "vladivostok": "Asia/Vladivostok",
    "владивосток": "Asia/Vladivostok",
    "kaliningrad": "Europe/Kaliningrad",
    "калининград": "Europe/Kaliningrad",
    "istanbul": "Europe/Istanbul",
    "new york": "America/New_York",
    "utc": "UTC",
    "gmt": "UTC",
}


def parse_duration(raw: str) -> int:
    """Seconds in "30m", "2h", "1d", "1h30m", "2 ч"; a bare number is minutes."""
    text = raw.strip().lower().replace(" ", "")
    if not text:
        raise UserInputError("duration_invalid")
    total = 0
    pos = 0
    for match in _PART.finditer(text):
        if match.start() != pos:
            raise UserInputError("duration_invalid")
        number, unit = int(match.group(1)), match.group(2) or "m"
        if unit not in _UNITS:
            raise UserInputError("duration_invalid")
        total += number * _UNITS[unit]
        pos = match.end()
    if pos != len(text) or total <= 0:
        raise UserInputError("duration_invalid")
    if total > MAX_MUTE_SECONDS:
        raise UserInputError("duration_too_long")
    return total


def format_duration(seconds: float) -> str:
    """Compact and language-neutral: "2h", "1d 3h", "45m"."""
    minutes = max(1, round(seconds / 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(p for p in parts if p)


def _clock(raw: str) -> str:
    match = _CLOCK.match(raw.strip())
    if match is None:
        raise UserInputError("quiet_invalid")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise UserInputError("quiet_invalid")
    return f"{hours % 24:02d}:{minutes:02d}"


def parse_quiet(raw: str) -> tuple[str, str]:
    """("23:00", "07:00") from "23:00-07:00", "23-7", "23:00 – 07:00"."""
    parts = re.split(r"\s*[-–—]\s*|\s+", raw.strip())
    if len(parts) != 2:
        raise UserInputError("quiet_invalid")
    start, end = _clock(parts[0]), _clock(parts[1])
    if start == end:
        raise UserInputError("quiet_invalid")
    return start, end


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_timezone(raw: str) -> str:
    """An IANA zone name for what a user typed: a zone, an offset like +3 or UTC+03:00, a city."""
    text = " ".join(raw.strip().split())
    if not text:
        raise UserInputError("tz_invalid")
    lowered = text.lower()
    if lowered in CITY_ZONES:
        return CITY_ZONES[lowered]
    offset = _OFFSET.match(lowered.replace(" ", ""))
    if offset is not None:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if minutes or hours > 14:
            raise UserInputError("tz_whole_hours")
        if hours == 0:
            return "UTC"
        # POSIX-style Etc zones count westwards: UTC+3 is Etc/GMT-3.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    candidate = text.replace(" ", "_")
    if "/" in candidate and _valid_zone(candidate):
        return candidate
    by_lower = {zone.lower(): zone for zone in zoneinfo.available_timezones()}
    found = by_lower.get(candidate.lower())
    if found is None:
        suffix = "/" + candidate.lower()
        matches = sorted(z for low, z in by_lower.items() if low.endswith(suffix))
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise UserInputError("tz_invalid")
    return found


def zone_label(zone: str, now: float) -> str:
    """ "Europe/Kyiv (UTC+02:00)" for display."""
    try:
        offset = datetime.fromtimestamp(now, ZoneInfo(zone)).strftime("%z")
    except (ZoneInfoNotFoundError, ValueError):
        offset = datetime.fromtimestamp(now, UTC).strftime("%z")
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"
