"""The SQLite store (its write path compiled by mypyc where it can: `bot.native`)."""

from bot.native import extend

__path__ = extend(__path__, __name__)
