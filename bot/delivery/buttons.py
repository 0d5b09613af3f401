"""The inline buttons under an alert: mute its source or one of its watch terms for a while.

Callback data (the chat side answers them; at most 64 bytes, as Telegram requires):

    mute:s:<source name>:<hours>                  mute that source
    mute:t:<first 10 hex of sha1(term)>:<hours>   mute that watch term

A source whose name would not fit gets no button. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from bot.i18n import t

JsonDict = dict[str, Any]
MAX_CALLBACK_BYTES = 64
MAX_TERM_BUTTONS = 2
LABEL_CHARS = 40


def term_hash(term: str) -> str:
    return hashlib.sha1(term.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def mute_keyboard(
    *, source_name: str, source_title: str, terms: Sequence[str], lang: str, hours: int
) -> JsonDict | None:
    """Telegram's InlineKeyboardMarkup as JSON: one row per button."""
    rows: list[list[JsonDict]] = []
    data = f"mute:s:{source_name}:{hours}"
    if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES:
        label = t(lang, "alert_mute_source", source=_short(source_title), hours=hours)
        rows.append([{"text": label, "callback_data": data}])
    for term in list(terms)[:MAX_TERM_BUTTONS]:
        label = t(lang, "alert_mute_term", term=_short(term), hours=hours)
        rows.append([{"text": label, "callback_data": f"mute:t:{term_hash(term)}:{hours}"}])
    return {"inline_keyboard": rows} if rows else None
