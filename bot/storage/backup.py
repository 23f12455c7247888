"""``hoidoan backup DIR`` / ``hoidoan restore DIR``: what cannot be rebuilt, in one folder.

A snapshot holds the database (every table as JSON lines, read in one transaction: a
consistent copy while the bot runs, on SQLite and PostgreSQL alike, and portable between
them) and the knowledge folder (every file, with its SHA-256 in ``manifest.json``). The
index is not kept: it is rebuilt from the knowledge folder on restore. Nor are the
replicas' copies of files in the database (``REPLICA_TABLES``): restore empties them, and
the reindex after it records the restored folder and index for every replica again.

Example::

    >>> manifest = backup(settings, Path("/srv/backups/2026-11-30"))  # doctest: +SKIP
    >>> restore(settings, Path("/srv/backups/2026-11-30"))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, create_engine, delete, insert, select, text

from bot.settings import Settings
from bot.storage.replication import file_sha256
from bot.storage.store import REPLICA_TABLES, Base, Store

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A snapshot that cannot be written or read (the message says why, in English)."""


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


@contextlib.contextmanager
def _consistent_connection(store: Store) -> Iterator[Connection]:
    """A connection that sees every table at one moment, while the bot keeps writing.

    PostgreSQL: a REPEATABLE READ, read-only transaction. SQLite: SQLite's online backup
    copies the database file page by page into a temporary file, which is then read.
    """
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                      postgresql_readonly=True) as conn, conn.begin():
            yield conn
        return
    path = store.url.split("///", 1)[-1].split("?", 1)[0]
    with tempfile.TemporaryDirectory(prefix="hoidoan-backup-") as tmp:
        copy = Path(tmp) / "copy.db"
        source, target = sqlite3.connect(path), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        engine = create_engine(f"sqlite:///{copy}")
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()


def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Write a snapshot into ``target`` (created; it must be empty). Returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    (target / "database").mkdir(parents=True, exist_ok=True)
    store = Store(settings.effective_database_url)
    tables: dict[str, int] = {}
    try:
        with _consistent_connection(store) as conn:
            for table in Base.metadata.sorted_tables:
                if table.name in REPLICA_TABLES:
                    continue
                rows = conn.execute(select(table)).mappings().all()
                with (target / "database" / f"{table.name}.jsonl").open("w", encoding="utf-8") as fh:
                    for row in rows:
                        fh.write(json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False))
                        fh.write("\n")
                tables[table.name] = len(rows)
    finally:
        store.close()
    files = []
    source = settings.knowledge_dir
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source)
        copy = target / "knowledge" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        files.append({"path": relative.as_posix(), "bytes": path.stat().st_size, "sha256": file_sha256(copy)})
    manifest = {"format": FORMAT, "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": store.dialect, "tables": tables, "knowledge": files}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict[str, Any]:
    """The snapshot's manifest, after checking every file against it."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}: not a HoiDoan backup")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
    for item in manifest["knowledge"]:
        copy = source / "knowledge" / item["path"]
        if not copy.is_file() or file_sha256(copy) != item["sha256"]:
            raise BackupError(f"knowledge file {item['path']} is missing or changed in the backup")
    for name, count in manifest["tables"].items():
        lines = (source / "database" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if len(lines) != count:
            raise BackupError(f"table {name}: {len(lines)} rows in the backup, {count} in its manifest")
    return manifest


def restore(settings: Settings, source: Path) -> dict[str, Any]:
    """Bring a snapshot back: the database's rows replace the current ones (schema migrated
    first), and the knowledge folder becomes the snapshot's (files it does not hold are moved
    to ``data/restore-<time>/``, never deleted). The caller reindexes."""
    manifest = verify(source)
    store = Store(settings.effective_database_url)
    try:
        store.migrate()
        with store.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                if table.name not in manifest["tables"]:  # the replicas' copies, or a table newer than the backup
                    continue
                dates = {c.name for c in table.columns if isinstance(c.type, DateTime)}
                rows = []
                for line in (source / "database" / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines():
                    row = json.loads(line)
                    rows.append({k: dt.datetime.fromisoformat(v) if k in dates and v else v for k, v in row.items()
                                 if k in table.columns})
                if rows:
                    conn.execute(insert(table), rows)
                if store.dialect == "postgresql" and "id" in table.columns and rows:
                    # New rows must not collide with restored ids.
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT MAX(id) FROM {table.name}))"))
    finally:
        store.close()
    knowledge = settings.knowledge_dir
    knowledge.mkdir(parents=True, exist_ok=True)
    kept = {item["path"] for item in manifest["knowledge"]}
    aside = settings.data_dir / f"restore-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    for path in sorted(p for p in knowledge.rglob("*") if p.is_file()):
        relative = path.relative_to(knowledge).as_posix()
        if relative not in kept:
            (aside / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), aside / relative)
    for item in manifest["knowledge"]:
        copy = knowledge / item["path"]
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "knowledge" / item["path"], copy)
    return manifest
