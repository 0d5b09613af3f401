"""The Bot API methods the sandbox understands, each a coroutine over ``SandboxState``.

``METHODS`` maps a lower-case method name to ``async def method(state, params) -> result``;
a method either returns the ``result`` of ``{"ok": true, "result": ...}`` or raises
``ApiError``. Parameters arrive as Telegram receives them (JSON body, query string, form or
multipart fields); ``Params`` decodes as JSON only the fields that are JSON objects, never
``text``. No HTTP here: ``botapi`` does the transport.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.sandbox import limits
from bot.sandbox.state import ApiError, JsonDict, SandboxState, StoredMessage, bad_request
from bot.sandbox.telegram_html import EntityParseError, parse_html, utf16_len

MAX_TEXT_UTF16 = 4096
JSON_FIELDS = frozenset(
    {
        "reply_markup", "commands", "scope", "entities", "link_preview_options",
        "reply_parameters", "allowed_updates", "message_ids",
    }
)  # fmt: skip
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class Params:
    """Typed access to one request's parameters."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = dict(raw)

    def get_str(self, name: str) -> str | None:
        value = self.raw.get(name)
        return None if value is None else str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def require_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def chat_id(self) -> int:
        value = self.raw.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None  # e.g. "@channel": unknown here

    def get_bool(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1"}
        return bool(value)

    def get_json(self, name: str) -> Any:
        if name not in JSON_FIELDS:
            raise ValueError(f"{name} is not a JSON field")  # a bug in the sandbox itself
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None


Method = Callable[[SandboxState, Params], Awaitable[Any]]
METHODS: dict[str, Method] = {}


def _method(*names: str) -> Callable[[Method], Method]:
    def register(function: Method) -> Method:
        for name in names:
            METHODS[name.lower()] = function
        return function

    return register


def _bot_sender(state: SandboxState) -> JsonDict:
    bot = state.bot_user
    return {
        "id": bot["id"],
        "is_bot": True,
        "first_name": bot["first_name"],
        "username": bot["username"],
    }


def _formatted(params: Params) -> tuple[str, str, tuple[JsonDict, ...]]:
    """Visible text, HTML for the web chat, and entities, validated like Telegram does."""
    source = params.get_str("text") or ""
    if (params.get_str("parse_mode") or "").lower() == "html":
        try:
            parsed = parse_html(source)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        text, markup, entities = parsed.text, source, parsed.entities
    else:
        # MarkdownV2/Markdown are accepted unchecked; the web chat shows them as plain text.
        given = params.get_json("entities")
        entities = tuple(given) if isinstance(given, list) else ()
        text, markup = source, html.escape(source, quote=False)
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT_UTF16:
        raise bad_request("message is too long")
    return text, markup, entities


def _reply_markup(params: Params) -> JsonDict | None:
    markup = params.get_json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _stored(state: SandboxState, params: Params, missing: str) -> StoredMessage:
    if params.get_str("inline_message_id"):
        raise bad_request("inline messages are not supported by the sandbox")
    stored = state.message(params.chat_id(), params.require_int("message_id"))
    if stored is None:
        raise bad_request(missing)
    return stored


@_method("getMe")
async def get_me(state: SandboxState, params: Params) -> Any:
    return state.bot_user


@_method(
    "logOut", "close", "sendChatAction", "setMyName", "setMyDescription",
    "setMyShortDescription", "setChatMenuButton",
)  # fmt: skip
async def accept(state: SandboxState, params: Params) -> Any:
    return True


@_method("setWebhook")
async def set_webhook(state: SandboxState, params: Params) -> Any:
    url = params.get_str("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    state.webhook_url = url
    state.webhook_secret = params.get_str("secret_token") or None
    if params.get_bool("drop_pending_updates"):
        state.updates.clear()
    state.notify()
    return True


@_method("deleteWebhook")
async def delete_webhook(state: SandboxState, params: Params) -> Any:
    state.webhook_url = ""
    state.webhook_secret = None
    if params.get_bool("drop_pending_updates"):
        state.updates.clear()
    return True


@_method("getWebhookInfo")
async def get_webhook_info(state: SandboxState, params: Params) -> Any:
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


@_method("getUpdates")
async def get_updates(state: SandboxState, params: Params) -> Any:
    if state.webhook_url:
        raise ApiError(409, _WEBHOOK_ACTIVE)
    offset = params.get_int("offset", 0) or 0
    limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
    timeout = max(params.get_int("timeout", 0) or 0, 0)
    state.confirm_updates(offset)
    # A newer getUpdates ends an older one that is still waiting, as on Telegram.
    state.poll_generation += 1
    generation = state.poll_generation
    state.notify()

    def pending() -> list[JsonDict]:
        return [u for u in state.updates if u["update_id"] >= offset]

    await state.wait_until(
        lambda: bool(pending()) or state.poll_generation != generation, float(timeout)
    )
    if state.closing:
        return []
    if state.poll_generation != generation:
        raise ApiError(409, _CONFLICT)
    return pending()[:limit]


@_method("sendMessage")
async def send_message(state: SandboxState, params: Params) -> Any:
    chat_id = params.chat_id()
    state.chat(chat_id)
    failure = state.take_failure(chat_id)
    if failure is not None:
        raise failure
    await limits.before_send(state, chat_id)  # flood limits and faults, when turned on
    text, markup, entities = _formatted(params)
    reply_markup = _reply_markup(params)
    reply_to = None
    reply = params.get_json("reply_parameters") or {}
    reply_to_id = reply.get("message_id") if isinstance(reply, dict) else None
    reply_to_id = reply_to_id or params.get_int("reply_to_message_id")
    if reply_to_id:
        reply_to = state.message(chat_id, int(reply_to_id))
        lenient = params.get_bool("allow_sending_without_reply") or (
            isinstance(reply, dict) and bool(reply.get("allow_sending_without_reply"))
        )
        if reply_to is None and not lenient:
            raise bad_request("message to be replied not found")
    preview = params.get_json("link_preview_options")
    if preview is None and params.get_bool("disable_web_page_preview"):
        preview = {"is_disabled": True}
    stored = state.add_message(
        chat_id,
        from_bot=True,
        sender=_bot_sender(state),
        text=text,
        html=markup,
        entities=entities,
        reply_markup=reply_markup,
        message_thread_id=params.get_int("message_thread_id"),
        link_preview_options=preview,
        reply_to=reply_to,
    )
    return stored.to_json()


@_method("editMessageText")
async def edit_message_text(state: SandboxState, params: Params) -> Any:
    stored = _stored(state, params, "message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    text, markup, entities = _formatted(params)
    reply_markup = _reply_markup(params)
    if (text, entities, reply_markup) == (stored.text, stored.entities, stored.reply_markup):
        raise bad_request(_NOT_MODIFIED)
    edited = state.replace_message(
        stored,
        text=text,
        html=markup,
        entities=entities,
        reply_markup=reply_markup,
        edit_date=state.now(),
    )
    return edited.to_json()


@_method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: SandboxState, params: Params) -> Any:
    stored = _stored(state, params, "message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    reply_markup = _reply_markup(params)
    if reply_markup == stored.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    edited = state.replace_message(stored, reply_markup=reply_markup, edit_date=state.now())
    return edited.to_json()


@_method("deleteMessage")
async def delete_message(state: SandboxState, params: Params) -> Any:
    stored = _stored(state, params, "message to delete not found")
    state.replace_message(stored, deleted=True)
    return True


@_method("deleteMessages")
async def delete_messages(state: SandboxState, params: Params) -> Any:
    chat_id = params.chat_id()
    ids = params.get_json("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message_ids is empty")
    for message_id in ids:
        stored = state.message(chat_id, int(message_id))
        if stored is not None:
            state.replace_message(stored, deleted=True)
    return True


@_method("answerCallbackQuery")
async def answer_callback_query(state: SandboxState, params: Params) -> Any:
    query_id = params.get_str("callback_query_id") or ""
    if query_id not in state.callback_answers or state.callback_answers[query_id] is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    state.callback_answers[query_id] = {
        "text": params.get_str("text") or "",
        "show_alert": params.get_bool("show_alert"),
        "url": params.get_str("url"),
    }
    state.notify()
    return True


@_method("getChat")
async def get_chat(state: SandboxState, params: Params) -> Any:
    chat = state.chat(params.chat_id()).to_json()
    chat.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return chat


def _member(state: SandboxState, chat_id: int, user_id: int) -> JsonDict:
    status = state.member_status(chat_id, user_id)
    user = _bot_sender(state) if user_id == state.bot_user["id"] else state.user_json(user_id)
    member: JsonDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        rights = (
            "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
            "can_change_info can_invite_users can_pin_messages"
        ).split()
        member.update(dict.fromkeys(rights, True))
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_promote_members=False,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
        )
    return member


@_method("getChatMember")
async def get_chat_member(state: SandboxState, params: Params) -> Any:
    return _member(state, params.chat_id(), params.require_int("user_id"))


@_method("getChatAdministrators")
async def get_chat_administrators(state: SandboxState, params: Params) -> Any:
    chat = state.chat(params.chat_id())
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    ids = [state.creators[chat.id]] if chat.id in state.creators else []
    ids += sorted(state.admins.get(chat.id, set()) - set(ids))
    ids.append(state.bot_user["id"])
    return [_member(state, chat.id, user_id) for user_id in ids]


def _scope(params: Params) -> JsonDict | None:
    scope = params.get_json("scope")
    if scope is not None and not (isinstance(scope, dict) and "type" in scope):
        raise bad_request("can't parse BotCommandScope JSON object")
    return scope


@_method("setMyCommands")
async def set_my_commands(state: SandboxState, params: Params) -> Any:
    commands = params.get_json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        if not _COMMAND_NAME_RE.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    listed = [{"command": c["command"], "description": c["description"]} for c in commands]
    state.set_commands(listed, _scope(params), params.get_str("language_code") or "")
    return True


@_method("getMyCommands")
async def get_my_commands(state: SandboxState, params: Params) -> Any:
    return state.commands_for(_scope(params), params.get_str("language_code") or "")


@_method("deleteMyCommands")
async def delete_my_commands(state: SandboxState, params: Params) -> Any:
    state.set_commands([], _scope(params), params.get_str("language_code") or "")
    return True
