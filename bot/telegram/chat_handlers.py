"""Registers the chat-settings, browsing, read-only and operator commands and buttons.

Who may run what (bot.telegram.common): settings changes are for a group's admins, source
commands for operators, and /recent, /sources, /settings, /regions, /export for anyone.
Commands are accepted from messages and from channel posts, so the bot works in a channel it
administers.
"""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.telegram import (
    info_commands,
    mute_buttons,
    onboarding,
    operator_commands,
    opml,
    settings_commands,
    transfer,
)
from bot.telegram.common import Handler, admins_only, operators_only

# In the command menu (setMyCommands), after the subscription commands.
CHAT_COMMANDS = (
    "regions",
    "recent",
    "mute",
    "unmute",
    "quiet",
    "urgent",
    "tz",
    "lang",
    "sources",
    "settings",
    "export",
    "import",
)
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST

_OPEN: dict[str, Handler] = {
    "regions": onboarding.regions,
    "recent": info_commands.recent,
    "sources": info_commands.sources_command,
    "settings": settings_commands.settings_command,
    "export": transfer.export_command,
}
_ADMIN: dict[str, Handler] = {
    "mute": settings_commands.mute,
    "unmute": settings_commands.unmute,
    "quiet": settings_commands.quiet,
    "urgent": settings_commands.urgent,
    "tz": settings_commands.timezone,
    "lang": settings_commands.language,
    "import": transfer.import_command,
}
_OPERATOR: dict[str, Handler] = {
    "addsource": operator_commands.add_source,
    "removesource": operator_commands.remove_source,
    "pause": operator_commands.pause,
    "resume": operator_commands.resume,
    "stats": operator_commands.stats,
    "opml": opml.opml_command,
}


def add_chat_handlers(application: Application) -> None:  # type: ignore[type-arg]
    for name, handler in _OPEN.items():
        application.add_handler(CommandHandler(name, handler, filters=COMMAND_UPDATES))
    for name, handler in _ADMIN.items():
        application.add_handler(CommandHandler(name, admins_only(handler), filters=COMMAND_UPDATES))
    for name, handler in _OPERATOR.items():
        application.add_handler(
            CommandHandler(name, operators_only(handler), filters=COMMAND_UPDATES)
        )
    application.add_handler(
        CallbackQueryHandler(admins_only(mute_buttons.mute_button), pattern=mute_buttons.PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(onboarding.regions_button, pattern=onboarding.PATTERN)
    )
    application.add_handler(
        MessageHandler(
            filters.Document.FileExtension("opml") & filters.ChatType.PRIVATE,
            operators_only(opml.opml_document),
        )
    )
