"""Alert messages as Telegram HTML. Pure functions: no I/O, no clock.

Every string that came from a source is escaped; matched words are highlighted in bold
(in the title, which is already bold, they are underlined). The result stays within
Telegram's 4096 UTF-16 units.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from bot.i18n import t
from bot.models import Alert, Item, Mention

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


def format_time(alert: Alert, lang: str) -> str:
    return _format_time(alert.item.published, lang)


def _format_time(when: datetime, lang: str) -> str:
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
    renderer = ItemAlerts(alert.item, alert.source_title, alert.mentions)
    return renderer.render(alert.regions, alert.terms, lang, region_name)


def is_web_link(link: str) -> bool:
    """Only http(s) links become buttons to press: a feed may say javascript: or file:."""
    return link[:8].lower().startswith(("http://", "https://"))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


Caps = tuple[int, int, int]  # title, snippet and link characters


Spans = tuple[tuple[str, int, int], ...]  # (field, start, end) of the words to highlight


def headline(
    regions: tuple[str, ...], terms: tuple[str, ...], region_name: Callable[[str], str]
) -> str:
    """An alert's first line, why the chat is told: its regions and watch terms, escaped."""
    reasons = [f"📍 {region_name(code)}" for code in regions]
    reasons += [f"🔎 {term}" for term in terms]
    return html.escape(_cut(" · ".join(reasons), REASON_CHARS), quote=False)


def matched_spans(
    mentions: Iterable[Mention], regions: tuple[str, ...], terms: tuple[str, ...]
) -> Spans:
    """Where the item mentions the chat's regions and terms: what its alert highlights."""
    wanted = set(regions) | set(terms)
    return tuple((m.field, m.start, m.end) for m in mentions if m.value in wanted)


def encode_spans(spans: Spans) -> str:
    """Spans as stored with an alert body: "t0-5 x12-20" (t: title, x: text)."""
    return " ".join(
        f"{'t' if field == 'title' else 'x'}{start}-{end}" for field, start, end in spans
    )


def decode_spans(stored: str) -> Spans:
    spans = []
    for part in stored.split():
        start, _, end = part[1:].partition("-")
        spans.append(("title" if part[0] == "t" else "text", int(start), int(end)))
    return tuple(spans)


class ItemAlerts:
    """One item's alerts in every wording (language, regions, terms) its chats are told.

    An item that matched several chats is rendered once per wording; what does not depend on
    the wording (the snippet, the footer) is made once, and a highlighted title or snippet
    once per set of spans, so each further wording costs little more than its reasons line.
    `render` gives exactly what render_alert gives for the same alert, and `compose` the same
    from the alert's headline and spans (what the outbox stores).
    """

    def __init__(self, item: Item, source_title: str, mentions: tuple[Mention, ...]) -> None:
        self.item = item
        self.source_title = source_title
        self.mentions = mentions
        self._snippets: dict[int, str] = {}
        self._highlights: dict[tuple[str, int, tuple[tuple[int, int], ...]], str] = {}
        self._footers: dict[tuple[str, Caps], str] = {}

    def render(
        self,
        regions: tuple[str, ...],
        terms: tuple[str, ...],
        lang: str,
        region_name: Callable[[str], str],
    ) -> str:
        spans = matched_spans(self.mentions, regions, terms)
        return self.compose(headline(regions, terms, region_name), spans, lang)

    def compose(self, head: str, spans: Spans, lang: str) -> str:
        """The alert under `head` with `spans` highlighted, within ALERT_UNITS."""
        title_spans = tuple((start, end) for field, start, end in spans if field == "title")
        text_spans = tuple((start, end) for field, start, end in spans if field == "text")
        text = ""
        for caps in _CAPS:
            text = self._compose(head, title_spans, text_spans, lang, caps)
            # a UTF-16 unit per character at most twice over: most alerts need no counting
            if len(text) * 2 <= ALERT_UNITS or utf16_len(text) <= ALERT_UNITS:
                break
        return text

    def _compose(
        self,
        head: str,
        title_spans: tuple[tuple[int, int], ...],
        text_spans: tuple[tuple[int, int], ...],
        lang: str,
        caps: Caps,
    ) -> str:
        title_chars, snippet_chars, _ = caps
        title = self._highlight("title", title_chars, title_spans) or "—"
        lines = [head, f"<b>{title}</b>"]
        if self._snippet(snippet_chars):
            lines.append(self._highlight("text", snippet_chars, text_spans))
        lines.append(self._footer(lang, caps))
        return "\n".join(lines)

    def _snippet(self, chars: int) -> str:
        if (found := self._snippets.get(chars)) is None:
            found = self._snippets[chars] = snippet(self.item.text, chars)
        return found

    def _highlight(self, field: str, chars: int, spans: tuple[tuple[int, int], ...]) -> str:
        """The title (underlined) or the snippet (bold), escaped, matched words marked."""
        key = (field, chars, spans)
        if (found := self._highlights.get(key)) is None:
            if field == "title":
                found = highlight(_cut(self.item.title, chars), spans, tag="u")
            else:
                found = highlight(self._snippet(chars), spans)
            self._highlights[key] = found
        return found

    def _footer(self, lang: str, caps: Caps) -> str:
        """Source, time and the link to open."""
        if (found := self._footers.get((lang, caps))) is None:
            title_chars, _, link_chars = caps
            item = self.item
            found = (
                f"<i>{html.escape(self.source_title[: min(200, title_chars)], quote=False)}</i>"
                f" · {_format_time(item.published, lang)}"
            )
            if item.link and len(item.link) <= link_chars and is_web_link(item.link):
                href = html.escape(item.link, quote=True)
                found += f' · <a href="{href}">{t(lang, "alert_open")}</a>'
            self._footers[(lang, caps)] = found
        return found


def render_stored(
    *,
    title: str,
    text: str,
    link: str | None,
    published: float,
    source_title: str,
    lang: str,
    head: str,
    spans: str,
) -> str:
    """An alert from what the outbox stores of it (its body's headline, language and spans,
    its item's columns): the text ItemAlerts.render gave for it when it was queued."""
    item = Item("", "", link, title, text, datetime.fromtimestamp(published, UTC), lang)
    return ItemAlerts(item, source_title, ()).compose(head, decode_spans(spans), lang)


def mark_repeat(text: str, lang: str) -> str:
    """A resend after a crash or timeout: the chat may have it already, so say so."""
    return f"{text}\n{t(lang, 'alert_repeat')}"
