"""All configuration, read once from the environment and `.env` (prefix ``HOIDOAN_``).

A wrong value must stop the program at start with the setting's name, not fail later
in the middle of a member's question, so every field is typed and validated here.

Example::

    >>> from bot.settings import Settings
    >>> Settings(knowledge_dir="knowledge").index_dir.name
    'index'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.kinds import FileType

DEFAULT_MODEL = "hoidoan/multilingual-e5-small-q4"


class SettingsError(RuntimeError):
    """A setting has a wrong value; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOIDOAN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- knowledge base and index -------------------------------------------------------
    knowledge_dir: Path = Path("knowledge")
    index_dir: Path = Path("index")
    cache_dir: Path = Path(".cache")
    embedding_model: str = DEFAULT_MODEL
    # auto: ONNX Runtime where the model folder has the exported encoder (the default model),
    # sentence-transformers on PyTorch otherwise; see bot/search/embed.py.
    embedding_runtime: Literal["auto", "onnx", "torch"] = "auto"
    # Measured (bench/bench_indexing.py): with ONNX Runtime 8 > 16 > 32 passages/s in each of three
    # runs, and a member asking during a reindex waits for one batch at most.
    embed_batch_size: Annotated[int, Field(ge=1, le=512)] = 8
    max_file_mb: Annotated[float, Field(gt=0, le=2000)] = 20.0
    # Reading untrusted files (bot/documents/sandbox.py): a child process with these limits per file.
    read_memory_mb: Annotated[int, Field(ge=256, le=65536)] = 1536
    read_timeout_seconds: Annotated[float, Field(ge=5, le=3600)] = 120.0  # with no progress (OCR: per page)
    ocr_max_pages: Annotated[int, Field(ge=0, le=5000)] = 50
    ocr_language: str = "vie"

    # --- chunking (chosen by measurement, see bench/bench_chunking.py) -------------------
    chunk_words: Annotated[int, Field(ge=20, le=2000)] = 180
    chunk_overlap: Annotated[float, Field(ge=0.0, lt=0.9)] = 0.2

    # --- retrieval ----------------------------------------------------------------------
    dense_weight: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    fusion: Literal["weighted", "rrf"] = "weighted"
    top_k: Annotated[int, Field(ge=1, le=50)] = 5
    # Below this confidence the bot says it found nothing; unset: the calibrated bands
    # (bot/data/confidence.json: confident, "not sure" with the nearest passages, not found).
    abstain_threshold: Annotated[float | None, Field(ge=0.0, le=1.0)] = None
    contact_text: str = "Ban Chấp hành Đoàn cơ sở hoặc Bí thư chi đoàn của bạn"
    # A short question in a private chat within this many minutes may be a follow-up of the
    # previous one ("còn đoàn phí thì sao?", bot/answers/followup.py); 0 turns follow-ups off.
    follow_up_minutes: Annotated[float, Field(ge=0.0, le=120.0)] = 5.0
    # How old a replica's copy of the FAQ list may get before it is read again.
    faq_refresh_seconds: Annotated[float, Field(ge=0.0, le=3600.0)] = 5.0

    # --- Telegram (issue 3) ---------------------------------------------------------------
    telegram_token: str | None = Field(default=None, repr=False)
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    admin_ids: Annotated[list[int], NoDecode] = []
    database_url: str = ""
    data_dir: Path = Path("data")
    upload_types: Annotated[list[FileType], NoDecode] = list(FileType)  # a subset of what the bot reads
    concurrent_updates: Annotated[int, Field(ge=1, le=256)] = 16
    # Per member: more questions than this in any 60 s get "bạn hỏi nhanh quá" (bot/telegram/ratelimit.py).
    questions_per_minute: Annotated[int, Field(ge=1, le=1000)] = 10
    webhook_url: str = ""
    webhook_secret: str = Field(default="", repr=False)
    webhook_listen: str = "0.0.0.0"
    webhook_port: Annotated[int, Field(ge=1, le=65535)] = 8080
    timezone: str = "Asia/Ho_Chi_Minh"
    # Announcements: Telegram allows about 30 messages/s overall; stay a little under.
    broadcast_per_second: Annotated[int, Field(ge=1, le=30)] = 28
    broadcast_concurrency: Annotated[int, Field(ge=1, le=64)] = 8
    # A delivery left "sending" this long by a stopped process is sent again (flagged uncertain).
    outbox_lease_seconds: Annotated[float, Field(ge=1, le=3600)] = 30.0
    # Keep the knowledge files and index versions in the database too, so that replicas on
    # several machines share nothing else (bot/storage/replication.py). Default: on with PostgreSQL.
    files_in_database: bool | None = None
    # How often a running bot checks for an index version published by another process.
    index_poll_seconds: Annotated[float, Field(ge=0.2, le=3600)] = 3.0
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("upload_types", mode="before")
    @classmethod
    def _split_types(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower().lstrip(".") for part in value.split(",") if part.strip()]
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: str) -> str:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in the secret token.
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as err:
            raise ValueError("must be an IANA time zone such as Asia/Ho_Chi_Minh") from err
        return value

    @field_validator("embedding_model")
    @classmethod
    def _model_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name a sentence-transformers model or a path")
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def model_cache_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def embedding_cache_dir(self) -> Path:
        return self.cache_dir / "embeddings"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hoidoan.db').as_posix()}"


def describe_error(err: ValidationError) -> str:
    """One line per wrong setting, naming the environment variable."""
    lines = []
    for item in err.errors():
        name = "HOIDOAN_" + "_".join(str(p) for p in item["loc"]).upper()
        secret = any(word in name for word in ("TOKEN", "SECRET", "PASSWORD", "DATABASE_URL"))
        shown = "(value hidden)" if secret else f"(got {item.get('input')!r})"
        lines.append(f"{name}: {item['msg']} {shown}")
    return "Invalid setting(s):\n  " + "\n  ".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Build settings or raise :class:`SettingsError` with a readable message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        raise SettingsError(describe_error(err)) from err


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
