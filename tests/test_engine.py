"""The engine's admin operations on the knowledge folder: what is read, and who writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.documents.sandbox import SandboxReader
from bot.engine import Engine
from bot.search.embed import Embedder
from bot.settings import Settings


def test_an_upload_is_read_once_from_staging_to_the_index(settings: Settings, embedder: Embedder,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan's OCR is the slow part: the reindex that adds an upload reuses what staging read."""
    engine = Engine(settings, embedder)
    engine.reindex()
    reads: list[str] = []
    original = SandboxReader.read

    def counting(self: SandboxReader, path: Path, root: Path | None = None, progress=None):  # type: ignore[no-untyped-def]
        reads.append(path.name)
        return original(self, path, root, progress)

    monkeypatch.setattr(SandboxReader, "read", counting)
    upload = tmp_path / "upload.txt"
    upload.write_text("THÔNG BÁO\nLịch sinh hoạt chi đoàn tháng 12\n\nChi đoàn sinh hoạt vào tối thứ Sáu.\n",
                      encoding="utf-8")
    staged = engine.stage_upload(upload, "lich-sinh-hoat.txt")
    added = engine.add_staged(staged)
    assert added.info.title == "Thông báo lịch sinh hoạt chi đoàn tháng 12"
    assert reads == ["lich-sinh-hoat.txt"]  # staging read it; the reindex took it from the read cache


def test_a_document_the_bot_makes_is_written_through_the_library(settings: Settings, embedder: Embedder) -> None:
    engine = Engine(settings, embedder)
    path = engine.add_text("thong-bao/../../2026-12-01-thong-bao-7.md", "---\ntitle: Thông báo\n---\nHọp lúc 8 giờ.\n")
    assert path == "thong-bao/2026-12-01-thong-bao-7.md"  # never outside the folder
    assert (settings.knowledge_dir / path).read_text(encoding="utf-8").endswith("Họp lúc 8 giờ.\n")
    assert not list(settings.knowledge_dir.rglob("*.tmp"))
