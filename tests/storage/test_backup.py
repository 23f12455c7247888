"""Backup and restore, both ways: SQLite and PostgreSQL, while the bot's database is live."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.engine import Engine
from bot.search.embed import Embedder
from bot.settings import Settings
from bot.shared import replication_for, shared_engine
from bot.storage.backup import BackupError, backup, restore, verify
from bot.storage.store import Store

PG_URL = os.environ.get("HOIDOAN_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def _pg_url() -> str:
    schema = f"b_{uuid.uuid4().hex[:12]}"
    with create_engine(PG_URL).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_backup_then_restore_on_a_fresh_machine_answers_the_same(
        backend: str, settings: Settings, embedder: Embedder, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db" if backend == "sqlite" else _pg_url()
    live = settings.model_copy(update={"database_url": url})
    store = Store(url)
    store.migrate()
    faq = store.faq_add("Kết nạp Đoàn mấy tuổi?", "Từ đủ 16 đến 30 tuổi.")
    asked = store.log_question(chat_id=5, user_id=7, question="đoàn phí bao nhiêu", abstained=False,
                               confidence=0.9, results=[{"doc_id": "x", "title": "T"}])
    store.set_feedback(asked, 7, "up")
    (live.knowledge_dir / "versions.tsv").write_text("a\tb\n", encoding="utf-8")
    # As the bot runs it: with PostgreSQL the files and index versions are in the database too.
    engine = shared_engine(live, store, replication_for(live, store), embedder)
    engine.reindex()
    assert (store.knowledge_seq() > 0) == (backend == "postgresql")
    before = engine.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?")

    snapshot = tmp_path / "snapshot"
    manifest = backup(live, snapshot)  # the live store stays open meanwhile
    assert manifest["tables"]["faq"] == 1 and manifest["tables"]["questions"] == 1
    assert not {"knowledge_files", "index_parts"} & set(manifest["tables"])  # the folder holds them
    assert {f["path"] for f in manifest["knowledge"]} >= {"dieu-le-doan.md", "versions.tsv"}
    store.faq_add("Written after the backup", "not restored")
    store.close()
    with pytest.raises(BackupError):
        backup(live, snapshot)  # never into a folder that holds something

    # A fresh machine: an empty database, another knowledge folder with a stray file.
    fresh_knowledge = tmp_path / "fresh-knowledge"
    fresh_knowledge.mkdir()
    (fresh_knowledge / "stray.txt").write_text("Văn bản không có trong bản sao lưu.", encoding="utf-8")
    fresh_url = f"sqlite:///{tmp_path}/fresh.db" if backend == "sqlite" else _pg_url()
    fresh = live.model_copy(update={"database_url": fresh_url, "knowledge_dir": fresh_knowledge,
                                    "index_dir": tmp_path / "fresh-index", "data_dir": tmp_path / "fresh-data"})
    restore(fresh, snapshot)
    assert not (fresh_knowledge / "stray.txt").exists()
    assert list((tmp_path / "fresh-data").glob("restore-*/stray.txt"))  # moved aside, not deleted
    restored = Store(fresh_url)
    assert [f.question for f in restored.faq_list()] == ["Kết nạp Đoàn mấy tuổi?"]
    row = restored.get_question(asked)
    assert row is not None and row.question == "đoàn phí bao nhiêu" and row.results[0]["doc_id"] == "x"
    assert restored.faq_add("New after restore", "ok") > faq  # ids continue after the restored ones
    restored.close()
    engine = Engine(fresh, embedder)
    engine.reindex()
    after = engine.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?")
    assert [r.passage for r in after.results] == [r.passage for r in before.results]
    assert (fresh_knowledge / "versions.tsv").read_text(encoding="utf-8") == "a\tb\n"


def test_a_changed_or_foreign_folder_is_refused(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(BackupError):
        verify(tmp_path)  # no manifest
    live = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/live.db"})
    Store(live.effective_database_url).migrate()
    backup(live, tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    (tmp_path / "b" / "knowledge" / manifest["knowledge"][0]["path"]).write_text("changed", encoding="utf-8")
    with pytest.raises(BackupError, match="changed"):
        restore(live, tmp_path / "b")
