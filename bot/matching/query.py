"""The watch-query language: parse what a user types after /watch into a boolean formula.

    дрон                      a word, in any inflected form
    "отключение света"        a phrase: its words in sequence, inflected
    дрон*                     any word starting with "дрон" (дроны, дронов, дроновод...)
    дрон OR беспилотник       either (also ИЛИ, АБО)
    дрон AND белгород         both (also И, І); two terms side by side mean the same
    дрон NOT учения           NOT (also НЕ) or -учения: the item must not mention it
    (дрон OR бпла) белгород   parentheses group
    title:дрон                only in the title; title:"phrase", title:(a OR b)

Operators count only in capitals ("or" is a word). A malformed query raises `QueryError`
(a `UserInputError`) saying what is wrong and at which column (1-based). A hand-written
recursive-descent parser: user input is never compiled as a regular expression. `str()` of
a `Query` is its canonical text, which parses back to the same query; a one-word query's
canonical text is the word itself, as a plain watch term always was.

Pure: no I/O, no index. Which atoms an item contains is `bot.matching.keywords`' job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import UserInputError
from bot.matching.text import normalize_phrase
from bot.models import Field

MAX_QUERY_CHARS = 200
MAX_ATOMS = 20
MAX_DEPTH = 10
MIN_PREFIX_CHARS = 2

_QUOTES = frozenset('"“”«»„')
_SPECIAL = _QUOTES | frozenset("()")
_OR_WORDS = frozenset({"OR", "ИЛИ", "АБО"})
_AND_WORDS = frozenset({"AND", "И", "І"})
_NOT_WORDS = frozenset({"NOT", "НЕ"})
_FIELDS: dict[str, Field] = {"title": "title", "заголовок": "title"}


class QueryError(UserInputError):
    """A malformed watch query. `reason` names the problem (an i18n key after "query_")."""

    def __init__(self, reason: str, column: int, token: str = "") -> None:
        self.reason = reason
        self.column = column  # 1-based; 0 when the problem is the query as a whole
        self.token = token
        super().__init__(f"{reason} at {column}" + (f": {token}" if token else ""))


@dataclass(frozen=True, slots=True)
class Atom:
    """A word, phrase or prefix, optionally only in one field."""

    text: str  # as watched: lowercased unless an acronym ("ПВО"); a prefix without its "*"
    prefix: bool = False
    field: Field | None = None  # None: title or text

    @property
    def key(self) -> str:
        """What the keyword index knows this atom by (a prefix ends in "*")."""
        return f"{self.text}*" if self.prefix else self.text


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Atom | Not | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    root: Node

    def __str__(self) -> str:
        return _render(self.root)

    @property
    def atoms(self) -> tuple[Atom, ...]:
        """Every atom, in query order, without repeats."""
        return tuple(dict.fromkeys(_atoms(self.root, negated=None)))

    @property
    def positive_atoms(self) -> tuple[Atom, ...]:
        """Atoms not under NOT: the ones whose matches explain (and highlight) an alert."""
        return positive_atoms(self.root)

    def matches(self, found: Callable[[Atom], bool]) -> bool:
        """Whether the formula holds, given which atoms the item contains."""
        return evaluate(self.root, found)


def positive_atoms(node: Node) -> tuple[Atom, ...]:
    """The atoms of `node` not under NOT, in order, without repeats."""
    return tuple(dict.fromkeys(_atoms(node, negated=False)))


def evaluate(node: Node, found: Callable[[Atom], bool]) -> bool:
    if isinstance(node, Atom):
        return found(node)
    if isinstance(node, Not):
        return not evaluate(node.child, found)
    if isinstance(node, And):
        return all(evaluate(c, found) for c in node.children)
    return any(evaluate(c, found) for c in node.children)


def _atoms(node: Node, negated: bool | None, inverted: bool = False) -> list[Atom]:
    if isinstance(node, Atom):
        return [node] if negated is None or negated == inverted else []
    if isinstance(node, Not):
        return _atoms(node.child, negated, not inverted)
    return [a for c in node.children for a in _atoms(c, negated, inverted)]


# --- rendering -----------------------------------------------------------------------------


def _render(node: Node) -> str:
    if isinstance(node, Atom):
        return _render_atom(node)
    if isinstance(node, Not):
        inner = _render(node.child)
        return f"-{inner}" if isinstance(node.child, Atom) else f"-({inner})"
    if isinstance(node, And):
        return " ".join(
            f"({_render(c)})" if isinstance(c, Or) else _render(c) for c in node.children
        )
    return " OR ".join(_render(c) for c in node.children)


def _render_atom(atom: Atom) -> str:
    scope = "title:" if atom.field == "title" else ""
    if atom.prefix:
        return f"{scope}{atom.text}*"
    if _needs_quotes(atom.text):
        return f'{scope}"{atom.text}"'
    return f"{scope}{atom.text}"


def _needs_quotes(text: str) -> bool:
    return (
        " " in text
        or text in _OR_WORDS | _AND_WORDS | _NOT_WORDS
        or text.startswith("-")
        or text.endswith("*")
        or ":" in text
        or any(ch in _SPECIAL for ch in text)
    )


# --- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "phrase", "prefix", "(", ")", "or", "and", "not", "-", "field", "end"
    text: str
    column: int  # 1-based


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, ch, col))
            i += 1
        elif ch in _QUOTES:
            end = next((j for j in range(i + 1, n) if query[j] in _QUOTES), -1)
            if end < 0:
                raise QueryError("unclosed_quote", col)
            tokens.append(_Token("phrase", query[i + 1 : end], col))
            i = end + 1
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != "-":
            tokens.append(_Token("-", "-", col))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
                j += 1
            word = query[i:j]
            head, colon, rest = word.partition(":")
            if colon and head.lower() in _FIELDS:
                tokens.append(_Token("field", head.lower(), col))
                i += len(head) + 1
                continue
            if colon and head.isalpha() and rest[:1].isalpha():
                raise QueryError("unknown_field", col, head)
            tokens.append(_word_token(word, col))
            i = j
    tokens.append(_Token("end", "", n + 1))
    return tokens


def _word_token(word: str, col: int) -> _Token:
    if word in _OR_WORDS:
        return _Token("or", word, col)
    if word in _AND_WORDS:
        return _Token("and", word, col)
    if word in _NOT_WORDS:
        return _Token("not", word, col)
    if word.rstrip(",.;!?").endswith("*"):
        return _Token("prefix", word.rstrip(",.;!?")[:-1], col)
    return _Token("word", word, col)


# --- parsing -------------------------------------------------------------------------------


def parse_query(raw: str) -> Query:
    """Parse a watch query; raises `QueryError` pointing at the first problem."""
    text = " ".join(raw.split())
    if not text:
        raise QueryError("empty", 0)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError("too_long", MAX_QUERY_CHARS + 1, str(MAX_QUERY_CHARS))
    parser = _Parser(_tokens(text))
    root = parser.expression(depth=0)
    token = parser.peek()
    if token.kind == ")":
        raise QueryError("unopened_paren", token.column)
    query = Query(root)
    if len(query.atoms) > MAX_ATOMS:
        raise QueryError("too_many_terms", 0, str(MAX_ATOMS))
    if query.matches(lambda atom: False):
        raise QueryError("only_negative", 0)
    # The canonical text is what is stored and parsed again at start-up, so it must fit too:
    # "title:(a OR b)" is stored as "title:a OR title:b", and quoting adds characters.
    if len(str(query)) > MAX_QUERY_CHARS:
        raise QueryError("too_long", MAX_QUERY_CHARS + 1, str(MAX_QUERY_CHARS))
    return query


class _Parser:
    """expression := conjunction (OR conjunction)*
    conjunction := unary ([AND] unary)*
    unary := (NOT | "-")* primary
    primary := "(" expression ")" | field ":" primary | word | "phrase" | prefix*
    """

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._pos = 0

    def peek(self) -> _Token:
        return self._tokens[self._pos]

    def _next(self) -> _Token:
        token = self._tokens[self._pos]
        self._pos += 1
        return token

    def expression(self, depth: int) -> Node:
        children = [self._conjunction(depth)]
        while self.peek().kind == "or":
            operator = self._next()
            children.append(self._conjunction(depth, after=operator))
        return children[0] if len(children) == 1 else Or(_flatten(children, Or))

    def _conjunction(self, depth: int, after: _Token | None = None) -> Node:
        children = [self._unary(depth, after)]
        while self.peek().kind not in ("or", ")", "end"):
            operator = self._next() if self.peek().kind == "and" else None
            children.append(self._unary(depth, operator))
        return children[0] if len(children) == 1 else And(_flatten(children, And))

    def _unary(self, depth: int, after: _Token | None) -> Node:
        negations = 0
        while self.peek().kind in ("not", "-"):
            after = self._next()
            negations += 1
        node = self._primary(depth, after)
        for _ in range(negations % 2):
            node = Not(node)
        return node

    def _primary(self, depth: int, after: _Token | None, field: Field | None = None) -> Node:
        token = self.peek()
        if token.kind in ("word", "phrase", "prefix"):
            self._next()
            return _atom(token, field)
        if token.kind == "(":
            if depth >= MAX_DEPTH:
                raise QueryError("too_deep", token.column)
            self._next()
            if self.peek().kind == ")":
                raise QueryError("empty_parens", token.column)
            node = self.expression(depth + 1)
            if self.peek().kind != ")":
                raise QueryError("unclosed_paren", token.column)
            self._next()
            return _scoped(node, field) if field else node
        if token.kind == "field":
            self._next()
            return self._primary(depth, token, _FIELDS[token.text])
        if after is not None:
            raise QueryError("needs_term_after", after.column, after.text)
        if token.kind in ("or", "and"):
            raise QueryError("needs_term_before", token.column, token.text)
        if token.kind == ")":
            raise QueryError("unopened_paren", token.column)
        raise QueryError("needs_term_after", token.column, token.text)


def _flatten(children: list[Node], kind: type[And] | type[Or]) -> tuple[Node, ...]:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return tuple(flat)


def _scoped(node: Node, field: Field) -> Node:
    if isinstance(node, Atom):
        return Atom(node.text, node.prefix, field)
    if isinstance(node, Not):
        return Not(_scoped(node.child, field))
    if isinstance(node, And):
        return And(tuple(_scoped(c, field) for c in node.children))
    return Or(tuple(_scoped(c, field) for c in node.children))


def _atom(token: _Token, field: Field | None) -> Atom:
    if "*" in token.text:
        raise QueryError("star_inside", token.column, token.text)
    words = [_strip_punctuation(w) for w in token.text.split()]
    text = " ".join(w for w in words if w)
    if not any(ch.isalnum() for ch in text):
        raise QueryError("empty_phrase" if token.kind == "phrase" else "no_letters", token.column)
    if token.kind == "prefix":
        stem = normalize_phrase(text)
        if sum(ch.isalnum() for ch in stem) < MIN_PREFIX_CHARS:
            raise QueryError("short_prefix", token.column, str(MIN_PREFIX_CHARS))
        # A prefix is written unquoted, so one that reads as "field:word" once punctuation and
        # accents are gone ("¿o:A*", "o:\u0301a*") would not parse back: refuse it as a field.
        head, colon, rest = stem.partition(":")
        if colon and head in _FIELDS:  # "🙂title:-дрон*" reads back as "title:" then "-дрон*"
            raise QueryError("needs_term_after", token.column, head)
        if colon and head.isalpha() and rest[:1].isalpha():
            raise QueryError("unknown_field", token.column, head)
        return Atom(stem, prefix=True, field=field)
    if text.isupper() and len(text) <= 6:
        return Atom(text, field=field)
    # Lowercase, then strip again: "İ".lower() is "i" plus a combining dot, which the next
    # parse of the stored text would strip, so the query would not read back the same.
    lowered = " ".join(filter(None, (_strip_punctuation(w) for w in text.lower().split())))
    return Atom(lowered or text.lower(), field=field)


def _strip_punctuation(word: str) -> str:
    """ "дрон," → "дрон"; inner punctuation stays ("covid-19", "б/у", "об'єкт")."""
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[start:end]
