"""How often the GIL changes hands in the bot's process: every 0.05 ms instead of CPython's 5 ms.

The bot runs Python in several threads: the event loop, SQLite's (aiosqlite runs each statement
there, and `sqlite3` lets go of the GIL while SQLite works) and, at start-up, the watch
queries' load (`bot.watch_loading`, which would otherwise hold up the event loop for up to
5 ms at a time). A thread that gives up the GIL for C work must take it back to go on, and
while the event loop renders a poll's alerts it waits up to the switch interval each time.
The outbox INSERTs issued while the alerts are rendered then mostly wait, and the poll waits
for them at the end: at 0.5 ms, SQLite's thread spent about 15 µs an item of
`bench.bench_ingest` waiting for the GIL (its statements' wall time less their CPU time).
At 0.5 ms ingest handled 5.7% more items/s than at 5 ms (12 alternating runs each: 7,250
against 6,860 items/s); at 0.05 ms, 7% more again (three alternating runs of the bench's
median of three: 10,350-10,430 against 9,220-9,790; 0.1 ms gave 9,990-10,450). Switching
more often costs nothing measurable when only one thread has work, nor in the poll, delivery
and memory benches (poll CPU 1.8% of a core at 2,000 sources, delivery 29.9 msg/s, peak RSS
149 MB, start-up 1.14 s).
"""

from __future__ import annotations

import sys

SWITCH_INTERVAL = 0.00005  # seconds


def share_finely() -> None:
    """Hand the GIL over every `SWITCH_INTERVAL` to a thread that waits for it."""
    sys.setswitchinterval(SWITCH_INTERVAL)
