"""What sharing through PostgreSQL costs (bot/storage/replication.py): a replica records the alqac2022
knowledge folder (1,377 files) and an index version built from it, and another replica with
empty folders fetches both. Run bench/bench_serving.py once first (it builds that folder).

    .venv/bin/python bench/bench_replication.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from _common import table
from sqlalchemy import create_engine, text

from bot.search.index import KnowledgeIndex
from bot.storage.replication import Replication
from bot.storage.store import Store

PG = os.environ.get("HOIDOAN_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
SOURCE = Path(tempfile.gettempdir()) / "hoidoan-bench-serving"


def seconds(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    current = KnowledgeIndex.current_path(SOURCE / "index")
    if current is None:
        raise SystemExit(f"no index under {SOURCE}; run bench/bench_serving.py first")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(f"{PG}?options=-csearch_path%3D{schema}")
    rows = []
    try:
        store.migrate()
        with tempfile.TemporaryDirectory() as tmp:
            a = Replication(store, SOURCE / "knowledge", Path(tmp) / "a-index")
            shutil.copytree(current, a.index_dir / current.name)
            pushed_files = seconds(a.push_knowledge)
            pushed_index = seconds(lambda: a.push_index(current.name))
            b = Replication(store, Path(tmp) / "b-knowledge", Path(tmp) / "b-index")
            pulled_files = seconds(b.pull_knowledge)
            fetched_index = seconds(lambda: b.fetch_index(current.name))
            files = len(list(b.knowledge_dir.rglob("*.txt")))
            rows.append([f"knowledge folder ({files} files)", f"{size_mb(SOURCE / 'knowledge'):.1f}",
                         f"{pushed_files:.2f}", f"{pulled_files:.2f}"])
            rows.append([f"index version ({store.index_part_count(current.name)} piece(s))",
                         f"{size_mb(current):.1f}", f"{pushed_index:.2f}", f"{fetched_index:.2f}"])
            unchanged = seconds(lambda: (a.push_knowledge(), b.pull_knowledge()))
            rows.append(["nothing changed (a push and a pull)", "-", f"{unchanged:.2f}", ""])
    finally:
        store.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    print(table(["what", "MB", "record s", "fetch s"], rows))


if __name__ == "__main__":
    main()
