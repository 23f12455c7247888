"""The connection to one database, shared by the stores of each concern."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreCore:
    """One database: its engine, sessions, schema and cross-process locks (a session per call,
    so it is thread-safe)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest migration (safe with several processes)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                # Replicas starting together must not run the same migration twice.
                conn.execute(text("SELECT pg_advisory_xact_lock(724501)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as err:  # any driver error means "not reachable"
            log.warning("Database not reachable: %s", type(err).__name__)
            return False

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def exclusive(self, name: str, wait: bool = True) -> Iterator[bool]:
        """A lock shared by every process on this database: yields False if ``wait`` is off
        and another process holds it. PostgreSQL advisory lock; SQLite: a lock file."""
        if self.dialect == "postgresql":
            key = int(hashlib.sha1(name.encode()).hexdigest()[:15], 16)
            with self.engine.connect() as conn:
                if wait:
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                    got = True
                else:
                    got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
                try:
                    yield got
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
            return
        database = self.engine.url.database
        if not database or database == ":memory:":
            lock = _MEMORY_LOCKS.setdefault(name, threading.Lock())
            got = lock.acquire(blocking=wait)
            try:
                yield got
            finally:
                if got:
                    lock.release()
            return
        path = Path(database).with_name(f"{Path(database).name}.{name}.lock")
        with path.open("a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
            except BlockingIOError:
                got = False
            try:
                yield got
            finally:
                if got:
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def session(self) -> Session:
        """A raw session, for the few callers that need their own queries."""
        return self._session()


_MEMORY_LOCKS: dict[str, threading.Lock] = {}


def retry_on_conflict(fn: Callable[..., T], *args: Any) -> T:
    """Two updates about a new chat can race to insert it; the loser retries as an update."""
    try:
        return fn(*args)
    except IntegrityError:
        return fn(*args)


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a multi-threaded bot.

    ``hide_parameters``: an error never writes members' questions, names or ids into the logs.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        memory = not path or path == ":memory:"
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               poolclass=StaticPool if memory else None, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)
