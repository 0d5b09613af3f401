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

import logging
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from mypy_extensions import mypyc_attr

from bot.matching.atoms import AtomHits, AtomIndex, stems
from bot.matching.forms import term_forms
from bot.matching.mentions import mention
from bot.matching.query import (
    Atom,
    Node,
    Query,
    QueryError,
    evaluate,
    parse_query,
    positive_atoms,
)
from bot.matching.saved_forms import FormsWriter, append_forms, read_forms
from bot.matching.scanning import Batch, Keys
from bot.matching.text import Normalized
from bot.models import Field, Mention

__all__ = ["KeywordIndex", "term_forms"]

log = logging.getLogger(__name__)


@mypyc_attr(allow_interpreted_subclasses=True)  # InterimWatchTerms
class KeywordIndex:
    """Every watch query of every chat, found in one pass over an item."""

    def __init__(self, forms_file: Path | None = None, alongside: Keys | None = None) -> None:
        """`forms_file`: where words' and phrases' forms are saved (`bot.matching.saved_forms`)
        so that `load` at the next start does not expand them again; None: not saved.
        `alongside`: keys to find in the same search (`find_alongside`)."""
        self._forms_file = forms_file
        self._forms_writer: FormsWriter | None = None
        # query text -> its formula; None for a plain word or phrase watched as typed (its
        # text is its one atom's key, as with most queries): no Query and Atom objects for
        # those, 9 MB at 100,000 queries
        self._queries: dict[str, Query | None] = {}
        # atom key -> the text of the one query using it, or the texts of several (most
        # atoms have one user: a set each would cost 200 bytes)
        self._users: dict[str, str | set[str]] = {}
        self._atoms = AtomIndex()
        if alongside is not None:
            self._atoms.find_alongside(alongside)
        # query text -> (its root, its positive atoms), for queries lately matched
        self._explaining: dict[str, tuple[Node, tuple[Atom, ...]]] = {}

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, query: object) -> bool:
        return query in self._queries

    @property
    def atom_count(self) -> int:
        return len(self._users)

    def add(self, text: str) -> Query:
        """Watch the query `text` (raises `QueryError` when malformed); again changes nothing."""
        if text in self._queries:
            return self._query(text)
        return self._add(text, _sharing_text(text, parse_query(text)))

    def _query(self, text: str) -> Query:
        """The watched query `text`'s formula."""
        query = self._queries[text]
        return Query(Atom(text)) if query is None else query

    def _add(self, text: str, query: Query | None) -> Query:
        """Watch `text`, parsed as `query` (None: a plain word or phrase, `_is_plain`)."""
        if text in self._queries:
            return self._query(text)
        if query is None:
            query = Query(Atom(text))
        self._queries[text] = None if _is_plain(text, query) else query
        for atom in query.atoms:
            users = self._users.get(atom.key)
            if users is None:
                if atom.prefix:
                    self._atoms.add_prefix(atom.text)
                else:
                    self._save(atom.text, self._atoms.add(atom.text))
                self._users[atom.key] = text
            elif isinstance(users, set):
                users.add(text)
            elif users != text:
                self._users[atom.key] = {users, text}
        return query

    def load(self, texts: Iterable[str]) -> list[str]:
        """Watch many queries at once (at start-up); returns those that do not parse.

        Words and phrases whose forms `forms_file` holds are not expanded again, and the
        file is rewritten with the forms of the words and phrases these queries use. The
        automaton over the saved words' stems is built first, while memory is low (no
        query parsed yet): its build's scratch memory does not sit on top of the index's."""
        if self._forms_file is not None:
            self._atoms.preload(_saved_stems(self._forms_file))
        queries: dict[str, Query | None] = {}  # None: plain (100,000 of them: 9 MB less)
        unreadable: list[str] = []
        for text in texts:
            try:
                parsed = parse_query(text)
            except QueryError:
                unreadable.append(text)
                continue
            queries[text] = None if _is_plain(text, parsed) else parsed
        if self._forms_file is None:
            for text, query in queries.items():
                self._add(text, query)
            return unreadable
        # the atoms' own strings (a plain query's: its text), so that the file's copies are
        # not kept
        needed: dict[str, str] = {}
        for text, query in queries.items():
            if query is None:
                needed[text] = text
            else:
                needed.update((a.text, a.text) for a in query.atoms if not a.prefix)
        try:
            writer = FormsWriter(self._forms_file)
        except OSError as exc:  # saving only spares time at the next start
            log.warning("event=forms_file_unwritable path=%s error=%s", self._forms_file, exc)
            self._forms_file = None
            return self.load(queries) + unreadable
        for term, forms, line in read_forms(self._forms_file):
            if term in needed and term not in self._atoms:
                self._atoms.add(needed[term], forms)
                writer.copy(line)
        self._forms_writer = writer
        try:
            for text, query in queries.items():
                self._add(text, query)
        finally:
            self._forms_writer = None
            writer.close()
        self._atoms.settle()
        return unreadable

    def _save(self, term: str, forms: Collection[str]) -> None:
        if not forms or self._forms_file is None:
            return
        if self._forms_writer is not None:
            self._forms_writer.write(term, forms)
        else:
            try:
                append_forms(self._forms_file, term, forms)
            except OSError as exc:
                log.warning("event=forms_file_unwritable path=%s error=%s", self._forms_file, exc)

    def remove(self, text: str) -> None:
        """Stop watching the query `text`; unknown queries are ignored."""
        if text not in self._queries:
            return
        query = self._query(text)
        del self._queries[text]
        for atom in query.atoms:
            users = self._users.get(atom.key)
            if users is None:
                continue
            if isinstance(users, set):
                users.discard(text)
                if len(users) == 1:
                    self._users[atom.key] = users.pop()
                continue
            if users == text:
                del self._users[atom.key]
                if atom.prefix:
                    self._atoms.remove_prefix(atom.text)
                else:
                    self._atoms.remove(atom.text)

    def _user_texts(self, key: str) -> tuple[str, ...] | set[str]:
        users = self._users.get(key)
        if users is None:
            return ()
        return users if isinstance(users, set) else (users,)

    def find(self, title: str, text: str) -> list[Mention]:
        """One mention per (matching query, atom occurrence that supports it), title first."""
        return self.matching(self._atoms.find(title, text))

    def prepare(self) -> None:
        """Ready the index for `scan` (`find` does it itself)."""
        self._atoms.prepare()

    def find_alongside(self, keys: Keys) -> None:
        """Find `keys` too, in the same search (`scan`): the gazetteer's forms, first in the
        automaton, so one pass over an item finds regions and watch terms. Their hits, on
        patterns below `first_own`, are left to their reader. A change rebuilds the automaton
        at the next search."""
        self._atoms.find_alongside(keys)

    @property
    def first_own(self) -> int:
        """`scan`'s base hits on patterns below this are the `find_alongside` keys'."""
        return self._atoms.first_own

    def scan(self, batch: Batch) -> list[AtomHits]:
        """The index's hits in each normalized text (after `prepare`): GIL-free, any thread.
        `atom_mentions` turns them into mentions, and `matching` those into matches."""
        return self._atoms.scan(batch)

    def atom_mentions(
        self, field: Field, original: str, norm: Normalized, hits: AtomHits
    ) -> list[Mention]:
        return self._atoms.mentions(field, original, norm, hits)

    def matching(self, found: list[Mention]) -> list[Mention]:
        """The queries that atom mentions `found` (title's first) make true, as in `find`."""
        if not found:
            return []
        by_key: dict[str, list[Mention]] = {}
        for atom_mention in found:
            known = by_key.get(atom_mention.value)
            if known is None:
                by_key[atom_mention.value] = [atom_mention]
            else:
                known.append(atom_mention)
        users = self._users
        candidates: set[str] = set()
        for key in by_key:
            user = users.get(key)
            if isinstance(user, str):
                candidates.add(user)
            elif user is not None:
                candidates |= user
        queries = self._queries
        fields: dict[str, set[Field]] = {}  # atom key -> where it was found, once needed
        result: list[Mention] = []
        for query_text in sorted(candidates):
            query = queries[query_text]
            if query is None:  # the usual query, a plain word: its atom's mentions are its own
                result += by_key[query_text]
                continue
            root = query.root
            if isinstance(root, Atom):  # true wherever its atom is found
                _add_supporting(result, query_text, root, by_key)
                continue
            if not fields:
                fields.update((k, {m.field for m in ms}) for k, ms in by_key.items())
            if evaluate(root, lambda atom: _present(atom, fields)):
                start = len(result)
                atoms = self._positive_atoms(query_text, root)
                for atom in atoms:
                    _add_supporting(result, query_text, atom, by_key)
                if len(atoms) > 1 and len(result) - start > 1:
                    # two atoms may find the same words ("дрон OR дрон*"): reported once.
                    # Only here: the mentions of one atom differ, and those of two queries
                    # differ in their value
                    result[start:] = dict.fromkeys(result[start:])
        if len(result) > 1:
            result.sort(key=_title_first)
        return result

    def _positive_atoms(self, query_text: str, root: Node) -> tuple[Atom, ...]:
        """`positive_atoms(root)` of the query `query_text`, kept for the last few queries
        that matched (working them out again costs more than the rest of `matching`)."""
        known = self._explaining.get(query_text)
        if known is not None and known[0] is root:
            return known[1]
        atoms = positive_atoms(root)
        if len(self._explaining) >= _EXPLAINING:
            self._explaining.clear()
        self._explaining[query_text] = (root, atoms)
        return atoms


_EXPLAINING = 1024  # queries whose positive atoms `KeywordIndex` keeps at most


def _present(atom: Atom, fields: dict[str, set[Field]]) -> bool:
    """Whether `atom` is found (in its field), given where each atom key was found."""
    where = fields.get(atom.key, ())
    return bool(where) and (atom.field is None or atom.field in where)


def _add_supporting(
    result: list[Mention], query_text: str, atom: Atom, by_key: dict[str, list[Mention]]
) -> None:
    """The mentions of `atom` (in its field) as mentions of the query `query_text`."""
    key = atom.key
    found = by_key.get(key, ())
    if key == query_text and atom.field is None:  # a one-word query: the atom's mentions
        result += found
        return
    for m in found:
        if atom.field is None or m.field == atom.field:
            if m.value == query_text:
                result.append(m)
            else:
                result.append(mention("term", query_text, m.surface, m.field, m.start, m.end))


_FIELD_ORDER: dict[Field, int] = {"title": 0, "text": 1}


def _title_first(mention: Mention) -> tuple[int, int, int]:
    return _FIELD_ORDER[mention.field], mention.start, mention.end


def _is_plain(text: str, query: Query) -> bool:
    """Whether `query` is one word or phrase, anywhere, with `text` as its key: `/watch дрон`
    (not `Дрон`, `дрон*` or `title:дрон`). Its atom is then known by the text alone."""
    root = query.root
    return isinstance(root, Atom) and not root.prefix and root.field is None and root.text == text


def _sharing_text(text: str, query: Query) -> Query:
    """`query`, its one word made the same string as its text ("дрон"): one copy, not two."""
    root = query.root
    if isinstance(root, Atom) and root.text == text and root.text is not text:
        return Query(Atom(text, root.prefix, root.field))
    return query


def _saved_stems(forms_file: Path) -> Iterator[str]:
    """The stems of the forms saved in `forms_file`, one at a time (a generator function:
    mypyc makes a generator expression a list)."""
    for _, forms, _ in read_forms(forms_file):
        for stem, _, _ in stems(forms):
            yield stem
