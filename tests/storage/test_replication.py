"""Replicas that share only the database: knowledge files and index versions copied through it
(bot/storage/replication.py). Two copies on one SQLite file here; tests/test_replicas.py runs real
processes on PostgreSQL."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from bot.search.index import CURRENT
from bot.storage.replication import STATE_FILE, Replication
from bot.storage.store import Store


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'shared.db'}")
    s.migrate()
    yield s
    s.close()


def copy(store: Store, root: Path, name: str) -> Replication:
    (root / name / "knowledge").mkdir(parents=True)
    return Replication(store, root / name / "knowledge", root / name / "index")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_added_replaced_and_removed_files_reach_the_other_copy(store: Store, tmp_path: Path) -> None:
    a, b = copy(store, tmp_path, "a"), copy(store, tmp_path, "b")
    (a.knowledge_dir / "dieu-le.txt").write_text("Điều lệ Đoàn", encoding="utf-8")
    (a.knowledge_dir / "2026").mkdir()
    (a.knowledge_dir / "2026" / "ke-hoach.txt").write_text("Kế hoạch", encoding="utf-8")
    assert a.push_knowledge() == 2
    assert a.push_knowledge() == 0  # nothing new
    assert b.pull_knowledge() == 2
    assert files(b.knowledge_dir) == files(a.knowledge_dir)

    (a.knowledge_dir / "dieu-le.txt").write_text("Điều lệ Đoàn khóa XII", encoding="utf-8")
    (a.knowledge_dir / "2026" / "ke-hoach.txt").unlink()
    assert a.push_knowledge() == 2
    assert b.pull_knowledge() == 2
    assert files(b.knowledge_dir) == {"dieu-le.txt": "Điều lệ Đoàn khóa XII".encode()}
    assert b.pull_knowledge() == 0


def test_a_copy_keeps_its_own_removal_and_its_own_new_file(store: Store, tmp_path: Path) -> None:
    """Changes are applied by sequence, so a pull never undoes what this copy did since."""
    a, b = copy(store, tmp_path, "a"), copy(store, tmp_path, "b")
    (a.knowledge_dir / "x.txt").write_text("x", encoding="utf-8")
    (a.knowledge_dir / "y.txt").write_text("y", encoding="utf-8")
    a.push_knowledge()
    b.pull_knowledge()
    (b.knowledge_dir / "x.txt").unlink()  # an admin removed it through replica b
    (b.knowledge_dir / "z.txt").write_text("z", encoding="utf-8")  # and added another
    assert b.pull_knowledge() == 0 and not (b.knowledge_dir / "x.txt").exists()
    b.push_knowledge()
    a.pull_knowledge()
    assert sorted(files(a.knowledge_dir)) == ["y.txt", "z.txt"]


def test_an_index_version_is_fetched_and_made_current(store: Store, tmp_path: Path) -> None:
    a, b = copy(store, tmp_path, "a"), copy(store, tmp_path, "b")
    version = a.index_dir / "v20261130-120000-abcdef"
    (version / "lexical").mkdir(parents=True)
    (version / "manifest.json").write_text(json.dumps({"format": 1}), encoding="utf-8")
    (version / "dense.faiss").write_bytes(bytes(range(256)) * 40_000)  # several pieces of the archive
    (version / "lexical" / "vocab.json").write_text("{}", encoding="utf-8")
    a.push_index(version.name)
    assert store.index_part_count(version.name) >= 1
    assert b.follow(version.name)
    assert files(b.index_dir / version.name) == files(version)
    assert (b.index_dir / CURRENT).read_text().strip() == version.name
    assert not b.follow("v-never-recorded")


def test_a_restarted_copy_remembers_what_it_applied(store: Store, tmp_path: Path) -> None:
    a, b = copy(store, tmp_path, "a"), copy(store, tmp_path, "b")
    (a.knowledge_dir / "x.txt").write_text("x", encoding="utf-8")
    a.push_knowledge()
    b.pull_knowledge()
    assert json.loads((b.index_dir / STATE_FILE).read_text())["seq"] == store.knowledge_seq()
    again = Replication(store, b.knowledge_dir, b.index_dir)
    assert again.applied_seq == store.knowledge_seq() and again.pull_knowledge() == 0


def test_hostile_paths_in_the_database_or_an_archive_go_nowhere(store: Store, tmp_path: Path) -> None:
    b = copy(store, tmp_path, "b")
    store.put_knowledge([("../escape.txt", "0" * 64, b"x"), ("/etc/passwd-copy", "0" * 64, b"x"),
                         (".hidden", "0" * 64, b"x")])
    assert b.pull_knowledge() == 0
    assert not (tmp_path / "b" / "escape.txt").exists() and files(b.knowledge_dir) == {}

    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name, data in (("manifest.json", b"{}"), ("../../outside.txt", b"x"), ("lexical/ok.json", b"{}")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("dense.faiss")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    store.put_index_parts("v1", [archive.getvalue()])
    assert b.fetch_index("v1")
    assert sorted(files(b.index_dir / "v1")) == ["lexical/ok.json", "manifest.json"]
    assert not (tmp_path / "outside.txt").exists() and not (b.index_dir.parent / "outside.txt").exists()
    assert not b.fetch_index("../v1")


def test_after_a_restore_emptied_the_copies_a_replica_takes_everything_again(store: Store, tmp_path: Path) -> None:
    from sqlalchemy import delete

    from bot.storage.store import KnowledgeFileRow

    a, b = copy(store, tmp_path, "a"), copy(store, tmp_path, "b")
    for name in ("x.txt", "y.txt", "z.txt"):
        (a.knowledge_dir / name).write_text(name, encoding="utf-8")
        a.push_knowledge()  # three changes: sequence 3
    b.pull_knowledge()
    with store.session() as s, s.begin():
        s.execute(delete(KnowledgeFileRow))  # what `hoidoan restore` does to the copies
    (a.knowledge_dir / "x.txt").write_text("x, restored", encoding="utf-8")
    a.push_knowledge()  # the reindex after the restore records the folder again: sequence 1
    assert b.pull_knowledge() == 1
    assert (b.knowledge_dir / "x.txt").read_text(encoding="utf-8") == "x, restored"
