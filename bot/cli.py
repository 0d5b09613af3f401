"""The command line: `python -m bot <command>` or `lookout <command>`.

run            start the bot (the sandbox when TELEGRAM_BOT_TOKEN is not set)
fetch-once     poll every configured source once and print what was new and matched
check-config   read the settings and sources files and report problems
parse FILE     print the items of a local feed file as JSON lines
eval FILE      precision, recall and F1 of region and term matching on a labelled corpus
sources        each source's poll state: paused, last success and error, 304 share, next check
pause-source NAME / resume-source NAME   stop polling a source / poll it again at once
backup PATH    a consistent copy of the database, taken while the bot runs
compact        forget what is older than keep_days now, then VACUUM (with the bot stopped)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.config import (
    TOKEN_VARIABLE,
    Settings,
    apply_environment,
    load_settings,
    load_sources,
    token_from_env,
)
from bot.errors import ConfigError, FeedError, LookoutError
from bot.redact import install_redaction

DEFAULT_SETTINGS = Path("config/settings.toml")


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    # httpx logs request URLs, and Bot API URLs contain the token.
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # And should one of them log it anyway (DEBUG, a traceback), it is redacted.
    install_redaction(token_from_env())


def _settings(args: argparse.Namespace) -> Settings:
    return apply_environment(load_settings(Path(args.config)))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import run_production, run_sandbox

    settings = _settings(args)
    if args.port is not None:
        from dataclasses import replace

        settings = replace(settings, sandbox=replace(settings.sandbox, port=args.port))
    _configure_logging(settings.log_level)
    token = token_from_env()
    if token is None:
        logging.getLogger(__name__).info("event=no_token mode=sandbox var=%s", TOKEN_VARIABLE)
        asyncio.run(run_sandbox(settings))
    else:
        asyncio.run(run_production(settings, token, load_sources(settings.sources_file)))
    return 0


def cmd_fetch_once(args: argparse.Namespace) -> int:
    from bot.fetch_once import fetch_once

    settings = _settings(args)
    _configure_logging("WARNING")
    sources = load_sources(Path(args.sources) if args.sources else settings.sources_file)
    database = Path(args.database) if args.database else settings.database
    return asyncio.run(fetch_once(settings, sources, database, sys.stdout))


def cmd_check_config(args: argparse.Namespace) -> int:
    settings = _settings(args)
    sources = load_sources(settings.sources_file)
    kinds: dict[str, int] = {}
    for source in sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    print(f"settings: {args.config} ok (database {settings.database})")
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    print(f"sources: {settings.sources_file} ok ({len(sources)}: {summary})")
    mode = "real Telegram" if token_from_env() else "sandbox (no TELEGRAM_BOT_TOKEN set)"
    print(f"mode: {mode}")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.sources.parse import parse_feed

    path = Path(args.file)
    try:
        body = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        entries = parse_feed(body, kind=args.kind)
    except FeedError as exc:
        print(f"error: {path} is not a feed Lookout can read: {exc}", file=sys.stderr)
        return 1
    for entry in entries:
        record = {
            "guid": entry.guid,
            "link": entry.link,
            "title": entry.title,
            "text": entry.text,
            "published": entry.published.isoformat().replace("+00:00", "Z")
            if entry.published
            else None,
        }
        print(json.dumps(record, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot import eval as evaluation

    argv = [args.file] + (["--json"] if args.json else [])
    return evaluation.main(argv)


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.sources.report import source_records, sources_table
    from bot.store import sources as source_store
    from bot.store.db import Database

    async def show() -> int:
        db = await Database.open(Path(args.database) if args.database else _settings(args).database)
        try:
            states = await source_store.all_sources(db.conn)
        finally:
            await db.close()
        if args.json:
            print(json.dumps(source_records(states), ensure_ascii=False, indent=2))
        else:
            print(sources_table(states, SystemClock().now().timestamp()), end="")
        return 0

    return asyncio.run(show())


def cmd_pause_or_resume(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.store import sources as source_store
    from bot.store.db import Database

    pause = args.command == "pause-source"

    async def change() -> bool:
        db = await Database.open(Path(args.database) if args.database else _settings(args).database)
        now = SystemClock().now().timestamp()
        try:
            async with db.write() as conn:
                if pause:
                    return await source_store.pause_source(conn, args.name, now=now)
                return await source_store.resume_source(conn, args.name, now=now)
        finally:
            await db.close()

    if not asyncio.run(change()):
        print(f"error: no source named {args.name!r}", file=sys.stderr)
        return 1
    print(f"{args.name}: {'paused' if pause else 'resumed, polled at the next tick'}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.store.backup import make_backup

    database = Path(args.database) if args.database else _settings(args).database
    report = make_backup(database, Path(args.path))
    print(
        f"backup: {report.path} ({report.size_bytes} bytes, schema {report.schema_version}, "
        f"{report.pending_outbox} pending alerts, integrity ok)"
    )
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    """What the bot forgets every hour, forgotten now; then VACUUM gives the freed pages
    back to the file system, which the running bot's retention does not."""
    from bot.clock import SystemClock
    from bot.config import MIN_KEEP_DAYS
    from bot.store.db import Database
    from bot.store.retention import Forgotten, forget_old

    settings = _settings(args)
    database = Path(args.database) if args.database else settings.database
    days = settings.storage.keep_days if args.days is None else args.days
    if days != 0 and days < MIN_KEEP_DAYS:
        raise ConfigError(f"--days must be 0 (forget nothing) or at least {MIN_KEEP_DAYS}")
    if not database.is_file():
        print(f"error: no database at {database}", file=sys.stderr)
        return 1

    def size() -> int:
        wal = database.with_name(database.name + "-wal")
        return database.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    async def compact() -> Forgotten:
        db = await Database.open(database)
        try:
            forgotten = await forget_old(db, SystemClock().now().timestamp(), days)
            await db.conn.execute("VACUUM")
            await db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return forgotten
        finally:
            await db.close()

    before = size()
    forgotten = asyncio.run(compact())
    print(
        f"compact: {database}: forgot {forgotten.outbox_rows} outbox rows, "
        f"{forgotten.alert_bodies} alert bodies, {forgotten.items} items, "
        f"{forgotten.stories} stories (older than {days} days); "
        f"{before} -> {size()} bytes"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lookout", description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(DEFAULT_SETTINGS), help="settings file (TOML)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the bot (sandbox without TELEGRAM_BOT_TOKEN)")
    run.add_argument("--port", type=int, help="sandbox web chat port (default from settings)")
    run.set_defaults(func=cmd_run)

    once = sub.add_parser("fetch-once", help="poll every source once, print new and matched")
    once.add_argument("--sources", help="sources file (default from settings)")
    once.add_argument("--database", help="database file (default: a temporary one)")
    once.set_defaults(func=cmd_fetch_once)

    check = sub.add_parser("check-config", help="validate the settings and sources files")
    check.set_defaults(func=cmd_check_config)

    parse = sub.add_parser("parse", help="print a local feed file's items as JSON lines")
    parse.add_argument("file")
    parse.add_argument("--kind", choices=["feed", "telegram"], default="feed")
    parse.set_defaults(func=cmd_parse)

    evaluate = sub.add_parser("eval", help="score matching on a labelled JSONL corpus")
    evaluate.add_argument("file")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(func=cmd_eval)

    show = sub.add_parser("sources", help="each source's poll state (a table, or --json)")
    show.add_argument("--json", action="store_true", help="print JSON records")
    show.add_argument("--database", help="database file (default from settings)")
    show.set_defaults(func=cmd_sources)
    verbs = (("pause", "stop polling a source"), ("resume", "poll a paused source again"))
    for verb, text in verbs:
        change = sub.add_parser(f"{verb}-source", help=text)
        change.add_argument("name", help="the source's name")
        change.add_argument("--database", help="database file (default from settings)")
        change.set_defaults(func=cmd_pause_or_resume)

    backup = sub.add_parser("backup", help="a consistent copy of the database (safe while running)")
    backup.add_argument("path", help="where the copy goes (replaced if it exists)")
    backup.add_argument("--database", help="database file (default from settings)")
    backup.set_defaults(func=cmd_backup)

    compact = sub.add_parser(
        "compact", help="forget what is older than keep_days, then VACUUM (bot stopped)"
    )
    compact.add_argument("--days", type=int, help="days kept (default [storage] keep_days)")
    compact.add_argument("--database", help="database file (default from settings)")
    compact.set_defaults(func=cmd_compact)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except LookoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
