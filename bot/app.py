"""The one place where Lookout is built and wired.

    Lookout = Database + Gazetteer + KeywordIndex (all chats' watch terms)
            + Pipeline (fetch -> parse -> normalize -> store -> match -> outbox)
            + Sender (outbox -> Telegram, paced)
            + python-telegram-bot Application (chat commands)

`Lookout.start()` opens everything and starts the poll and send loops; `stop()` closes them in
reverse order. `run_sandbox()` puts the local Bot API server, the web chat and the replay of
`seeds/` in front of the same Lookout when there is no token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import replace

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery.digests import DigestScheduler
from bot.delivery.sender import Sender
from bot.delivery.telegram_port import PtbTelegram
from bot.i18n import LANGUAGES, t
from bot.matching.gazetteer import Gazetteer
from bot.matching.item_matcher import ItemMatcher
from bot.matching.keywords import KeywordIndex
from bot.models import Source
from bot.pipeline import Fetcher, Pipeline
from bot.redact import install_redaction
from bot.sources.fetch import Fetcher as HttpFetcher
from bot.sources.fetch import FetchLimits, make_client
from bot.store import sources as source_store
from bot.store.db import Database
from bot.subscriptions import Subscriptions
from bot.telegram.chat_handlers import CHAT_COMMANDS
from bot.telegram.digest_commands import DIGEST_COMMANDS
from bot.telegram.handlers import COMMANDS, add_handlers
from bot.telegram.limits import CommandRateLimit, add_rate_limit
from bot.telegram.webhook import WebhookServer

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0


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
        install_redaction(self.token)  # before anything can log a Bot API URL
        self.db = await Database.open(self.settings.database)
        self.gazetteer = Gazetteer.load()
        database = self.settings.database
        forms_file = (  # watch terms' forms, saved so a restart does not expand them again
            None if str(database) == ":memory:" else database.with_name(database.name + ".forms")
        )
        self.watch_terms = KeywordIndex(forms_file)
        self.subscriptions = Subscriptions(
            self.db, self.gazetteer, self.watch_terms, self.clock, self.settings.limits
        )
        terms = await self.subscriptions.load_watch_terms()
        async with self.db.write() as conn:
            await source_store.upsert_sources(conn, self.sources)
        self._client = None
        fetcher = self._fetcher
        if fetcher is None:
            self._client = make_client()
            fetch = self.settings.fetch
            fetcher = HttpFetcher(
                self._client,
                FetchLimits.from_settings(fetch),
                clock=self.clock,
            )
        self.pipeline = Pipeline(
            self.db,
            fetcher,
            ItemMatcher(self.gazetteer, self.watch_terms),
            self.clock,
            self.settings.polling,
            self.subscriptions.region_name,
            operators=self.settings.operators,
            delivery=self.settings.delivery,
        )
        self.application = self._build_application()
        self.application.bot_data["subscriptions"] = self.subscriptions
        self.application.bot_data["operators"] = frozenset(self.settings.operators)
        await self.application.initialize()
        await self._register_commands()
        self.sender = Sender(
            self.db, PtbTelegram(self.application.bot), self.clock, self.settings.delivery
        )
        await self.sender.recover()
        self.digests = DigestScheduler(
            self.db, self.clock, self.subscriptions.region_name, wakeup=self.sender.wakeup
        )
        await self.application.start()
        assert self.application.updater is not None
        self._webhook: WebhookServer | None = None
        hook = self.settings.webhook
        if hook.url:
            self._webhook = WebhookServer(
                self.application, listen=hook.listen, port=hook.port, path=hook.path
            )
            await self._webhook.start(hook.url)
        else:
            await self.application.updater.start_polling(poll_interval=0, timeout=10)
        self._tasks = [
            asyncio.create_task(self._poll_loop(), name="poll"),
            asyncio.create_task(self.sender.run(self._stop), name="send"),
            # Ticks at once: a digest missed while the bot was down goes out now, once.
            asyncio.create_task(self.digests.run(self._stop), name="digests"),
        ]
        log.info(
            "event=started sources=%d watch_terms=%d database=%s",
            len(self.sources),
            terms,
            self.settings.database,
        )

    async def _register_commands(self) -> None:
        bot = self.application.bot
        for lang in LANGUAGES:
            menu = COMMANDS + CHAT_COMMANDS + DIGEST_COMMANDS
            commands = [BotCommand(name, t(lang, f"cmd_{name}")) for name in menu]
            await bot.set_my_commands(commands, language_code=None if lang == "en" else lang)

    async def poll_once(self, *, every_source: bool = False) -> int:
        """Poll the due sources (or every source) once; returns how many alerts were queued."""
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

    async def stop(self) -> None:
        self.stopped = True
        self._stop.set()
        # Let a send in flight finish and be recorded, so a clean stop causes no repeat.
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
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
