"""Telegram's HTML parse mode for the sandbox: validation, visible text, entities, UTF-16 sizes.

It follows TDLib's ``parse_html`` (what the Bot API runs for ``parse_mode=HTML``) closely enough
that the sandbox rejects what Telegram rejects, with the same error texts, and measures text the
way Telegram does (UTF-16 code units, after tags and entities are removed).

One deliberate difference: a bare ``&`` that does not start ``&lt;``, ``&gt;``, ``&amp;``,
``&quot;`` or a numeric reference is an error here, while Telegram keeps it as a literal. The
Bot API docs ask for it to be escaped, and the sandbox exists to catch escaping bugs.

Pure functions over strings; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "span", "tg-spoiler", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip

_ENTITY_TYPE_BY_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "a": "text_link",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_SPACES = " \t\r\n\v"


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(error)`` is TDLib's own wording."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What a Telegram client shows: the visible text and its formatting entities."""

    text: str
    entities: tuple[dict[str, Any], ...]


@dataclass(slots=True)
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the visible text where the tag's content starts
    attributes: dict[str, str] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """The character an ``&...;`` reference at ``index`` stands for, and where it ends."""
    match = _ENTITY_RE.match(source, index)
    if match is None:
        return None
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(decimal, 10) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.i = 0
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 length of the visible text so far
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def ch(self, index: int | None = None) -> str:
        at = self.i if index is None else index
        return self.source[at] if at < len(self.source) else ""

    def fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.out_len += utf16_len(text)

    def run(self) -> ParsedText:
        while self.i < len(self.source):
            char = self.source[self.i]
            if char == "&":
                decoded = _decode_entity(self.source, self.i)
                if decoded is None:
                    at = _byte_offset(self.source, self.i)
                    raise self.fail(f'Character "&" must be escaped as "&amp;" at byte offset {at}')
                self.emit(decoded[0])
                self.i = decoded[1]
            elif char == "<":
                if self.ch(self.i + 1) == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                start = self.i
                while self.i < len(self.source) and self.source[self.i] not in "&<":
                    self.i += 1
                self.emit(self.source[start : self.i])
        if self.stack:
            name = self.stack[-1].name
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{name}"')
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), tuple(entities))

    def start_tag(self) -> None:
        begin = _byte_offset(self.source, self.i)
        self.i += 1
        name_start = self.i
        while self.ch() and self.ch() not in _SPACES and self.ch() != ">":
            self.i += 1
        if not self.ch():
            raise self.fail(f"Unclosed start tag at byte offset {begin}")
        name = self.source[name_start : self.i].lower()
        if name not in SUPPORTED_TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {begin}')
        tag = _OpenTag(name, self.out_len)
        while self.ch() != ">":
            while self.ch() and self.ch() in _SPACES:
                self.i += 1
            if self.ch() == ">":
                break
            attr_start = self.i
            while self.ch() and self.ch() not in _SPACES and self.ch() not in "=>":
                self.i += 1
            attribute = self.source[attr_start : self.i].lower()
            if not attribute:
                raise self.fail(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
            while self.ch() and self.ch() in _SPACES:
                self.i += 1
            if self.ch() != "=":
                if not self.ch():
                    raise self.fail(f'Unclosed start tag "{name}" at byte offset {begin}')
                if name == "blockquote" and attribute == "expandable":
                    tag.attributes["expandable"] = ""
                    continue
                raise self.fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {begin}"
                )
            self.i += 1
            while self.ch() and self.ch() in _SPACES:
                self.i += 1
            if not self.ch():
                raise self.fail(f"Unclosed start tag at byte offset {begin}")
            tag.attributes[attribute] = self.attribute_value()
            if not self.ch():
                raise self.fail(f"Unclosed start tag at byte offset {begin}")
        self.i += 1
        if name == "span" and tag.attributes.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(tag)

    def attribute_value(self) -> str:
        quote = self.ch()
        if quote not in "'\"":
            token_start = self.i
            while self.ch() and (self.ch().isalnum() or self.ch() in ".-"):
                self.i += 1
            if self.ch() and self.ch() not in _SPACES and self.ch() != ">":
                at = _byte_offset(self.source, token_start)
                raise self.fail(f"Unexpected end of name token at byte offset {at}")
            return self.source[token_start : self.i].lower()
        self.i += 1
        value: list[str] = []
        while self.ch() and self.ch() != quote:
            decoded = _decode_entity(self.source, self.i) if self.ch() == "&" else None
            if decoded is not None:
                value.append(decoded[0])
                self.i = decoded[1]
            else:
                value.append(self.ch())
                self.i += 1
        if self.ch() == quote:
            self.i += 1
        return "".join(value)

    def end_tag(self) -> None:
        begin = _byte_offset(self.source, self.i)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {begin}")
        self.i += 2
        name_start = self.i
        while self.ch() and self.ch() not in _SPACES and self.ch() != ">":
            self.i += 1
        end_name = self.source[name_start : self.i].lower()
        while self.ch() and self.ch() in _SPACES:
            self.i += 1
        if self.ch() != ">":
            raise self.fail(f"Unclosed end tag at byte offset {begin}")
        self.i += 1
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        length = self.out_len - tag.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPE_BY_TAG[tag.name],
            "offset": tag.offset,
            "length": length,
        }
        if tag.name == "a":
            href = tag.attributes.get("href", "")
            if not href:
                return
            entity["url"] = href
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
        elif tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            language = tag.attributes.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].attributes["language"] = language.removeprefix("language-")
                return
        elif tag.name == "pre" and tag.attributes.get("language"):
            entity["language"] = tag.attributes["language"]
        self.entities.append(entity)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into visible text and entities, or raise ``EntityParseError``."""
    return _Parser(source).run()
