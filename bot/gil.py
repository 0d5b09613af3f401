"""How often the GIL changes hands in the bot's process: every 0.5 ms instead of CPython's 5 ms.

The bot runs Python in several threads: the event loop, SQLite's (aiosqlite runs each statement
there, and `sqlite3` lets go of the GIL while SQLite works) and, at start-up, the watch
queries' load (`bot.watch_loading`, which would otherwise hold up the event loop for up to
5 ms at a time). A thread that gives up
the GIL for C work must take it back to go on, and while the event loop renders a poll's alerts
it waits up to the switch interval each time. The outbox INSERTs issued while the alerts are
rendered then mostly wait, and the poll waits for them at the end. At 0.5 ms, ingest
(`bench.bench_ingest`) handles 5.7% more items/s (12 alternating runs each: 7,250 against 6,860
items/s); switching more often costs nothing measurable when only one thread has work.
"""

from __future__ import annotations

import sys

SWITCH_INTERVAL = 0.0005  # seconds


def share_finely() -> None:
    """Hand the GIL over every `SWITCH_INTERVAL` to a thread that waits for it."""
    sys.setswitchinterval(SWITCH_INTERVAL)
