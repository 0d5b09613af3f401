"""HTML fragments from feeds turned into plain text.

Feed descriptions are small, often broken HTML. Lookout only needs their words, so this is a
deliberately simple, fast converter built on regular expressions rather than an HTML parser:

* scripts, styles and comments are dropped with their content;
* ``<br>`` and block elements (p, div, li, h1-h6, tr, td, blockquote, ...) become line
  breaks (table cells too: cheaper than a separate pass, and news tables are rare); every other
  tag disappears;
* entities are decoded (``html.unescape``), then whitespace is collapsed: spaces within a line,
  empty lines dropped. No-break spaces count as spaces; soft hyphens and zero-width characters go.

The output is plain text, never markup: whoever displays it escapes it again.
"""

from __future__ import annotations

import functools
import html
import re

__all__ = [
    "LINE_MARK",
    "collapse_line",
    "html_to_line",
    "html_to_text",
    "line_marks",
    "marked_lines",
    "plain_text",
]

_DROP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_NAMES = (
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot blockquote pre"
    " section article aside header footer nav figure figcaption address center details summary"
    " main form fieldset caption"
).split()


def _by_first_letter(names: list[str]) -> str:
    """``p|pre|div|dl`` as ``p(?:re)?|d(?:iv|l)``: the same matches (a \\b follows), but the
    regex engine tries one branch per letter instead of every name at every "<"."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(name[1:])
    branches = []
    for first, rests in groups.items():
        alternatives = "|".join(rest for rest in rests if rest)
        optional = "?" if "" in rests else ""
        branches.append(f"{first}(?:{alternatives}){optional}" if alternatives else first)
    return "|".join(branches)


_BLOCK = re.compile(
    rf"<(?:/?(?:\w+:)?(?:{_by_first_letter(_BLOCK_NAMES)})|br|hr)\b[^>]*>", re.IGNORECASE
)
# A tag starts with a letter, "/" or "!"; a lone "<" (as in "a < b") is text.
_TAG = re.compile(r"<(?:/?[A-Za-z][^>]*|![^>]*|\?[^>]*)>")
_BREAK = "\x01"  # stands for a line break while whitespace is collapsed; not whitespace itself
LINE_MARK = f" {_BREAK} "  # what a block tag or <br> becomes
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\ufeff]")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment; lines kept apart by single newlines.

    A fragment without tags is taken as text whose own newlines matter (see plain_text); in one
    with tags, as in a browser, only tags break lines.
    """
    if "<" not in fragment:
        return plain_text(html.unescape(fragment) if "&" in fragment else fragment)
    fragment = _DROP.sub(" ", fragment)
    fragment = _BLOCK.sub(LINE_MARK, fragment)
    fragment = _TAG.sub("", fragment)
    if "&" in fragment:
        fragment = html.unescape(fragment)
    return marked_lines(fragment)


def marked_lines(marked: str) -> str:
    """html_to_text's last step: text whose tags are gone and whose line breaks are LINE_MARK,
    collapsed into lines. For callers that read the tags themselves (an lxml tree)."""
    text = " ".join(_visible(marked).split())
    if _BREAK in text:
        lines = (line.strip() for line in text.split(_BREAK))
        text = "\n".join(line for line in lines if line)
    return text


@functools.lru_cache(maxsize=256)
def line_marks(tag: str) -> tuple[str, str]:
    """What html_to_text turns ``<tag ...>`` and ``</tag>`` into: LINE_MARK or nothing."""
    opening = LINE_MARK if _BLOCK.fullmatch(f"<{tag}>") else ""
    closing = LINE_MARK if _BLOCK.fullmatch(f"</{tag}>") else ""
    return opening, closing


def html_to_line(fragment: str) -> str:
    """html_to_text collapsed to one line, for titles; a fragment without tags takes a shortcut
    (its line breaks would be collapsed anyway)."""
    if "<" not in fragment:
        return collapse_line(html.unescape(fragment) if "&" in fragment else fragment)
    return collapse_line(html_to_text(fragment))


def collapse_line(text: str) -> str:
    """All whitespace, newlines included, collapsed to single spaces; for titles."""
    if _is_collapsed(text):
        return text
    return " ".join(_visible(text).split())


def plain_text(text: str) -> str:
    """Whitespace collapsed within lines, empty lines dropped; for text that is not HTML."""
    if _is_collapsed(text):
        return text
    text = _visible(text)
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _is_collapsed(text: str) -> bool:
    """Whether collapse_line and plain_text would give ``text`` back unchanged: its only white
    space is single spaces between words. Every other white space character, line break and
    character _visible removes is non-printable, so str.isprintable (one C pass) rules them all
    out; most titles and one-line descriptions pass, and skip the split and join."""
    return (
        text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    )


def _visible(text: str) -> str:
    # Four substring tests are ~10x cheaper than a regex scan that finds nothing.
    if "\u00ad" in text or "\u200b" in text or "\u200c" in text or "\ufeff" in text:
        return _INVISIBLE.sub("", text)
    return text
