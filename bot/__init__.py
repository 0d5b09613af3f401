"""Lookout: a Telegram bot that alerts chats when news mentions their regions or watch terms."""

__version__ = "0.1.0"
