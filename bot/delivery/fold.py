"""What the sender makes of a chat's due alerts. Pure functions: no I/O, no clock.

alerts due for one chat
    | decide (chat prefs: muted chat/source/term -> skip with the reason; quiet hours ->
      hold until they end, unless an urgent term matched)
    | fold (as many whole alerts as fit in 4096 UTF-16 units go into one message; the rest
      wait for the next one)  or  summarize (over the hourly cap: one "N more alerts" message)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery.render import MAX_MESSAGE_UNITS, utf16_len
from bot.i18n import t
from bot.store.outbox import OutboxRow

JsonDict = dict[str, Any]
SEPARATOR = "\n\n"
MAX_BUTTONS = 6
SUMMARY_TITLES = 10


class Prefs(Protocol):
    """What the sender reads of a chat's preferences (bot.store.chat_prefs.DeliveryPrefs)."""

    @property
    def timezone(self) -> str: ...
    @property
    def quiet(self) -> tuple[str, str] | None: ...
    @property
    def alerts_enabled(self) -> bool: ...
    @property
    def muted_sources(self) -> frozenset[str]: ...
    @property
    def muted_terms(self) -> frozenset[str]: ...
    @property
    def urgent_terms(self) -> frozenset[str]: ...
    @property
    def thread_id(self) -> int | None: ...

    def muted_at(self, now: float) -> bool: ...

    def quiet_at(self, now: float) -> bool: ...


@dataclass(frozen=True, slots=True)
class Decision:
    action: str  # "send", "skip" or "hold"
    reason: str = ""
    until: float = 0.0


SEND = Decision("send")


def decide(row: OutboxRow, prefs: Prefs | None, now: float) -> Decision:
    """Whether an alert goes out now, waits for quiet hours to end, or is skipped (and why)."""
    if prefs is None or row.kind != "send":
        return SEND
    if not prefs.alerts_enabled:
        return Decision("skip", "alerts off")
    if prefs.muted_at(now):
        return Decision("skip", "chat muted")
    if row.source is not None and row.source in prefs.muted_sources:
        return Decision("skip", f"source muted: {row.source}")
    live_terms = [term for term in row.terms if term not in prefs.muted_terms]
    if row.terms and not row.regions and not live_terms:
        return Decision("skip", f"term muted: {', '.join(row.terms)}")
    urgent = any(term in prefs.urgent_terms for term in live_terms)
    if prefs.quiet is not None and not urgent and prefs.quiet_at(now):
        return Decision("hold", "quiet hours", quiet_ends_at(prefs.quiet, prefs.timezone, now))
    return SEND


def quiet_ends_at(quiet: tuple[str, str], timezone: str, now: float) -> float:
    """The next moment after `now` when the local clock reads the end of quiet hours."""
    try:
        zone: tzinfo = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = datetime.fromtimestamp(now, zone)
    hour, minute = (int(part) for part in quiet[1].split(":"))
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.timestamp()


ALSO_UNITS = MAX_MESSAGE_UNITS - 64  # room kept for the sender's "(possible repeat)" mark


def alert_text(row: OutboxRow, lang: str) -> str:
    """An alert as it stands now: its rendering plus the other sources that reported it.

    As many source names as fit within ALSO_UNITS; the rest are counted ("+N").
    """
    if not row.also:
        return row.text
    names = [html.escape(title[:100], quote=False) for title in row.also]
    for shown in range(len(names), -1, -1):
        rest = f" +{len(names) - shown}" if shown < len(names) else ""
        line = t(lang, "alert_also", sources=", ".join(names[:shown]) + rest)
        text = f"{row.text}\n{line}"
        if utf16_len(text) <= ALSO_UNITS:
            return text
    return row.text


def fits(texts: Sequence[str], limit: int = MAX_MESSAGE_UNITS) -> int:
    """How many leading texts fit in one message, joined by blank lines (at least one)."""
    total = 0
    for count, text in enumerate(texts):
        total += utf16_len(text) + (utf16_len(SEPARATOR) if count else 0)
        if total > limit:
            return max(count, 1)
    return len(texts)


def fold(texts: Sequence[str]) -> str:
    return SEPARATOR.join(texts)


def merge_keyboards(
    markups: Sequence[JsonDict | None], limit: int = MAX_BUTTONS
) -> JsonDict | None:
    """One keyboard for a folded message: each distinct button once, at most `limit`."""
    seen: set[str] = set()
    rows: list[list[JsonDict]] = []
    for markup in markups:
        for row in (markup or {}).get("inline_keyboard", []):
            kept = []
            for button in row:
                key = str(button.get("callback_data") or button.get("url"))
                if key not in seen and len(seen) < limit:
                    seen.add(key)
                    kept.append(button)
            if kept:
                rows.append(kept)
    return {"inline_keyboard": rows} if rows else None


def flood_summary(titles: Sequence[str], lang: str) -> str:
    """Over the hourly cap: one message that counts the alerts and names the first few."""
    lines = [t(lang, "alert_flood", count=len(titles))]
    for title in titles[:SUMMARY_TITLES]:
        short = title if len(title) <= 120 else title[:120] + "…"
        lines.append(f"• {html.escape(short, quote=False)}")
    if len(titles) > SUMMARY_TITLES:
        lines.append("…")
    lines.append(t(lang, "alert_flood_recent"))
    text = "\n".join(lines)
    while utf16_len(text) > MAX_MESSAGE_UNITS:  # only with absurdly long titles
        lines.pop(-2)
        text = "\n".join(lines)
    return text
