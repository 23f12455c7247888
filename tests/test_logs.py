from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, RedactFilter


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, None)


def test_token_is_redacted_from_messages_and_arguments() -> None:
    token = "123456:ABC-secret"
    record = _record("POST https://api.telegram.org/bot%s/getUpdates", token)
    assert RedactFilter([token]).filter(record)
    assert token not in record.getMessage() and "[REDACTED]" in record.getMessage()


def test_json_lines() -> None:
    record = _record("question answered")
    record.latency_ms = 31.5
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "question answered" and line["latency_ms"] == 31.5 and line["level"] == "INFO"
