"""Lookout's package build: the metadata is pyproject.toml's; this adds the compiled modules
when asked.

`pip install .`, and the editable install `dev.py` makes, build plain Python (a source tree
compiles into build/native/ instead: `bot.native`). With LOOKOUT_COMPILE=1, and mypy's mypyc,
setuptools and a C compiler at hand (the dev extras' `.venv`, so `pip wheel
--no-build-isolation`), the wheel carries `bot.native.MODULES` compiled beside their sources,
as `.ci/container-check` builds it for the container image.
"""

import os

from setuptools import setup

extensions = []
if os.environ.get("LOOKOUT_COMPILE") == "1":
    from bot.native_build import extensions as compiled

    extensions = compiled("build/mypyc")

setup(ext_modules=extensions)
