"""The token redactor: message arguments, URL-encoded forms, tracebacks and stack text."""

from __future__ import annotations

import logging

import pytest

from bot.redact import REPLACEMENT, TokenRedactor, install_redaction, redact

TOKEN = "123456:AAH-secret_token-value"


@pytest.mark.parametrize(
    "text",
    [
        f"POST https://api.telegram.org/bot{TOKEN}/getUpdates",
        f"url=https://api.telegram.org/bot{TOKEN.replace(':', '%3A')}/getMe",
        f"{TOKEN}{TOKEN}",
    ],
)
def test_redact_removes_every_form_of_the_token(text: str) -> None:
    cleaned = redact(text, (TOKEN,))
    assert "secret_token" not in cleaned and REPLACEMENT in cleaned


def test_redact_leaves_other_text_alone() -> None:
    assert redact("event=sent chat=5 status=200", (TOKEN,)) == "event=sent chat=5 status=200"


def record_for(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("httpx", logging.DEBUG, __file__, 1, message, args, exc_info)


def test_a_record_loses_the_token_in_arguments_and_traceback() -> None:
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except ConnectionError as exc:
        record = record_for('HTTP Request: %s %s "%s"', "POST", f"/bot{TOKEN}/x", "200 OK", exc=exc)
    record.stack_info = f"Stack: bot{TOKEN}"
    assert TokenRedactor((TOKEN,)).filter(record) is True
    written = logging.Formatter().format(record)
    assert TOKEN not in written and "secret_token" not in written
    assert 'HTTP Request: POST /bot[REDACTED]/x "200 OK"' in written
    assert "ConnectionError" in written  # the report itself stays


def test_installed_redaction_covers_every_logger_and_handler_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_redaction(TOKEN)
    install_redaction(TOKEN)  # twice is harmless
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").debug("HTTP Request: GET https://x/bot%s/getMe", TOKEN)
    logging.getLogger("some.library").error("failed: %r", {"url": f"bot{TOKEN}"})
    assert len(caplog.records) == 2
    assert TOKEN not in caplog.text and caplog.text.count(REPLACEMENT) == 2


def test_a_malformed_log_call_is_left_for_logging_to_report() -> None:
    install_redaction(TOKEN)
    make = logging.getLogRecordFactory()
    record = make("x", logging.WARNING, __file__, 1, "two %s %s", ("one",), None)
    assert record.msg == "two %s %s" and record.args == ("one",)
