"""Lookout's hot path compiled to C by mypyc where the machine can: the same code, faster.

    python -m bot.native_build [--if-stale]    compile `MODULES` into build/native/

The modules in `MODULES` (matching, feed parsing, story terms, alert bodies, the poll's
write path) are plain, fully typed Python. mypyc compiles them, as it compiles mypy and
black, into C extensions that run the same code faster (bench_match: 49,900 -> 58,100
items/s; bench_ingest: 10,400 -> 11,600). The build needs mypy (the dev extras) and a C
compiler: `bot.native_build`, which `python3 dev.py` runs before `run`, `test` and `bench`.

The extensions go to `build/native/` beside the `bot` package, never among the sources, and
are only used while they are the sources' own: the build writes a stamp, a digest of the
sources and of the interpreter, and `extend` (which `bot/__init__.py` and each compiled
module's package call on their `__path__`) puts the folder first on the package's path only
while the stamp matches. A module edited since, a different Python, a missing compiler or
`LOOKOUT_NATIVE=0` all leave Lookout importing its sources, the reference behaviour: the
compiled code is never stale, and never needed. (A wheel built with LOOKOUT_COMPILE=1,
setup.py, installs its compiled modules beside the sources instead: `installed_compiled`.)
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the folder that holds the `bot` package
HOME = ROOT / "build" / "native"
STAMP = "stamp"
GROUP = "bot._native"  # the shared library's module (mypyc's group): bot/_native__mypyc

# compiled, as `bot/...` paths: none of it subclassed by interpreted code unless it says so
# (mypyc's allow_interpreted_subclasses). Not bot/postings.py: compiled code boxes an int
# anew each time it stores one, so a position filed under an item's 33 terms would be 33 int
# objects where the interpreter shares one (the story pool: 2.6 KB an item, not 1.1)
MODULES = (
    "bot/matching/atoms.py",
    "bot/matching/folding.py",
    "bot/matching/item_matcher.py",
    "bot/matching/keywords.py",
    "bot/matching/query.py",
    "bot/matching/regions.py",
    "bot/matching/scanning.py",
    "bot/sources/dates.py",
    "bot/sources/html_text.py",
    "bot/sources/jsonfeed.py",
    "bot/sources/normalize.py",
    "bot/sources/parse.py",
    "bot/sources/telegram_channel.py",
    "bot/sources/xmlfeeds.py",
    "bot/stories.py",
    "bot/delivery/enqueue.py",
    "bot/delivery/fold.py",
    "bot/delivery/render.py",
    "bot/pipeline.py",
    "bot/store/items.py",
    "bot/store/outbox.py",
    "bot/store/stories.py",
)


def fingerprint(root: Path = ROOT) -> str:
    """A digest of this interpreter and of every module of the `bot` package as it is: the
    compiled modules, and those whose types they were compiled against (3 ms)."""
    digest = hashlib.sha256(sys.version.encode())
    for module in sorted((root / "bot").rglob("*.py")):
        digest.update(module.relative_to(root).as_posix().encode() + b"\0")
        digest.update(module.read_bytes())
    return digest.hexdigest()


def in_use(home: Path = HOME) -> bool:
    """Whether compiled modules are imported instead of the sources: those in `home`, built
    by this interpreter from the sources as they are and not turned off (`LOOKOUT_NATIVE=0`),
    or those a compiled wheel installed beside the sources (`installed_compiled`)."""
    return installed_compiled() or (os.environ.get("LOOKOUT_NATIVE") != "0" and built(home))


@functools.cache
def installed_compiled() -> bool:
    """Whether this `bot` package was installed from a wheel built with LOOKOUT_COMPILE=1
    (setup.py): its compiled modules sit beside their sources, and Python imports them first.
    Such a package never changes, so nothing can make them stale."""
    return any(Path(__file__).parent.glob(GROUP.rpartition(".")[2] + "__mypyc.*"))


@functools.cache
def built(home: Path = HOME) -> bool:
    """Whether `home` holds a build of the sources as they are, by this interpreter (read
    once a process: a build meanwhile is used from the next start on)."""
    try:
        return (home / STAMP).read_text(encoding="ascii") == fingerprint()
    except OSError:  # never built; or the sources are not beside us (an installed package)
        return False


def extend(path: list[str], package: str, home: Path = HOME) -> list[str]:
    """A package's `__path__` with its compiled modules' folder first, while `in_use`."""
    folder = home.joinpath(*package.split("."))
    return [str(folder), *path] if in_use(home) and folder.is_dir() else path
