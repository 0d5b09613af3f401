"""Webhook delivery for the sandbox: when the bot has called setWebhook, queued updates are
POSTed to its URL in order (with `X-Telegram-Bot-Api-Secret-Token`), as Telegram does, and
getUpdates answers 409. An update leaves the queue only when the bot answers 2xx.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from bot.sandbox.state import SandboxState

log = logging.getLogger(__name__)

RETRY_SECONDS = 0.5


class WebhookPusher:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        state = self.state
        async with httpx.AsyncClient(timeout=10) as client:
            while not state.closing:
                await state.wait_until(lambda: bool(state.webhook_url and state.updates), 1.0)
                if not (state.webhook_url and state.updates):
                    continue
                update = state.updates[0]
                headers = {}
                if state.webhook_secret:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook_secret
                try:
                    answer = await client.post(state.webhook_url, json=update, headers=headers)
                    delivered = answer.is_success
                except httpx.HTTPError as exc:
                    log.warning("event=webhook_failed error=%r", exc)
                    delivered = False
                if delivered:
                    if state.updates and state.updates[0] is update:
                        state.updates.pop(0)
                else:
                    await asyncio.sleep(RETRY_SECONDS)
