"""Watch terms' surface forms saved in a file, so that a restart does not run pymorphy3 again.

Expanding a term (`bot.matching.forms.term_forms`) takes about 0.2 ms; 100,000 terms take
20 s. The index writes what it has expanded under a header naming the code and the
dictionaries that made them; a file with another header is ignored, so a change to the
expansion rules or an upgraded pymorphy3 simply expands every term again.
One JSON line per term, `[term, form, ...]`: a term added at run time is appended, and a
line cut short by a crash is skipped (its term is expanded again). At start-up the index
rewrites the file with only the terms still watched. Only file I/O here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import TextIO

_SOURCES = ("forms.py", "morph.py", "text.py")


@functools.cache
def header() -> str:
    """What made the forms: the expansion code and the dictionaries' versions."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for package in ("pymorphy3", "pymorphy3-dicts-ru", "pymorphy3-dicts-uk"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    return f"lookout-forms 1 {digest.hexdigest()[:16]}"


def is_current(path: Path) -> bool:
    """Whether the file exists and was made by this code and these dictionaries."""
    try:
        with path.open(encoding="utf-8") as lines:
            return lines.readline().rstrip("\n") == header()
    except (OSError, UnicodeDecodeError):
        return False


def read_forms(path: Path) -> Iterator[tuple[str, list[str], str]]:
    """(term, forms, line) rows of a saved file; nothing when it is missing or stale."""
    try:
        lines = path.open(encoding="utf-8")
    except OSError:
        return
    with lines:
        if lines.readline().rstrip("\n") != header():
            return
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, list) and row and all(isinstance(x, str) for x in row):
                yield row[0], row[1:], line


class FormsWriter:
    """A new forms file, written as terms come, that replaces the old one on `close`."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._temporary = path.with_name(path.name + ".tmp")
        self._out: TextIO = self._temporary.open("w", encoding="utf-8")
        self._out.write(header() + "\n")

    def write(self, term: str, forms: Iterable[str]) -> None:
        self._out.write(_line(term, forms))

    def copy(self, line: str) -> None:
        """Keep a line read by `read_forms` as it was."""
        self._out.write(line if line.endswith("\n") else line + "\n")

    def close(self) -> None:
        self._out.close()
        os.replace(self._temporary, self._path)

    def discard(self) -> None:
        """Give up: the old file stays as it was."""
        self._out.close()
        self._temporary.unlink(missing_ok=True)


def append_forms(path: Path, term: str, forms: Iterable[str]) -> None:
    """Add one term's forms to the file (started afresh when missing or stale)."""
    if not is_current(path):
        writer = FormsWriter(path)
        writer.write(term, forms)
        writer.close()
        return
    with path.open("a", encoding="utf-8") as out:
        out.write(_line(term, forms))


def _line(term: str, forms: Iterable[str]) -> str:
    return json.dumps([term, *sorted(forms)], ensure_ascii=False) + "\n"
