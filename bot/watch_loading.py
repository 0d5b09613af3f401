"""Every chat's watch queries, loaded into the shared index while the bot already polls:

    read every watch query | (no saved forms: expand them in a child process)
        | KeywordIndex.load in a worker thread, into an index no one sees
        | replay what chats changed meanwhile | swap the loaded index in | ready

At 100,000 queries `KeywordIndex.load` takes about 2 s from saved forms and 10 s when every
word's forms are expanded, so the bot starts polling and answering chats first. When there
are no saved forms (a first start, or new expansion code or dictionaries), a child process
expands them (`bot.matching.expand_forms`) and the index loads from the file it writes:
pymorphy3's dictionaries and the expansion's garbage stay out of the bot's memory (first
start at 100,000 queries: peak RSS 231 -> 183 MB) and its CPU off the bot's GIL. Should the
child fail, the index expands what it misses itself and lets pymorphy3 go once loaded. The
index is built in a worker thread, on its own `KeywordIndex`, so no other code sees it
half-built. The bot's process hands the GIL over often (`bot.gil`), so the event loop is not
starved meanwhile: at CPython's 5 ms its longest stall during a 100,000-query load was 260
ms, at 0.5 ms 75 ms (the load 2.4 -> 2.9 s).
Until the index is swapped in, chats' /watch and /unwatch change an `InterimWatchTerms`,
which journals them; the journal is replayed onto the loaded index and the index swapped in
within one step of the event loop, so no change is lost. The pipeline waits for the load
before it stores and matches new items (bot.pipeline), so no item is matched against part of
the queries. Reads the database; writes only the forms file (through `KeywordIndex`, or the
child).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import bot
from bot.heap import return_freed_memory
from bot.matching.expand_forms import queries_input
from bot.matching.keywords import KeywordIndex
from bot.matching.morph import release_analyzers
from bot.matching.query import Query
from bot.matching.saved_forms import is_current
from bot.matching.scanning import Keys
from bot.store import chats
from bot.store.db import Database

log = logging.getLogger(__name__)


class InterimWatchTerms(KeywordIndex):
    """The index chats change while the full one loads: an ordinary index that also journals
    each change, as (query, watched), for `replay` onto the loaded one."""

    def __init__(self) -> None:
        super().__init__(None)  # the loading index owns the forms file
        self.journal: list[tuple[str, bool]] = []

    def add(self, text: str) -> Query:
        query = super().add(text)
        self.journal.append((text, True))
        return query

    def remove(self, text: str) -> None:
        super().remove(text)
        self.journal.append((text, False))


def replay(journal: list[tuple[str, bool]], index: KeywordIndex) -> None:
    """Apply chats' changes, in their order, to an index loaded from an earlier reading."""
    for text, watched in journal:
        if watched:
            index.add(text)
        else:
            index.remove(text)


def build_index(
    queries: list[str], forms_file: Path | None, alongside: Keys | None = None
) -> KeywordIndex:
    """Every query in a new index, ready to search (run in a worker thread), its automaton
    finding `alongside` too (the gazetteer's forms: `KeywordIndex.find_alongside`); what the
    load freed is handed back to the system."""
    index = KeywordIndex(forms_file, alongside)
    for query in index.load(queries):  # stored before queries were parsed
        log.warning("event=unreadable_watch_query term=%r", query)
    index.find("lookout", "")  # builds the automaton here rather than on the loop
    if release_analyzers():  # words were expanded here: pymorphy3 goes until the next /watch
        gc.collect()
    return_freed_memory()
    # The index's objects (about 700,000 at 100k queries) live as long as the bot: frozen, the
    # cycle collector no longer walks them, a full collection of which took 150-260 ms of the
    # event loop's time each, several times during the first polls.
    gc.freeze()
    return index


async def expand_forms_apart(queries: list[str], forms_file: Path) -> bool:
    """Write the forms of every word and phrase of `queries` to `forms_file` in a child
    process (`bot.matching.expand_forms`); False, with a warning, when that failed."""
    command = [sys.executable, "-m", "bot.matching.expand_forms", str(forms_file)]
    try:
        child = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=child_environment(os.environ),
        )
    except OSError as exc:
        log.warning("event=forms_expansion_failed error=%s", exc)
        return False
    try:
        _, errors = await child.communicate(await asyncio.to_thread(queries_input, queries))
    except BaseException:  # cancelled (the bot stops): the child goes too
        with contextlib.suppress(ProcessLookupError):
            child.kill()
        await child.wait()
        raise
    if child.returncode:
        last = "".join(errors.decode(errors="replace").strip().splitlines()[-1:])
        log.warning("event=forms_expansion_failed code=%s error=%r", child.returncode, last)
        return False
    return True


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with this `bot` package first on the child's import path, so that the child
    runs the same code (and writes the header this code reads)."""
    home = str(Path(bot.__file__).resolve().parent.parent)
    path = environ.get("PYTHONPATH")
    return {**environ, "PYTHONPATH": home if not path else os.pathsep.join([home, path])}


async def load_watch_terms(
    db: Database,
    forms_file: Path | None,
    interim: InterimWatchTerms,
    install: Callable[[KeywordIndex], None],
    alongside: Keys | None = None,
) -> KeywordIndex:
    """Load every chat's watch queries, then `install` the index in the interim one's place.

    `interim` must be in place (where chats' commands reach it) before this starts.
    `alongside`: keys its automaton finds too (`build_index`)."""
    started = time.perf_counter()
    queries = await chats.all_watch_terms(db.conn)
    if queries and forms_file is not None and not is_current(forms_file):
        await expand_forms_apart(queries, forms_file)
    building = asyncio.ensure_future(asyncio.to_thread(build_index, queries, forms_file, alongside))
    try:
        index = await asyncio.shield(building)
    except asyncio.CancelledError:
        # A thread cannot be stopped: wait for it, so the forms file it writes is whole
        # before another start can read it.
        with contextlib.suppress(Exception):
            await building
        raise
    replay(interim.journal, index)  # no await from here to `install`: no change slips between
    install(index)
    log.info(
        "event=watch_terms_loaded watch_terms=%d changed_meanwhile=%d seconds=%.2f",
        len(index),
        len(interim.journal),
        time.perf_counter() - started,
    )
    return index
