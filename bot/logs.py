"""Logging set-up: plain or JSON lines, with secrets (the bot token) never written out.

httpx logs every request URL, and Bot API URLs contain the token, so a filter on the
root handler replaces each configured secret with "[REDACTED]" in every record.

Example::

    >>> setup_logging("INFO", "text", secrets=["123:ABC"])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable

NOISY = ("httpx", "httpcore", "sentence_transformers", "transformers", "faiss", "bm25s", "aiohttp.access",
         "apscheduler", "alembic", "sqlalchemy")  # sqlalchemy at INFO writes every statement
# At DEBUG this would write whole updates (questions, names, user ids): never below INFO,
# whatever HOIDOAN_LOG_LEVEL says.
PRIVATE = ("telegram",)
SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]\n?(?=\(Background|\Z|\n)", re.DOTALL)


class PrivacyFilter(logging.Filter):
    """Drop SQL parameters from any record that still carries them (a driver's own message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "[parameters:" in message:
            record.msg, record.args = SQL_PARAMETERS.sub("[parameters hidden]", message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "[parameters:" in record.exc_text:
            record.exc_text = SQL_PARAMETERS.sub("[parameters hidden]", record.exc_text)
        return True


class RedactFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        changed = False
        for secret in self.secrets:
            if secret in message:
                message, changed = message.replace(secret, "[REDACTED]"), True
            if record.exc_text and secret in record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "[REDACTED]")
        if changed:
            record.msg, record.args = message, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("event", "latency_ms", "chat_type", "abstained", "question_id"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exc"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (it is replaced under test runners)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    handler = _StderrHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(secrets))
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for private in PRIVATE:
        logging.getLogger(private).setLevel(max(logging.INFO, logging.getLevelName(level.upper())
                                                if isinstance(level, str) else level))
