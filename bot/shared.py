"""The engine as used by processes that share one database: the bot's replicas and the
`hoidoan index` command.

Builds are serialised by a database lock, and each published version is recorded in the
database, which is what running bots follow (``bot.telegram.runner.watch_index``). With
PostgreSQL (or ``HOIDOAN_FILES_IN_DATABASE=true``) the knowledge files and the index
versions themselves are stored there too, so replicas need no shared folder
(bot/storage/replication.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator

from bot.engine import Engine
from bot.search.embed import Embedder
from bot.search.index import BuildReport
from bot.settings import Settings
from bot.storage.replication import Replication
from bot.storage.store import Store

log = logging.getLogger(__name__)


def replication_for(settings: Settings, store: Store) -> Replication | None:
    """The database-backed copy of files, if this deployment shares files through the database."""
    wanted = settings.files_in_database
    if wanted is None:
        wanted = store.dialect == "postgresql"
    if not wanted:
        return None
    return Replication(store, settings.knowledge_dir, settings.index_dir, settings.max_file_mb)


def shared_engine(settings: Settings, store: Store, replication: Replication | None = None,
                  embedder: Embedder | None = None) -> Engine:
    instance = f"{socket.gethostname()}-{os.getpid()}"

    @contextlib.contextmanager
    def guard() -> Iterator[None]:
        with store.exclusive("reindex"):
            if replication is not None:
                # Build on top of what the others published, never on a stale copy.
                replication.follow(store.latest_index_version())
            yield

    def after_build(report: BuildReport | None) -> None:
        """Inside the build lock: share what this build changed and record its version. A
        version the database holds no copy of is shared whether new or not: one built before
        the database knew of it (the image's sample index) or after a restore emptied the copies."""
        if replication is not None:
            unshared = report is not None and not store.index_part_count(report.version)
            replication.push(report.version if unshared and report is not None else None)
        if report is not None and store.latest_index_version() != report.version:
            store.record_index_version(report.version, report.documents, report.chunks, instance)

    return Engine(settings, embedder, build_guard=guard, after_build=after_build)


def catch_up(engine: Engine, store: Store, replication: Replication | None) -> bool:
    """Serve the newest recorded version (fetching its files if they live in the database);
    True if the served version changed. Skips a turn while this process is building."""
    latest = store.latest_index_version()
    if replication is not None and (store.knowledge_seq() > replication.applied_seq or (
            latest is not None and not replication.holds(latest))):
        with engine.between_builds(wait=False) as free:
            if not free:
                return False
            replication.follow(latest)
    served = engine.served_index()
    if latest and (served is None or served.version != latest):
        return engine.reload(latest)
    return False
