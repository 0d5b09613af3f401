"""Webhook mode: Telegram POSTs updates to us instead of us long-polling getUpdates.

For production behind a reverse proxy (which terminates TLS and forwards `[webhook] path` to
`listen:port`). A fresh random secret is registered with setWebhook on every start and each
request must carry it in `X-Telegram-Bot-Api-Secret-Token`; anything else gets 403. Updates go
into PTB's update queue, where the same handlers as in polling mode take them.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


class WebhookServer:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        listen: str,
        port: int,
        path: str,
    ) -> None:
        self.application = application
        self.listen = listen
        self.port = port
        self.path = "/" + path.strip("/")
        self.secret = secrets.token_urlsafe(32)
        self._runner: web.AppRunner | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="forbidden")
        body = await request.read()
        if len(body) > MAX_UPDATE_BYTES:
            return web.Response(status=413, text="too large")
        try:
            data: Any = json.loads(body)
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("event=webhook_bad_update error=%r", exc)
            return web.Response(status=400, text="bad update")
        await self.application.update_queue.put(update)
        return web.Response(text="ok")

    async def start(self, public_url: str) -> None:
        """Serve, then tell Telegram where to send updates."""
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        await self.application.bot.set_webhook(
            public_url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )
        log.info(
            "event=webhook_started listen=%s port=%d path=%s", self.listen, self.port, self.path
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
