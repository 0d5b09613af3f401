"""Lookout: a Telegram bot that alerts chats when news mentions their regions or watch terms."""

from bot.native import extend

__version__ = "0.1.0"
__path__ = extend(__path__, __name__)  # compiled modules first, while built from these sources
