"""`GET /healthz` for the container's HEALTHCHECK when running against real Telegram.

(In the sandbox the Bot API server answers /healthz itself.)
"""

from __future__ import annotations

from aiohttp import web

from bot.store import outbox
from bot.store.db import Database


class HealthServer:
    def __init__(self, db: Database, host: str, port: int) -> None:
        self.db = db
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def _healthz(self, request: web.Request) -> web.Response:
        pending = await outbox.pending_count(self.db.conn)
        return web.json_response({"ok": True, "outbox_pending": pending})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
