"""Every chat's watch queries, evaluated over one shared index of their words.

A watch query (`bot.matching.query`) is a boolean formula over atoms: words, phrases and
prefixes, some scoped to the title. `KeywordIndex` keeps each distinct query once, however
many chats watch it, and every distinct atom once in one `AtomIndex` (one Aho-Corasick
automaton). Finding the queries an item matches:

    atom mentions (one pass over title and text) | queries that use a mentioned atom
        | those whose formula holds | one Mention per supporting atom mention

A query true with no atom present ("-учения") is refused at parse time, so a query whose
atoms are all absent never matches and only queries that share a mentioned atom are
evaluated. A match's mentions carry the query's canonical text as `value` (what
`watch_terms.term` stores) and point at the words that made it true, for highlighting.
A one-word query is the word: `/watch дрон` reports "дрон", as plain watch terms always did.
"""

from __future__ import annotations

from bot.matching.atoms import AtomIndex
from bot.matching.forms import term_forms
from bot.matching.query import Atom, Query, parse_query
from bot.models import Field, Mention

__all__ = ["KeywordIndex", "term_forms"]


class KeywordIndex:
    """Every watch query of every chat, found in one pass over an item."""

    def __init__(self) -> None:
        self._queries: dict[str, Query] = {}
        self._users: dict[str, set[str]] = {}  # atom key -> texts of the queries using it
        self._atoms = AtomIndex()

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, query: object) -> bool:
        return query in self._queries

    @property
    def atom_count(self) -> int:
        return len(self._users)

    def add(self, text: str) -> Query:
        """Watch the query `text` (raises `QueryError` when malformed); again changes nothing."""
        known = self._queries.get(text)
        if known is not None:
            return known
        query = parse_query(text)
        self._queries[text] = query
        for atom in query.atoms:
            users = self._users.setdefault(atom.key, set())
            if not users:
                if atom.prefix:
                    self._atoms.add_prefix(atom.text)
                else:
                    self._atoms.add(atom.text)
            users.add(text)
        return query

    def remove(self, text: str) -> None:
        """Stop watching the query `text`; unknown queries are ignored."""
        query = self._queries.pop(text, None)
        if query is None:
            return
        for atom in query.atoms:
            users = self._users.get(atom.key)
            if users is None:
                continue
            users.discard(text)
            if not users:
                del self._users[atom.key]
                if atom.prefix:
                    self._atoms.remove_prefix(atom.text)
                else:
                    self._atoms.remove(atom.text)

    def find(self, title: str, text: str) -> list[Mention]:
        """One mention per (matching query, atom occurrence that supports it), title first."""
        found = self._atoms.find(title, text)
        if not found:
            return []
        by_key: dict[str, list[Mention]] = {}
        for mention in found:
            by_key.setdefault(mention.value, []).append(mention)
        candidates = sorted({q for key in by_key for q in self._users.get(key, ())})
        fields: dict[str, set[Field]] = {k: {m.field for m in ms} for k, ms in by_key.items()}

        def present(atom: Atom) -> bool:
            where = fields.get(atom.key, set())
            return bool(where) and (atom.field is None or atom.field in where)

        result: list[Mention] = []
        for query_text in candidates:
            query = self._queries[query_text]
            if not query.matches(present):
                continue
            for atom in query.positive_atoms:
                for m in by_key.get(atom.key, ()):
                    if atom.field is None or m.field == atom.field:
                        result.append(
                            Mention("term", query_text, m.surface, m.field, m.start, m.end)
                        )
        order: dict[Field, int] = {"title": 0, "text": 1}
        result = list(dict.fromkeys(result))
        result.sort(key=lambda m: (order[m.field], m.start, m.end))
        return result
