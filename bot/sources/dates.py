"""Dates as feeds write them, turned into aware UTC datetimes.

Understood forms:

* RFC 822 / RFC 2822 (RSS): ``Fri, 10 May 2024 12:00:00 +0300``, two-digit years, a missing
  weekday or seconds, zone names (GMT, UT, UTC, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT, MSK, MSD,
  EET, EEST, CET, CEST, WET, WEST, BST) and numeric offsets with or without a colon.
* ISO 8601 / RFC 3339 (Atom, JSON Feed): ``2024-05-10T09:00:00Z``, fractions of any length,
  ``+03:00`` / ``+0300`` / ``+03`` offsets, a space instead of ``T``, the basic form
  ``20240510T090000Z`` and a bare date.
* Day-first Russian and Ukrainian forms seen on news sites: ``10.05.2024 12:00``,
  ``10.05.2024``, ``10 мая 2024``, ``10 травня 2024 р.``, ``10 мая 2024 г., 12:00``.

A value without a zone (including every Russian/Ukrainian form) is taken as UTC: parse_date has
no idea which site the value came from, and a fixed rule is easier to reason about than a guess.
An unknown zone name also counts as UTC. Anything else gives None. Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["parse_date"]

_ZONES: dict[str, int] = {  # minutes east of UTC
    "GMT": 0,
    "UT": 0,
    "UTC": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 60,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "MET": 60,
    "MEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "MSD": 240,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}

_MONTHS: dict[str, int] = {
    # English
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    # Russian (first three letters of any case form; "мая"/"май" both mean May)
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    # Ukrainian
    "січ": 1, "лют": 2, "бер": 3, "кві": 4, "тра": 5, "чер": 6,
    "лип": 7, "сер": 8, "вер": 9, "жов": 10, "лис": 11, "гру": 12,
}  # fmt: skip

_ISO = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[Tt ]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
# Weekday and month may be English or Cyrillic; the month is looked up by its first 3 letters.
_WORDY = re.compile(
    r"(?:[^\W\d_]+\.?,?\s*)?"  # optional weekday
    r"(\d{1,2})\s*[\s.-]\s*([^\W\d_]{3,})\.?\s*[\s.-]\s*(\d{4}|\d{2})"
    r"(?:\s*(?:г|р|года|року)\b\.?)?"
    r"(?:\s*,?\s*(?:в|о|at)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_RFC822_STRICT = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?"
    r" ([+-]\d{4}|[A-Z]{1,4})\s*$"
)
_DOTTED = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*,?\s*(?:в|о)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$"
)


@functools.lru_cache(maxsize=4096)
def parse_date(value: str) -> datetime | None:
    """Return the moment ``value`` names as an aware UTC datetime, or None if unreadable.

    Cached: a feed is parsed again on every change, and all but its newest items come back
    with the very same date strings (datetimes are immutable, so sharing them is safe).
    """
    text = value.strip()
    if not text:
        return None
    match = _RFC822_STRICT.match(text)  # the spelling nearly every RSS feed uses: fast path
    if match is not None:
        return _from_wordy(match)
    if text[0].isdigit():
        try:  # C-fast for the RFC 3339 dates of Atom and JSON Feed
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        match = _ISO.match(text)
        if match is not None:
            return _from_iso(match)
        match = _DOTTED.match(text)
        if match is not None:
            day, month, year, hour, minute, second = match.groups()
            return _build(year, month, day, hour, minute, second, 0)
    match = _WORDY.match(text)
    if match is not None:
        return _from_wordy(match)
    return None


def _from_iso(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return _build(year, month, day, hour, minute, second, _offset(zone), micro)


def _from_wordy(match: re.Match[str]) -> datetime | None:
    day, month_word, year, hour, minute, second, zone = match.groups()
    month = _MONTHS.get(month_word[:3].lower())
    if month is None:
        return None
    if len(year) == 2:
        year = str(2000 + int(year) if int(year) < 50 else 1900 + int(year))
    return _build(year, str(month), day, hour, minute, second, _offset(zone))


def _offset(zone: str | None) -> int:
    """Minutes east of UTC for a zone name or a numeric offset; unknown or missing is UTC."""
    if not zone:
        return 0
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or "0")
        return -minutes if zone[0] == "-" else minutes
    return _ZONES.get(zone.upper(), 0)


def _build(
    year: str,
    month: str,
    day: str,
    hour: str | None,
    minute: str | None,
    second: str | None,
    offset_minutes: int,
    micro: int = 0,
) -> datetime | None:
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=_zone(offset_minutes),
        )
    except ValueError:
        return None  # e.g. 31 February, hour 25, or an offset beyond a day
    return moment.astimezone(UTC) if offset_minutes else moment


@functools.lru_cache(maxsize=64)
def _zone(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes)) if offset_minutes else UTC
