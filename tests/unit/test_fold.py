"""The sender's pure decisions: chat prefs at send time, folding within 4096 units, summaries,
mute buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.buttons import mute_keyboard, term_hash
from bot.delivery.fold import (
    alert_text,
    decide,
    fits,
    flood_summary,
    fold,
    merge_keyboards,
    quiet_ends_at,
)
from bot.delivery.render import utf16_len
from bot.store.chat_prefs import in_quiet_hours
from bot.store.outbox import OutboxRow

NOON = datetime(2024, 6, 4, 12, 0, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Prefs:
    timezone: str = "UTC"
    quiet: tuple[str, str] | None = None
    alerts_enabled: bool = True
    muted_sources: frozenset[str] = field(default_factory=frozenset)
    muted_terms: frozenset[str] = field(default_factory=frozenset)
    urgent_terms: frozenset[str] = field(default_factory=frozenset)
    thread_id: int | None = None
    muted_until: float = 0.0

    def muted_at(self, now: float) -> bool:
        return self.muted_until > now

    def quiet_at(self, now: float) -> bool:
        return self.quiet is not None and in_quiet_hours(self.quiet, self.timezone, now)


def row(
    source: str = "wire-en", regions: tuple[str, ...] = (), terms: tuple[str, ...] = ()
) -> OutboxRow:
    return OutboxRow(1, 7, "text", 1, False, source=source, regions=regions, terms=terms)


@pytest.mark.parametrize(
    ("prefs", "alert", "action", "reason"),
    [
        (None, row(), "send", ""),
        (Prefs(), row(terms=("дрон",)), "send", ""),
        (Prefs(alerts_enabled=False), row(), "skip", "alerts off"),
        (Prefs(muted_until=NOON + 1), row(), "skip", "chat muted"),
        (Prefs(muted_until=NOON), row(), "send", ""),
        (Prefs(muted_sources=frozenset({"wire-en"})), row(), "skip", "source muted: wire-en"),
        (Prefs(muted_terms=frozenset({"дрон"})), row(terms=("дрон",)), "skip", "term muted: дрон"),
        (
            Prefs(muted_terms=frozenset({"дрон"})),
            row(regions=("RU-BEL",), terms=("дрон",)),
            "send",
            "",
        ),
        (Prefs(muted_terms=frozenset({"дрон"})), row(terms=("дрон", "ПВО")), "send", ""),
        (Prefs(quiet=("11:00", "13:00")), row(), "hold", "quiet hours"),
        (Prefs(quiet=("13:00", "11:00")), row(), "send", ""),
        (
            Prefs(quiet=("11:00", "13:00"), urgent_terms=frozenset({"ракета"})),
            row(terms=("ракета",)),
            "send",
            "",
        ),
    ],
)
def test_decide(prefs: Prefs | None, alert: OutboxRow, action: str, reason: str) -> None:
    decision = decide(alert, prefs, NOON)
    assert (decision.action, decision.reason) == (action, reason)


def test_quiet_hours_are_held_until_their_local_end() -> None:
    decision = decide(row(), Prefs(quiet=("23:00", "16:00"), timezone="Europe/Kyiv"), NOON)
    # 12:00 UTC is 15:00 in Kyiv (EEST): one hour to go.
    assert decision.until == NOON + 3600


@pytest.mark.parametrize(
    ("quiet", "zone", "hours"),
    [
        (("23:00", "07:00"), "UTC", 19),
        (("10:00", "12:30"), "UTC", 0.5),
        (("0:00", "12:00"), "UTC", 24),
    ],
)
def test_quiet_ends_at_the_next_local_end(quiet: tuple[str, str], zone: str, hours: float) -> None:
    assert quiet_ends_at(quiet, zone, NOON) == NOON + hours * 3600


def test_also_reported_by_is_escaped_and_localized() -> None:
    alert = OutboxRow(1, 7, "<b>x</b>", 1, False, also=("A&B", "Гладков"))
    assert alert_text(alert, "ru") == "<b>x</b>\n➕ Также сообщают: A&amp;B, Гладков"
    assert alert_text(OutboxRow(1, 7, "plain", 1, False), "en") == "plain"


@given(st.lists(st.text(min_size=1, max_size=2000), min_size=1, max_size=8))
def test_fold_takes_whole_alerts_within_4096_units(texts: list[str]) -> None:
    count = fits(texts)
    assert 1 <= count <= len(texts)
    if count > 1:
        assert utf16_len(fold(texts[:count])) <= 4096
    if count < len(texts):
        assert utf16_len(fold(texts[: count + 1])) > 4096


def test_merged_keyboard_keeps_each_button_once_up_to_the_limit() -> None:
    def kb(*data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": d, "callback_data": d}] for d in data]}

    merged = merge_keyboards([kb("a", "b"), None, kb("b", "c")], limit=3)
    assert merged == kb("a", "b", "c")
    assert merge_keyboards([kb(*"abcdefgh")], limit=6) == kb(*"abcdef")
    assert merge_keyboards([None, None]) is None


def test_flood_summary_counts_and_points_to_recent() -> None:
    text = flood_summary([f"Title <{n}>" for n in range(25)], "en")
    assert text.startswith("📚 25 more alerts in the last hour:")
    assert "• Title &lt;0&gt;" in text and "• Title &lt;9&gt;" in text
    assert "Title &lt;10&gt;" not in text
    assert text.endswith("/recent")


def test_mute_buttons_fit_telegrams_64_bytes() -> None:
    markup = mute_keyboard(
        source_name="belgorod-today",
        source_title="Белгород сегодня",
        terms=("дрон", "ракетная опасность", "третий"),
        lang="ru",
        hours=24,
    )
    assert markup is not None
    data = [row[0]["callback_data"] for row in markup["inline_keyboard"]]
    assert data == [
        "mute:s:belgorod-today:24",
        f"mute:t:{term_hash('дрон')}:24",
        f"mute:t:{term_hash('ракетная опасность')}:24",
    ]
    assert all(len(d.encode()) <= 64 for d in data)
    long_name = mute_keyboard(source_name="x" * 60, source_title="X", terms=(), lang="en", hours=1)
    assert long_name is None  # the name would not fit: no button rather than a broken one
