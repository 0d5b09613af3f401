"""The sandbox's HTTP test API and web chat page (routes documented in ``bot.sandbox.botapi``).

Tests and the page act as Telegram users through these routes: write a message, press a
button, read a chat, read the bot's command menu. The page itself is static HTML/JS/CSS in
``static/``; no build step, nothing fetched from outside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox.state import ApiError, JsonDict, SandboxState, StoredMessage, bad_request

STATIC_DIR = Path(__file__).parent / "static"
MAX_WAIT_SECONDS = 30.0


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.error_code)


async def _body(request: web.Request) -> JsonDict:
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("body must be a JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("body must be a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be an integer") from None


def _optional_int(value: Any, name: str) -> int | None:
    return None if value is None or value == "" else _int(value, name)


def _wait_seconds(request: web.Request) -> float:
    try:
        wait = float(request.query.get("wait", "0"))
    except ValueError:
        raise bad_request("wait must be a number of seconds") from None
    return min(max(wait, 0.0), MAX_WAIT_SECONDS)


class WebChat:
    """Routes of the test API and the page, over one ``SandboxState``."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.page)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_post("/sandbox/messages", self.post_message)
        app.router.add_post("/sandbox/press", self.press)
        app.router.add_get("/sandbox/callbacks/{query_id}", self.callback_answer)
        app.router.add_get("/sandbox/chats", self.chats)
        app.router.add_get("/sandbox/chats/{chat_id}/messages", self.chat_messages)
        app.router.add_get("/sandbox/commands", self.commands)
        app.router.add_post("/sandbox/admins", self.admins)
        app.router.add_post("/sandbox/fail", self.fail)
        app.router.add_static("/static/", STATIC_DIR)

    async def page(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def post_message(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("message text is empty")
            update = self.state.user_writes(
                _int(body.get("chat_id"), "chat_id"),
                text,
                user_id=_optional_int(body.get("user_id"), "user_id"),
                chat_type=str(body.get("chat_type") or "private"),
                chat_title=body.get("chat_title"),
                first_name=str(body.get("first_name") or "Tester"),
                language_code=str(body.get("language_code") or "en"),
                message_thread_id=_optional_int(body.get("message_thread_id"), "message_thread_id"),
            )
        except ApiError as exc:
            return _error(exc)
        return web.json_response(update)

    async def press(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            update = self.state.user_presses(
                _int(body.get("chat_id"), "chat_id"),
                _int(body.get("message_id"), "message_id"),
                str(body.get("data", "")),
                user_id=_optional_int(body.get("user_id"), "user_id"),
            )
        except ApiError as exc:
            return _error(exc)
        return web.json_response(update)

    async def callback_answer(self, request: web.Request) -> web.Response:
        query_id = request.match_info["query_id"]
        try:
            wait = _wait_seconds(request)
        except ApiError as exc:
            return _error(exc)
        await self.state.wait_until(
            lambda: self.state.callback_answers.get(query_id) is not None, wait
        )
        answer = self.state.callback_answers.get(query_id)
        return web.json_response({"answered": answer is not None, "answer": answer})

    async def chats(self, request: web.Request) -> web.Response:
        return web.json_response([chat.to_json() for chat in self.state.chats.values()])

    async def chat_messages(self, request: web.Request) -> web.Response:
        try:
            chat_id = _int(request.match_info["chat_id"], "chat_id")
            after = _optional_int(request.query.get("after"), "after")
            since = _optional_int(request.query.get("since"), "since")
            wait = _wait_seconds(request)
        except ApiError as exc:
            return _error(exc)

        def listed() -> list[StoredMessage]:
            found = self.state.chat_messages(chat_id)
            if since is not None:
                return [m for m in found if m.rev > since]
            return [m for m in found if not m.deleted and m.message_id > (after or 0)]

        await self.state.wait_until(lambda: bool(listed()), wait)
        return web.json_response([stored.to_web_json() for stored in listed()])

    async def commands(self, request: web.Request) -> web.Response:
        try:
            chat_id = _optional_int(request.query.get("chat_id"), "chat_id")
        except ApiError as exc:
            return _error(exc)
        language = request.query.get("language_code", "")
        if chat_id is None:
            found = self.state.commands_for(None, language) or self.state.commands_for(None, "")
        else:
            found = self.state.commands_seen_in(chat_id, language)
        return web.json_response(found)

    async def admins(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            self.state.set_admin(
                _int(body.get("chat_id"), "chat_id"),
                _int(body.get("user_id"), "user_id"),
                bool(body.get("admin", True)),
            )
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True})

    async def fail(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            error = ApiError(
                _int(body.get("error_code"), "error_code"),
                str(body.get("description") or "Bad Request: injected failure"),
                _optional_int(body.get("retry_after"), "retry_after"),
            )
            self.state.fail_next(_int(body.get("chat_id"), "chat_id"), error)
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True})
