"""What every handler needs, built once per process and kept in ``application.bot_data``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import ContextTypes

from bot.assistant import Assistant
from bot.engine import Engine
from bot.settings import Settings
from bot.storage.outbox import Outbox
from bot.storage.replication import Replication
from bot.storage.store import Store
from bot.telegram.ratelimit import SlidingWindowLimiter
from bot.telegram.telemetry import Telemetry

if TYPE_CHECKING:
    from bot.telegram.broadcast import Broadcaster

KEY = "hoidoan"


@dataclass
class Services:
    settings: Settings
    engine: Engine
    store: Store
    outbox: Outbox = field(init=False)
    replication: Replication | None = None  # files shared through the database (bot/storage/replication.py)
    broadcaster: Broadcaster | None = None  # started with the application
    telemetry: Telemetry = field(default_factory=Telemetry)
    # One index build at a time per process; questions keep using the served index meanwhile.
    reindexing: asyncio.Lock = field(default_factory=asyncio.Lock)
    assistant: Assistant = field(init=False)
    question_limiter: SlidingWindowLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self.store, lease_seconds=self.settings.outbox_lease_seconds)
        self.assistant = Assistant(self.engine, self.store, faq_refresh_seconds=self.settings.faq_refresh_seconds,
                                   follow_up_seconds=self.settings.follow_up_minutes * 60)
        self.question_limiter = SlidingWindowLimiter(self.settings.questions_per_minute, 60.0)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def faqs_changed(self) -> None:
        self.assistant.faqs_changed()


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[KEY]
