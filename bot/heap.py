"""Handing memory the process no longer uses back to the system, after a one-off job (every
chat's watch queries loaded, pymorphy3's dictionaries let go).

Python returns its own small-object arenas as they empty, but glibc's malloc keeps what was
freed in its heaps (one per thread that allocated) until `malloc_trim` asks for it: after the
load of 100,000 watch queries about 15 MB of RSS.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc (musl, macOS): nothing to ask
        return None
    return trim


def return_freed_memory() -> bool:
    """Ask the C allocator to give its free pages back; False where it cannot be asked."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
