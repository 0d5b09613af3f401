"""Keeps the bot token out of every log line and error report.

Bot API URLs carry the token (`https://api.telegram.org/bot<token>/getMe`), and httpx logs
request URLs at DEBUG and INFO; a network error's traceback can carry them too. Rather than
trusting every library's loggers to stay quiet, `install_redaction(token)` wraps logging's
record factory, so every record is rewritten as it is made, whichever logger makes it and
whichever handler writes it: the message (with its arguments), the exception text and the
stack text have each secret replaced by `[REDACTED]`, in plain and URL-encoded form.

Logging is process-wide, so the redactor is too: one per process, to which each installed
token is added. Touches nothing but the `logging` module's record factory.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import quote

REPLACEMENT = "[REDACTED]"


def _forms(secret: str) -> list[str]:
    return sorted({secret, quote(secret, safe=""), quote(secret)}, key=len, reverse=True)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret (and its URL-encoded form) replaced."""
    for secret in secrets:
        for form in _forms(secret):
            if form in text:
                text = text.replace(form, REPLACEMENT)
    return text


class TokenRedactor(logging.Filter):
    """A logging filter that rewrites a record so that no secret remains in it.

    Usable on a handler as it is; `install_redaction` applies it to every record instead.
    """

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.secrets: tuple[str, ...] = tuple(s for s in secrets if s)

    def add(self, secret: str) -> None:
        with self._lock:
            if secret and secret not in self.secrets:
                self.secrets = (*self.secrets, secret)

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call; logging reports it when the record is written
            return True
        cleaned = redact(message, secrets)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


_redactor: TokenRedactor | None = None
_install_lock = threading.Lock()


def install_redaction(token: str | None) -> TokenRedactor:
    """From now on, `token` appears in no log record of this process. Safe to call again."""
    global _redactor
    with _install_lock:
        if _redactor is None:
            redactor = TokenRedactor()
            previous = logging.getLogRecordFactory()

            def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                redactor.filter(record)
                return record

            logging.setLogRecordFactory(make_record)
            _redactor = redactor
        if token:
            _redactor.add(token)
        return _redactor
