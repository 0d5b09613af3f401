"""Every watch query's words and phrases expanded into their forms in a process of its own.

    python -m bot.matching.expand_forms FORMS_FILE  < queries, one JSON string per line

Writes FORMS_FILE as `KeywordIndex.load` would have (`bot.matching.saved_forms`): one line
per word or phrase the queries use, with its forms from `term_forms`; queries that do not
parse are skipped. The bot runs this when it finds no saved forms (a first start, or new
expansion code or dictionaries) and then loads the queries from the file, so pymorphy3's
dictionaries (about 45 MB) and the expansion's garbage never enter the bot's own memory, and
the expansion's CPU does not hold the bot's GIL. Exit status 0 once the file is whole.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.matching.forms import term_forms
from bot.matching.query import QueryError, parse_query
from bot.matching.saved_forms import FormsWriter


def words_and_phrases(queries: Iterable[str]) -> list[str]:
    """The words and phrases (not prefixes) the queries use, each once, in order of use."""
    seen: dict[str, None] = {}
    for text in queries:
        try:
            query = parse_query(text)
        except QueryError:
            continue
        for atom in query.atoms:
            if not atom.prefix:
                seen.setdefault(atom.text)
    return list(seen)


def write_forms(path: Path, terms: Iterable[str]) -> None:
    """A new forms file holding each term's forms (a term without forms is not written, as
    `KeywordIndex` does not save one)."""
    writer = FormsWriter(path)
    try:
        for term in terms:
            forms = term_forms(term)
            if forms:
                writer.write(term, forms)
    except BaseException:
        writer.discard()
        raise
    writer.close()


def read_queries(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        if line.strip():
            query = json.loads(line)
            if isinstance(query, str):
                yield query


def queries_input(queries: Iterable[str]) -> bytes:
    """What `main` reads on its standard input."""
    return "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries).encode()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.matching.expand_forms FORMS_FILE < queries", file=sys.stderr)
        return 2
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)  # noqa: SIM115
    write_forms(Path(argv[0]), words_and_phrases(read_queries(stdin)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
