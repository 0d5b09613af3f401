"""The one place where Lookout is built and wired.

    Lookout = Database + Gazetteer + KeywordIndex (all chats' watch terms)
            + Pipeline (fetch -> parse -> normalize -> store -> match -> outbox)
            + Sender (outbox -> Telegram, paced)
            + retention (every hour: what is older than [storage] keep_days goes)
            + python-telegram-bot Application (chat commands)

`Lookout.start()` opens everything and starts the poll and send loops; `stop()` closes them in
reverse order. `run_sandbox()` puts the local Bot API server, the web chat and the replay of
`seeds/` in front of the same Lookout when there is no token.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from dataclasses import replace
from typing import TYPE_CHECKING

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot import native
from bot.clock import Clock, SystemClock
from bot.collector import collect_rarely
from bot.config import Settings
from bot.delivery.digests import DigestScheduler
from bot.delivery.sender import Sender
from bot.delivery.telegram_port import PtbTelegram
from bot.gil import share_finely
from bot.heap import return_freed_memory
from bot.i18n import LANGUAGES, t
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.matching.morph import release_analyzers
from bot.models import Source
from bot.pipeline import Fetcher, Pipeline
from bot.redact import install_redaction
from bot.sources.fetch import Fetcher as HttpFetcher
from bot.sources.fetch import FetchLimits, make_client
from bot.store import sources as source_store
from bot.store.db import Database
from bot.store.retention import forget_old
from bot.subscriptions import Subscriptions
from bot.telegram.chat_handlers import CHAT_COMMANDS
from bot.telegram.digest_commands import DIGEST_COMMANDS
from bot.telegram.handlers import COMMANDS, add_handlers
from bot.telegram.limits import CommandRateLimit, add_rate_limit
from bot.watch_loading import InterimWatchTerms, load_watch_terms

if TYPE_CHECKING:
    from bot.telegram.webhook import WebhookServer

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0
# pymorphy3's dictionaries (about 45 MB), built again when a chat's /watch or /unwatch needs
# a word's forms, are let go once no chat has needed them for this long.
ANALYZERS_IDLE_SECONDS = 300.0
# The first retention sweep waits until start-up and its first polls are over; then hourly.
FORGET_FIRST_SECONDS = 60.0
FORGET_EVERY_SECONDS = 3600.0


class Lookout:
    def __init__(
        self,
        settings: Settings,
        *,
        token: str,
        sources: list[Source],
        bot_api_base: str | None = None,
        clock: Clock | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.settings = settings
        self.token = token
        self.sources = sources
        self.bot_api_base = bot_api_base
        self.clock = clock or SystemClock()
        self._fetcher = fetcher
        self._stop = asyncio.Event()
        self.stopped = False
        self._tasks: list[asyncio.Task[None]] = []
        self._polling = asyncio.Lock()
        self._started = asyncio.Event()

    def _build_application(self) -> Application:  # type: ignore[type-arg]
        builder = ApplicationBuilder().token(self.token)
        if self.bot_api_base:
            builder = builder.base_url(f"{self.bot_api_base}/bot").base_file_url(
                f"{self.bot_api_base}/file/bot"
            )
        application = builder.build()
        add_handlers(application)
        add_rate_limit(
            application, CommandRateLimit(self.settings.limits.commands_per_minute, self.clock)
        )
        return application

    async def start(self) -> None:
        """Open everything and start polling; returns once chats are answered.

        The first poll starts before the Bot API is reached and while every chat's watch
        queries still load in the background (`bot.watch_loading`): fetches go ahead, and
        items wait for the load before they are stored and matched."""
        install_redaction(self.token)  # before anything can log a Bot API URL
        share_finely()  # the database's thread gets the GIL back sooner
        collect_rarely()  # a poll's many short-lived objects are freed by reference counting
        self.db = await Database.open(self.settings.database)
        async with self.db.write() as conn:
            await source_store.upsert_sources(conn, self.sources)
        self.gazetteer = Gazetteer.load()
        interim = InterimWatchTerms()  # until every chat's watch queries are loaded
        self.watch_terms: KeywordIndex = interim
        self.subscriptions = Subscriptions(
            self.db, self.gazetteer, interim, self.clock, self.settings.limits
        )
        self.matcher = ItemMatcher(self.gazetteer, interim)
        self.watch_terms_loaded = asyncio.create_task(
            self._load_watch_terms(interim), name="watch-terms"
        )
        self._client = None
        fetcher = self._fetcher
        if fetcher is None:
            self._client = make_client()
            fetcher = HttpFetcher(
                self._client, FetchLimits.from_settings(self.settings.fetch), clock=self.clock
            )
        self.pipeline = Pipeline(
            self.db,
            fetcher,
            self.matcher,
            self.clock,
            self.settings.polling,
            self.subscriptions.region_name,
            operators=self.settings.operators,
            delivery=self.settings.delivery,
            matching_ready=self.watch_terms_loaded,
        )
        self.application = self._build_application()
        self.application.bot_data["subscriptions"] = self.subscriptions
        self.application.bot_data["operators"] = frozenset(self.settings.operators)
        self.sender = Sender(
            self.db, PtbTelegram(self.application.bot), self.clock, self.settings.delivery
        )
        await self.sender.recover()  # before the first poll can queue alerts
        self._webhook: WebhookServer | None = None
        self._tasks = [
            asyncio.create_task(self._poll_loop(), name="poll"),
            asyncio.create_task(self._let_go_of_analyzers(), name="analyzers"),
            asyncio.create_task(self._forget_loop(), name="retention"),
        ]
        try:
            await self._start_chat()
        except BaseException:
            await self._abort()
            raise
        self._started.set()
        log.info(
            "event=started sources=%d database=%s compiled=%s",
            len(self.sources),
            self.settings.database,
            "yes" if native.in_use() else "no",  # the hot path as C (bot.native), or Python
        )

    async def _load_watch_terms(self, interim: InterimWatchTerms) -> None:
        database = self.settings.database
        forms_file = (  # watch terms' forms, saved so a restart does not expand them again
            None if str(database) == ":memory:" else database.with_name(database.name + ".forms")
        )
        # After the first poll has begun and chats are answered: the load, in a worker thread,
        # holds the GIL much of the time, and reading the due sources would wait for it.
        await self._started.wait()
        try:
            await load_watch_terms(
                self.db,
                forms_file,
                interim,
                self._install_watch_terms,
                self.gazetteer.matcher.keys,  # one search finds regions and terms
            )
        except Exception:
            # Polls then fail with this error, so no item is matched against part of them.
            log.exception("event=watch_terms_load_failed")
            raise

    def _install_watch_terms(self, index: KeywordIndex) -> None:
        self.watch_terms = self.subscriptions.watch_terms = self.matcher.watch_terms = index

    async def _start_chat(self) -> None:
        """The Bot API side: commands are answered and the outbox sent once this returns."""
        await self.application.initialize()
        self.digests = DigestScheduler(
            self.db, self.clock, self.subscriptions.region_name, wakeup=self.sender.wakeup
        )
        await self.application.start()
        assert self.application.updater is not None
        hook = self.settings.webhook
        if hook.url:
            from bot.telegram.webhook import WebhookServer  # aiohttp: 0.15 s to import

            self._webhook = WebhookServer(
                self.application, listen=hook.listen, port=hook.port, path=hook.path
            )
            await self._webhook.start(hook.url)
        else:
            await self.application.updater.start_polling(poll_interval=0, timeout=10)
        self._tasks += [
            asyncio.create_task(self.sender.run(self._stop), name="send"),
            # Ticks at once: a digest missed while the bot was down goes out now, once.
            asyncio.create_task(self.digests.run(self._stop), name="digests"),
            # The command menu only: chats are answered without it.
            asyncio.create_task(self._register_commands(), name="commands"),
        ]

    async def _abort(self) -> None:
        """Undo a start that failed half-way (a wrong token, the Bot API unreachable)."""
        self._stop.set()
        for task in [*self._tasks, self.watch_terms_loaded]:
            task.cancel()
        await asyncio.gather(*self._tasks, self.watch_terms_loaded, return_exceptions=True)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        if self._client is not None:
            await self._client.aclose()
        await self.db.close()

    async def _register_commands(self) -> None:
        bot = self.application.bot
        try:
            for lang in LANGUAGES:
                menu = COMMANDS + CHAT_COMMANDS + DIGEST_COMMANDS
                commands = [BotCommand(name, t(lang, f"cmd_{name}")) for name in menu]
                await bot.set_my_commands(commands, language_code=None if lang == "en" else lang)
        except TelegramError as exc:  # the menu comes back at the next start
            log.warning("event=commands_not_set error=%s", exc)

    async def poll_once(self, *, every_source: bool = False) -> int:
        """Poll the due sources (or every source) once; returns how many alerts were queued.

        One poll at a time: a call while the poll loop polls waits for it to finish."""
        async with self._polling:
            if every_source:
                outcomes = await self.pipeline.poll_all()
            else:
                outcomes = await self.pipeline.poll_due()
        alerts = sum(o.alerts for o in outcomes)
        if alerts:
            self.sender.wakeup.set()
        return alerts

    async def _poll_loop(self) -> None:
        tick = self.settings.polling.tick_seconds
        while not self._stop.is_set():
            try:
                await self.poll_once()
            except Exception:
                log.exception("event=poll_loop_error")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=tick)

    async def _forget_loop(self) -> None:
        wait = FORGET_FIRST_SECONDS
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=wait)
            if self._stop.is_set():
                return
            wait = FORGET_EVERY_SECONDS
            try:
                now = self.clock.now().timestamp()
                await forget_old(self.db, now, self.settings.storage.keep_days)
            except Exception:
                log.exception("event=retention_error")

    async def _let_go_of_analyzers(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=ANALYZERS_IDLE_SECONDS)
            if release_analyzers(idle_seconds=ANALYZERS_IDLE_SECONDS):
                gc.collect()  # they hold reference cycles
                return_freed_memory()
                log.info("event=analyzers_released")

    async def stop(self) -> None:
        self.stopped = True
        self._stop.set()
        self.watch_terms_loaded.cancel()  # a poll waiting for it ends; its items come again
        # Let a send in flight finish and be recorded, so a clean stop causes no repeat.
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
        await asyncio.gather(*self._tasks, self.watch_terms_loaded, return_exceptions=True)
        # PTB's updater sends a final getUpdates: stop it while the Bot API still answers.
        if self.application.updater and self.application.updater.running:
            await self.application.updater.stop()
        if self._webhook is not None:
            await self._webhook.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        if self._client is not None:
            await self._client.aclose()
        await self.db.close()
        log.info("event=stopped")


async def wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_production(settings: Settings, token: str, sources: list[Source]) -> None:
    from bot.health import HealthServer

    lookout = Lookout(settings, token=token, sources=sources)
    await lookout.start()
    health = HealthServer(lookout.db, settings.sandbox.host, settings.sandbox.port)
    await health.start()
    try:
        await wait_for_signal()
    finally:
        await health.stop()
        await lookout.stop()


async def run_sandbox(settings: Settings) -> None:
    """No token: the local Bot API, the web chat and the replayed sample sources."""
    from bot.sandbox.botapi import BotApiSandbox
    from bot.sandbox.replay import FeedReplay, sources_for

    sandbox = BotApiSandbox(host=settings.sandbox.host, port=settings.sandbox.port)
    await sandbox.start()
    replay = FeedReplay(settings.sandbox.seeds_dir, interval=settings.sandbox.replay_interval)
    await replay.start()
    sources = sources_for(replay, interval=settings.sandbox.poll_interval)
    polling = replace(
        settings.polling,
        min_interval=min(settings.polling.min_interval, settings.sandbox.poll_interval),
        tick_seconds=min(settings.polling.tick_seconds, 1.0),
    )
    lookout = Lookout(
        replace(settings, polling=polling),
        token=sandbox.token,
        sources=sources,
        bot_api_base=sandbox.base_url,
    )
    await lookout.start()
    print(f"Lookout sandbox: open {sandbox.base_url}/ and send /start", flush=True)
    try:
        await wait_for_signal()
    finally:
        await lookout.stop()
        await replay.stop()
        await sandbox.stop()
