"""How often Python's cycle collector runs in the bot's process: once 10,000 container
objects have been made since the last run, instead of CPython's 700.

A poll of many new items makes tens of thousands of short-lived tuples, lists and
dataclasses. Most are freed at once by reference counting, but those a poll keeps until its
end (its rows, bodies and candidates) outlive several young collections, are walked again in
the older generations, and count towards a collection of the whole heap. Measured with
`bench.bench_ingest`, four runs each alternating with CPython's threshold: 9,410-9,610
items/s against 8,910-9,260; with the heap frozen first, as `bot.watch_loading` leaves the
bot's, 9,060-9,130 against 8,790-9,080. A threshold of 50,000 gained more (9,840-10,210
items/s) but let cyclic garbage wait longer: `bench.bench_memory`'s peak went from 149 to
156 MB, over its 150 MB target. Most of that garbage was httpx's (each response and its
stream refer to each other, about 40 objects a request): `bot.sources.fetch` now breaks that
cycle, and the peak at 25,000 or 50,000 is 150 MB, at the target's edge; at 10,000, 149.
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS = 10_000  # containers made since the last collection that start the next


def collect_rarely() -> None:
    """Run the cycle collector after YOUNG_OBJECTS new containers (CPython's ratios between
    the generations kept)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, old)
