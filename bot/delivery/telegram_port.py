"""The sender's port to Telegram through python-telegram-bot: HTML, no link previews,
inline keyboards from the outbox's JSON, forum topics. No decisions here."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

JsonDict = dict[str, Any]


def keyboard(markup: JsonDict | None) -> InlineKeyboardMarkup | None:
    if not markup or not markup.get("inline_keyboard"):
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button["text"], callback_data=button.get("callback_data"))
                for button in row
            ]
            for row in markup["inline_keyboard"]
        ]
    )


class PtbTelegram:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(
        self, chat_id: int, text: str, *, reply_markup: JsonDict | None, thread_id: int | None
    ) -> int:
        message = await self.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=keyboard(reply_markup),
            message_thread_id=thread_id,
        )
        return message.message_id

    async def edit(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: JsonDict | None
    ) -> None:
        await self.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=keyboard(reply_markup),
        )
