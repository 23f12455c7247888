"""Index versions, and the knowledge files and index parts that replicas share."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select

from bot.storage.core import StoreCore
from bot.storage.models import IndexPartRow, IndexVersionRow, KnowledgeFileRow, utcnow


class FileStore(StoreCore):
    """Index versions, and the knowledge files and index parts that replicas share."""

    # --- index versions and cross-process locks ------------------------------------------------
    def record_index_version(self, version: str, documents: int, passages: int, instance: str | None = None) -> None:
        with self._session.begin() as s:
            if s.scalar(select(IndexVersionRow.id).where(IndexVersionRow.version == version)) is None:
                s.add(IndexVersionRow(version=version, documents=documents, passages=passages, instance=instance))

    def latest_index_version(self) -> str | None:
        with self._session() as s:
            return s.scalar(select(IndexVersionRow.version).order_by(IndexVersionRow.id.desc()).limit(1))

    def index_versions(self) -> list[str]:
        """Recorded versions, oldest first."""
        with self._session() as s:
            return list(s.scalars(select(IndexVersionRow.version).order_by(IndexVersionRow.id)))

    # --- files shared by replicas (bot/storage/replication.py) -------------------------------------------
    def knowledge_seq(self) -> int:
        with self._session() as s:
            return int(s.scalar(select(func.max(KnowledgeFileRow.seq))) or 0)

    def knowledge_listing(self, after: int = 0) -> list[tuple[str, str | None, int]]:
        """(path, sha256 or None if removed, seq) of files changed after ``after``."""
        with self._session() as s:
            rows = s.execute(select(KnowledgeFileRow.path, KnowledgeFileRow.sha256, KnowledgeFileRow.seq)
                             .where(KnowledgeFileRow.seq > after).order_by(KnowledgeFileRow.seq))
            return [(path, sha, int(seq)) for path, sha, seq in rows]

    def knowledge_content(self, path: str) -> bytes | None:
        with self._session() as s:
            return s.scalar(select(KnowledgeFileRow.content).where(KnowledgeFileRow.path == path))

    def put_knowledge(self, changes: Iterable[tuple[str, str | None, bytes | None]]) -> int:
        """Record (path, sha256, content) changes, sha256 None for a removal, under one new
        sequence number, which is returned. Contents are read from ``changes`` one at a time."""
        with self._session.begin() as s:
            seq = int(s.scalar(select(func.max(KnowledgeFileRow.seq))) or 0) + 1
            for path, sha, content in changes:
                row = s.get(KnowledgeFileRow, path) or KnowledgeFileRow(path=path)
                row.sha256, row.content = (sha, content) if sha is not None else (None, None)
                row.size = len(content or b"") if sha is not None else 0
                row.seq, row.updated_at = seq, utcnow()
                s.add(row)
                s.flush()
                s.expunge(row)  # one file's content in memory at a time
            return seq

    def put_index_parts(self, version: str, parts: Iterable[bytes]) -> None:
        with self._session.begin() as s:
            s.execute(delete(IndexPartRow).where(IndexPartRow.version == version))
            for n, data in enumerate(parts):
                s.add(IndexPartRow(version=version, part=n, data=data))
                s.flush()  # one piece in memory at a time
                s.expunge_all()

    def index_part_count(self, version: str) -> int:
        with self._session() as s:
            return int(s.scalar(select(func.count()).select_from(IndexPartRow)
                                .where(IndexPartRow.version == version)) or 0)

    def index_part(self, version: str, part: int) -> bytes | None:
        with self._session() as s:
            return s.scalar(select(IndexPartRow.data).where(IndexPartRow.version == version,
                                                            IndexPartRow.part == part))

    def prune_index_parts(self, keep: Iterable[str]) -> None:
        with self._session.begin() as s:
            s.execute(delete(IndexPartRow).where(IndexPartRow.version.not_in(list(keep))))
