"""A local emulation of Telegram's Bot API, with a web chat, for the demo and the e2e tests.

The real python-telegram-bot ``Application`` talks HTTP to it::

    sandbox = BotApiSandbox(port=8081)
    await sandbox.start()
    ApplicationBuilder().token(sandbox.token)
        .base_url(f"{sandbox.base_url}/bot").base_file_url(f"{sandbox.base_url}/file/bot")

Standalone, for debugging: ``python -m bot.sandbox.botapi --port 8081``, then open the printed
address for the web chat.

Bot API (``GET``/``POST /bot{token}/{method}``, JSON, form or multipart parameters): getMe,
getUpdates (real long polling), setWebhook (updates are then POSTed to the bot, and
getUpdates answers 409), deleteWebhook, getWebhookInfo, sendMessage, editMessageText,
editMessageReplyMarkup, deleteMessage(s), answerCallbackQuery, getChat, getChatMember,
getChatAdministrators, set/get/deleteMyCommands, and no-ops (logOut, close, sendChatAction,
setMyDescription, ...). Answers and errors have Telegram's shape and wording: a wrong token is
401 ``Unauthorized``, an unknown method 404 ``Not Found: method not found``, bad text 400
(``message text is empty``, ``message is too long`` over 4096 UTF-16 units of visible text,
``can't parse entities: ...`` for malformed HTML; unlike Telegram, a bare ``&`` is rejected
too). Sending to a chat nobody has written in is 400 ``chat not found``.

HTTP test API (JSON in and out; what the tests and the web chat use):

- ``POST /sandbox/messages`` ``{"chat_id": 1, "text": "/start", "user_id": 1,
  "chat_type": "private"|"group"|"supergroup", "chat_title": "...", "first_name": "...",
  "language_code": "en", "message_thread_id": null}`` -> the queued Update. Only chat_id and
  text are required; user_id defaults to chat_id in private chats and to 1001 in groups. The
  first user who writes in a group is its creator.
- ``POST /sandbox/press`` ``{"chat_id", "message_id", "data", "user_id"}`` -> the
  callback_query Update.
- ``GET /sandbox/callbacks/{query_id}?wait=5`` -> ``{"answered": bool, "answer": {"text",
  "show_alert", "url"} | null}``, the bot's answerCallbackQuery.
- ``GET /sandbox/chats`` -> the chats the sandbox knows.
- ``GET /sandbox/chats/{chat_id}/messages?after=<message_id>&wait=<seconds>`` -> user and bot
  messages, oldest first: ``{"message_id", "chat_id", "from_bot", "sender_name", "text",
  "html", "reply_markup", "date", "edited", "deleted", "rev"}``. ``html`` is the bot's HTML as
  sent, or the escaped user text. With ``since=<rev>`` instead of ``after`` it lists every
  message changed after that revision, edited and deleted ones included. ``wait`` long-polls
  until there is something to list.
- ``GET /sandbox/commands?chat_id=&language_code=`` -> the commands from setMyCommands that a
  user of that chat sees (scope precedence chat > all private/group chats > default); without
  chat_id, the default-scope list.
- ``POST /sandbox/admins`` ``{"chat_id", "user_id", "admin": true}`` -> marks a group admin.
- ``POST /sandbox/fail`` ``{"chat_id", "error_code", "description", "retry_after"}`` -> the
  next sendMessage to that chat fails with that error (e.g. 403 ``Forbidden: bot was blocked
  by the user``, or 429 with ``parameters.retry_after``).
- ``GET /`` -> the web chat page; ``GET /healthz`` -> ``{"ok": true}``.

The sandbox keeps everything in memory, touches no files but its own static page, and never
logs the token (the access log is off because request paths contain it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.api_methods import METHODS, Params
from bot.sandbox.state import BOT_FIRST_NAME, ApiError, JsonDict, SandboxState, scope_key
from bot.sandbox.webchat import WebChat
from bot.sandbox.webhook_push import WebhookPusher

log = logging.getLogger(__name__)

DEFAULT = scope_key(None)
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.error_code)


async def read_params(request: web.Request) -> Params:
    """Query string and body, merged; form fields stay strings, JSON bodies keep their types."""
    raw: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON body must be an object")
            raw.update(body)
        else:
            form = await request.post()
            raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(raw)


def _bot_id(token: str) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 7_000_000_001


class BotApiSandbox:
    """An aiohttp server speaking the Bot API, plus helpers for tests to act as users."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "lookout_sandbox_bot",
        token: str = "sandbox:TOKEN",
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.bot_username = bot_username
        self.state = SandboxState(
            bot_user={
                "id": _bot_id(token),
                "is_bot": True,
                "first_name": BOT_FIRST_NAME,
                "username": bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        self._runner: web.AppRunner | None = None
        self._in_flight = 0
        self._webhook = WebhookPusher(self.state)

    # -- lifecycle ---------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._count_in_flight])
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        WebChat(self.state).add_routes(app)
        return app

    async def start(self) -> None:
        """Bind and serve; port 0 picks a free port (see ``base_url``)."""
        self.state.closing = False
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self._webhook.start()
        log.info("event=sandbox_started url=%s", self.base_url)

    async def stop(self) -> None:
        """Answer pending long polls (with ``[]``), then stop serving."""
        self.state.close()
        await self._webhook.stop()
        for _ in range(200):
            if self._in_flight == 0:
                break
            await asyncio.sleep(0.01)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        log.info("event=sandbox_stopped")

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @web.middleware
    async def _count_in_flight(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        self._in_flight += 1
        try:
            return await handler(request)
        finally:
            self._in_flight -= 1

    # -- HTTP --------------------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(ApiError(401, "Unauthorized"))
        name = request.match_info["method"]
        method = METHODS.get(name.lower())
        if method is None:
            return error_response(ApiError(404, "Not Found: method not found"))
        try:
            result = await method(self.state, await read_params(request))
        except ApiError as exc:
            log.debug("method=%s ok=false error=%s", name, exc.description)
            return error_response(exc)
        log.debug("method=%s ok=true", name)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        return error_response(ApiError(404, "Not Found: file not found"))

    # -- helpers for tests (the same things the HTTP test API does) ---------------------

    def inject_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        first_name: str = "Tester",
        language_code: str = "en",
        message_thread_id: int | None = None,
    ) -> JsonDict:
        """A user writes ``text`` in the chat; returns the Update queued for the bot."""
        return self.state.user_writes(
            chat_id,
            text,
            user_id=user_id,
            chat_type=chat_type,
            chat_title=chat_title,
            first_name=first_name,
            language_code=language_code,
            message_thread_id=message_thread_id,
        )

    def press_button(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> JsonDict:
        """A user presses an inline button; returns the callback_query Update."""
        return self.state.user_presses(chat_id, message_id, data, user_id=user_id)

    def sent_messages(self, chat_id: int) -> list[JsonDict]:
        """Message objects the bot sent to the chat, edits applied, deleted ones left out."""
        return [stored.to_json() for stored in self.state.bot_messages(chat_id)]

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[JsonDict]:
        """Wait until the bot has sent at least ``count`` messages to the chat."""
        enough = await self.state.wait_until(
            lambda: len(self.state.bot_messages(chat_id)) >= count, timeout
        )
        sent = self.sent_messages(chat_id)
        if not enough:
            texts = [message["text"] for message in sent]
            raise TimeoutError(
                f"chat {chat_id}: wanted {count} bot messages within {timeout}s, "
                f"have {len(sent)}: {texts!r}"
            )
        return sent

    @property
    def commands(self) -> list[JsonDict]:
        """The default-scope commands from setMyCommands: the language-less list if one was
        set, else the last one set for any language."""
        default = self.state.commands_for(None, "")
        if default:
            return default
        lists = [found for (scope, _), found in self.state.commands.items() if scope == DEFAULT]
        return lists[-1] if lists else []

    def callback_answer(self, query_id: str) -> JsonDict | None:
        """What the bot answered to a callback query, or None while unanswered."""
        return self.state.callback_answers.get(query_id)

    def set_admin(self, chat_id: int, user_id: int, admin: bool = True) -> None:
        self.state.set_admin(chat_id, user_id, admin)

    def fail_next(
        self, chat_id: int, error_code: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next sendMessage to the chat fail with this Bot API error."""
        self.state.fail_next(chat_id, ApiError(error_code, description, retry_after))


async def _serve(args: argparse.Namespace) -> None:
    sandbox = BotApiSandbox(
        host=args.host, port=args.port, bot_username=args.username, token=args.token
    )
    await sandbox.start()
    print(f"web chat:  {sandbox.base_url}/")
    print(f"bot API:   {sandbox.base_url}/bot<token>/  (token {sandbox.token})")
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the sandbox Bot API and web chat.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--username", default="lookout_sandbox_bot")
    parser.add_argument("--token", default="sandbox:TOKEN")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
