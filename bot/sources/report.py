"""The operator's view of the sources (`python -m bot sources`): pure formatting, no I/O.

One row per source: whether it is paused, its last success and last error, items seen, the
share of polls answered 304, failures in a row and when it is checked next. As a text table or
as JSON records with ISO 8601 UTC times.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.store.sources import SourceState

__all__ = ["source_records", "sources_table"]

_ERROR_WIDTH = 48


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _short_time(ts: float | None) -> str:
    if ts is None:
        return "never"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def _in(seconds: float) -> str:
    if seconds <= 0:
        return "due"
    if seconds < 120:
        return f"in {seconds:.0f}s"
    if seconds < 7200:
        return f"in {seconds / 60:.0f}m"
    return f"in {seconds / 3600:.1f}h"


def source_records(states: list[SourceState]) -> list[dict[str, Any]]:
    """The state of each source as JSON-ready records."""
    return [
        {
            "name": s.source.name,
            "url": s.source.url,
            "paused": s.paused,
            "paused_at": _iso(s.paused_at),
            "last_success_at": _iso(s.last_success_at),
            "last_error": s.last_error,
            "last_error_at": _iso(s.last_error_at),
            "last_status": s.last_status,
            "failures": s.failures,
            "items_seen": s.items_seen,
            "polls": s.polls,
            "not_modified_share": s.not_modified_share,
            "interval": s.source.interval,
            "adaptive_interval": s.adaptive_interval,
            "next_check_at": None if s.paused else _iso(s.next_check_at),
        }
        for s in states
    ]


def _error(state: SourceState) -> str:
    if not state.last_error:
        return "-"
    text = " ".join(state.last_error.split())
    if len(text) > _ERROR_WIDTH:
        text = text[: _ERROR_WIDTH - 1] + "…"
    return f"{_short_time(state.last_error_at)} {text}"


def sources_table(states: list[SourceState], now: float) -> str:
    """A plain-text table, one line per source, for a terminal."""
    header = ("source", "state", "last success", "items", "304", "fails", "next check", "error")
    rows = [header]
    for s in states:
        share = s.not_modified_share
        rows.append(
            (
                s.source.name,
                "PAUSED" if s.paused else "active",
                _short_time(s.last_success_at),
                str(s.items_seen),
                "-" if share is None else f"{share:.0%}",
                str(s.failures),
                "-" if s.paused else _in(s.next_check_at - now),
                _error(s),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)), row[-1]])
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
