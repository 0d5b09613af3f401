"""Compile `bot.native.MODULES` with mypyc (see `bot.native`).

    python -m bot.native_build [--if-stale]

Needs mypy and setuptools (the dev extras) and a C compiler; takes about 40 s. `setup.py`
compiles the same `extensions` into a wheel (LOOKOUT_COMPILE=1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.native import GROUP, HOME, MODULES, ROOT, STAMP, built, fingerprint

if TYPE_CHECKING:
    from setuptools import Extension


def compiler() -> str | None:
    """The C compiler setuptools would call ($CC, else sysconfig's), if this machine has it."""
    named = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return shutil.which(named.split()[0])


def extensions(target_dir: str) -> list[Extension]:
    """`MODULES` as setuptools extensions, their C written into `target_dir` (run from ROOT:
    mypycify reads the paths, and pyproject.toml's mypy settings, from there)."""
    from mypyc.build import mypycify  # the dev extras' mypy: only a build needs it

    return mypycify(list(MODULES), opt_level="3", group_name=GROUP, target_dir=target_dir)


def build(home: Path = HOME) -> None:
    """Compile `MODULES` into `home` (emptied first), then write the stamp that puts them
    in use. Raises whatever mypyc or the C compiler raise; `home` then has no stamp."""
    from setuptools import Distribution

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    source = fingerprint()
    with tempfile.TemporaryDirectory(prefix="lookout-native-") as scratch:
        cwd = Path.cwd()
        os.chdir(ROOT)
        try:
            dist = Distribution({"name": "lookout-native", "ext_modules": extensions(scratch)})
            command = dist.get_command_obj("build_ext")
            command.build_lib = str(home)
            command.build_temp = str(Path(scratch) / "temp")
            command.parallel = os.cpu_count() or 1
            dist.run_command("build_ext")
        finally:
            os.chdir(cwd)
    (home / STAMP).write_text(source, encoding="ascii")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.native_build", description=__doc__)
    parser.add_argument("--if-stale", action="store_true", help="only if not built already")
    args = parser.parse_args(argv)
    if args.if_stale and built():
        print(f"compiled modules up to date ({HOME})")
        return 0
    # what it says goes to stderr: `dev.py` shows that and hides the compiler's commands
    if compiler() is None:  # said at once, not after mypyc's 10 s of type checking
        print("not compiled (no C compiler): plain Python", file=sys.stderr)
        return 1
    print(f"compiling {len(MODULES)} modules with mypyc (bot.native) ...", file=sys.stderr)
    try:
        build()
    except (Exception, SystemExit) as error:  # mypyc exits on a type error; gcc raises
        print(f"not compiled ({type(error).__name__}: {error}): plain Python", file=sys.stderr)
        return 1
    print(f"compiled {len(MODULES)} modules into {HOME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
