"""Coverage-guided fuzzing (atheris, libFuzzer) of the parsers that read strangers' input.

    python -m tests.fuzz.fuzz_parsers feed     -runs=100000   parse_feed + normalize, any bytes
    python -m tests.fuzz.fuzz_parsers telegram -runs=100000   parse_feed(kind="telegram")
    python -m tests.fuzz.fuzz_parsers query    -runs=100000   parse_query on any text

Any exception other than the parser's own (FeedError, UserInputError) is a crash: libFuzzer
prints the input and exits non-zero. Extra arguments go to libFuzzer (-max_total_time=60,
a corpus directory such as tests/data/peer-feeds/wellformed/rss). The unit test
tests/unit/test_fuzz_atheris.py runs each target briefly.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import atheris

with atheris.instrument_imports(include=["bot"]):
    from bot.errors import FeedError, UserInputError
    from bot.matching.query import parse_query
    from bot.models import Source
    from bot.sources.normalize import normalize
    from bot.sources.parse import parse_feed

NOW = datetime(2024, 6, 1, tzinfo=UTC)
FEED = Source(name="fuzz", title="Fuzz", url="https://example.com/feed")
CHANNEL = Source(name="chan", title="Chan", url="https://t.me/s/channel", kind="telegram")


def _parse_and_normalize(data: bytes, source: Source) -> None:
    """What the pipeline does with a fetched body before storing it."""
    with contextlib.suppress(FeedError):
        for entry in parse_feed(data, url=source.url, kind=source.kind, now=NOW):
            normalize(entry, source, NOW)


def feed(data: bytes) -> None:
    _parse_and_normalize(data, FEED)


def telegram(data: bytes) -> None:
    _parse_and_normalize(data, CHANNEL)


def query(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(400)
    try:
        parsed = parse_query(text)
    except UserInputError:
        return
    if parse_query(str(parsed)) != parsed:
        raise AssertionError(f"{text!r} does not parse back from {str(parsed)!r}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "feed": feed,
    "telegram": telegram,
    "query": query,
}


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in TARGETS:
        raise SystemExit(f"usage: python -m tests.fuzz.fuzz_parsers {{{'|'.join(TARGETS)}}} ...")
    target = TARGETS[argv[1]]
    atheris.Setup([argv[0], *argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
