"""Alert messages as Telegram HTML. Pure functions: no I/O, no clock.

Every string that came from a source is escaped; matched words are highlighted in bold
(in the title, which is already bold, they are underlined). The result stays within
Telegram's 4096 UTF-16 units.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from bot.i18n import t
from bot.models import Alert, Mention

MAX_MESSAGE_UNITS = 4096
SNIPPET_CHARS = 300
MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "ru": "янв фев мар апр мая июн июл авг сен окт ноя дек".split(),
    "uk": "січ лют бер кві тра чер лип сер вер жов лис гру".split(),
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The first sentence or two of `text`, cut at a word boundary within `limit` chars."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end >= limit // 3:
        return cut[: end + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(",;:—- ") + "…"


def highlight(text: str, spans: Iterable[tuple[int, int]], tag: str = "b") -> str:
    """Escape `text` and wrap the given (start, end) spans in `tag`; overlaps are merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(text)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out: list[str] = []
    pos = 0
    for start, end in merged:
        out.append(html.escape(text[pos:start], quote=False))
        out.append(f"<{tag}>{html.escape(text[start:end], quote=False)}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def _spans(mentions: Iterable[Mention], field: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in mentions if m.field == field]


def format_time(alert: Alert, lang: str) -> str:
    when = alert.item.published
    month = MONTHS.get(lang, MONTHS["en"])[when.month - 1]
    # Not f"{when:%H:%M}": strftime costs more than the rest of the line, per alert rendered.
    return f"{when.day} {month} {when.year}, {when.hour:02d}:{when.minute:02d} UTC"


TITLE_CHARS = 500
LINK_CHARS = 2000
ALERT_UNITS = 3500  # an alert's own share of a message: the rest is for "also" and the repeat mark
REASON_CHARS = 400
# Escaping can multiply a string fivefold ("&" -> "&amp;"), so an alert that comes out too long
# is rendered again with tighter caps (title, snippet, link) until it fits.
_CAPS = ((TITLE_CHARS, SNIPPET_CHARS, LINK_CHARS), (200, 150, 500), (60, 50, 0))


def render_alert(alert: Alert, *, lang: str, region_name: Callable[[str], str]) -> str:
    """The alert for one item in one chat: what matched, title, a line or two, source, time.

    Title, snippet and link are capped, and escaped markup is measured, so the message stays
    within ALERT_UNITS UTF-16 units whatever the source sent.
    """
    text = ""
    for title_chars, snippet_chars, link_chars in _CAPS:
        text = _compose(alert, lang, region_name, title_chars, snippet_chars, link_chars)
        if utf16_len(text) <= ALERT_UNITS:
            break
    return text


def is_web_link(link: str) -> bool:
    """Only http(s) links become buttons to press: a feed may say javascript: or file:."""
    return link[:8].lower().startswith(("http://", "https://"))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _compose(
    alert: Alert,
    lang: str,
    region_name: Callable[[str], str],
    title_chars: int,
    snippet_chars: int,
    link_chars: int,
) -> str:
    item = alert.item
    wanted = set(alert.regions) | set(alert.terms)
    mentions = [m for m in alert.mentions if m.value in wanted]
    reasons = [f"📍 {region_name(code)}" for code in alert.regions]
    reasons += [f"🔎 {term}" for term in alert.terms]
    title = highlight(_cut(item.title, title_chars), _spans(mentions, "title"), tag="u") or "—"
    body = snippet(item.text, snippet_chars)
    lines = [html.escape(_cut(" · ".join(reasons), REASON_CHARS), quote=False), f"<b>{title}</b>"]
    if body:
        lines.append(highlight(body, _spans(mentions, "text")))
    footer = (
        f"<i>{html.escape(alert.source_title[: min(200, title_chars)], quote=False)}</i> · "
        f"{format_time(alert, lang)}"
    )
    if item.link and len(item.link) <= link_chars and is_web_link(item.link):
        href = html.escape(item.link, quote=True)
        footer += f' · <a href="{href}">{t(lang, "alert_open")}</a>'
    lines.append(footer)
    return "\n".join(lines)


def mark_repeat(text: str, lang: str) -> str:
    """A resend after a crash or timeout: the chat may have it already, so say so."""
    return f"{text}\n{t(lang, 'alert_repeat')}"
