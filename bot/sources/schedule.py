"""When to poll a source next: pure functions over numbers and header strings, no I/O.

    success (200 or 304) -> adaptive interval: halved after a poll that brought new items,
                            x1.25 after one that brought none; then raised to the server's
                            freshness hint (Cache-Control max-age, Expires, RSS <ttl>)
                            all within the source's band (see `interval_band`)
    failure              -> exponential backoff from the configured interval, at most
                            ``max_interval``; never sooner than a 429/503 Retry-After
                            (clamped to ``max_retry_after``)

The band: a source configured at 300 s floats between 75 s (busy) and 1200 s (quiet or told
so by the server), never outside the global ``[polling] min_interval .. max_interval``. A server
hint can slow a source down within the band but not stop it: a WordPress feed that says
"hourly" is still polled at the band's top. ``<sy:updatePeriod>`` is not read, because
WordPress writes "hourly" into every feed whatever it actually does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = [
    "BAND_FACTOR",
    "Bounds",
    "adapt_interval",
    "backoff_delay",
    "feed_ttl",
    "freshness_lifetime",
    "interval_band",
    "retry_after_seconds",
    "success_delay",
]

BAND_FACTOR = 4.0  # how far the adaptive schedule may move from the configured interval
BUSY_FACTOR = 0.5  # a poll with new items: poll twice as often
QUIET_FACTOR = 1.25  # a poll without: a quarter slower


@dataclass(frozen=True, slots=True)
class Bounds:
    """The global limits from ``[polling]``, seconds."""

    min_interval: float
    max_interval: float
    max_retry_after: float


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def interval_band(configured: float, bounds: Bounds) -> tuple[float, float]:
    """The lowest and highest interval the adaptive schedule may use for a source."""
    low = _clamp(configured / BAND_FACTOR, bounds.min_interval, bounds.max_interval)
    high = _clamp(configured * BAND_FACTOR, low, bounds.max_interval)
    return low, high


def adapt_interval(
    previous: float | None, configured: float, new_items: int, bounds: Bounds
) -> float:
    """The adaptive interval after a successful poll that brought ``new_items`` new items."""
    low, high = interval_band(configured, bounds)
    start = _clamp(configured, low, high) if previous is None else previous
    factor = BUSY_FACTOR if new_items > 0 else QUIET_FACTOR
    return _clamp(start * factor, low, high)


def success_delay(adaptive: float, configured: float, hint: float | None, bounds: Bounds) -> float:
    """Seconds until the next poll after a success: the adaptive interval, or the server's
    freshness hint when that is longer, kept within the source's band."""
    low, high = interval_band(configured, bounds)
    return _clamp(max(adaptive, hint or 0.0), low, high)


def backoff_delay(
    configured: float, failures: int, retry_after: float | None, bounds: Bounds
) -> float:
    """Seconds until the next try after ``failures`` consecutive failures (1 = the first)."""
    base = _clamp(configured, bounds.min_interval, bounds.max_interval)
    delay = min(base * 2.0 ** min(max(failures - 1, 0), 30), bounds.max_interval)
    if retry_after is not None:
        delay = max(delay, _clamp(retry_after, 0.0, bounds.max_retry_after))
    return delay


def _http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _reference(date_header: str | None, now: datetime) -> datetime:
    """The server's own clock when it sent its Date header, so clock skew cancels out."""
    server_now = _http_date(date_header) if date_header else None
    return server_now or now


def retry_after_seconds(value: str | None, date_header: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    when = _http_date(text)
    if when is None:
        return None
    return max((when - _reference(date_header, now)).total_seconds(), 0.0)


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?:[,=]|$)", re.IGNORECASE)


def freshness_lifetime(
    cache_control: str | None, expires: str | None, date_header: str | None, now: datetime
) -> float | None:
    """How long the server says its answer stays fresh (seconds), or None when it says not.

    ``max-age`` wins over ``Expires``; ``no-cache``/``no-store`` mean no hint. An Expires that
    is not a date (such as "0" or "-1") means already stale.
    """
    if cache_control:
        if _NO_CACHE.search(cache_control):
            return None
        found = _MAX_AGE.search(cache_control)
        if found:
            return float(found.group(1))
    if expires:
        when = _http_date(expires)
        if when is None:
            return 0.0
        return max((when - _reference(date_header, now)).total_seconds(), 0.0)
    return None


_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>")
_TTL_WINDOW = 16 * 1024  # <ttl> belongs to <channel>, which comes before the items


def feed_ttl(body: bytes) -> float | None:
    """An RSS 2.0 ``<ttl>`` (minutes) as seconds, or None. Looks only near the top."""
    found = _TTL.search(body, 0, _TTL_WINDOW)
    return float(int(found.group(1)) * 60) if found else None
