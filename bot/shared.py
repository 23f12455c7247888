"""The engine as used by processes that share one index folder and one database: the bot's
replicas and the `hoidoan index` command.

Builds are serialised by a database lock, and each published version is recorded in the
database, which is what running bots follow (``bot.telegram.runner.watch_index``).
"""

from __future__ import annotations

import os
import socket

from bot.engine import Engine
from bot.index import BuildReport
from bot.settings import Settings
from bot.store import Store


def shared_engine(settings: Settings, store: Store) -> Engine:
    instance = f"{socket.gethostname()}-{os.getpid()}"

    def record(report: BuildReport) -> None:
        store.record_index_version(report.version, report.documents, report.chunks, instance)

    return Engine(settings, build_guard=lambda: store.exclusive("reindex"), on_published=record)
