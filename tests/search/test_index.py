from pathlib import Path

import pytest

from bot.documents.chunk import Chunker
from bot.documents.ingest import Document
from bot.engine import Engine, read_knowledge
from bot.search.embed import Embedder, EmbeddingCache
from bot.search.index import CURRENT, IndexBuilder, KnowledgeIndex
from bot.settings import Settings


def doc(doc_id: str, text: str, title: str = "Tài liệu") -> Document:
    return Document(doc_id=doc_id, title=title, text=text, source=f"{doc_id}.txt")


def test_incremental_build_embeds_only_changes(tmp_path: Path, embedder: Embedder) -> None:
    builder = IndexBuilder(tmp_path / "index", embedder, Chunker())
    first = builder.build([doc("a", "Đoàn viên sinh hoạt hằng tháng."), doc("b", "Công đoàn thu đoàn phí.")])
    assert (first.embedded, first.added) == (2, ["a", "b"])

    second = builder.build([doc("a", "Đoàn viên sinh hoạt hằng tháng."), doc("b", "Công đoàn thu đoàn phí 0,5%.")])
    assert second.embedded == 1
    assert second.changed == ["b"]
    assert second.full_rebuild_reason is None

    third = builder.build([doc("a", "Đoàn viên sinh hoạt hằng tháng.")])
    assert third.removed == ["b"] and third.embedded == 0
    index = KnowledgeIndex.load_current(tmp_path / "index")
    assert list(index.documents) == ["a"]
    assert {c.doc_id for c in index.chunks} == {"a"}

    fourth = builder.build([doc("a", "Đoàn viên sinh hoạt hằng tháng.")])
    assert fourth.unchanged and fourth.version == third.version  # nothing new: no new version
    assert KnowledgeIndex.current_path(tmp_path / "index").name == third.version


def test_embedding_cache_serves_a_fresh_index(tmp_path: Path, embedder: Embedder) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite", embedder.dimension)
    docs = [doc("a", "Ban Chấp hành họp mỗi quý.")]
    assert IndexBuilder(tmp_path / "one", embedder, Chunker(), cache).build(docs).embedded == 1
    assert IndexBuilder(tmp_path / "two", embedder, Chunker(), cache).build(docs).embedded == 0


def test_chunker_change_triggers_full_rebuild(tmp_path: Path, embedder: Embedder) -> None:
    docs = [doc("a", "Đoàn viên sinh hoạt hằng tháng.")]
    IndexBuilder(tmp_path, embedder, Chunker(max_words=180)).build(docs)
    report = IndexBuilder(tmp_path, embedder, Chunker(max_words=120)).build(docs)
    assert report.full_rebuild_reason == "chunker changed"
    assert report.embedded == 1


def test_interrupted_build_leaves_previous_index_serving(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    builder = IndexBuilder(tmp_path, embedder, Chunker())
    builder.build([doc("a", "Bản cũ của tài liệu.")])
    served = (tmp_path / CURRENT).read_text()

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("bot.search.index.LexicalIndex.build", crash)
    with pytest.raises(KeyboardInterrupt):
        builder.build([doc("a", "Bản mới của tài liệu.")])
    assert (tmp_path / CURRENT).read_text() == served
    index = KnowledgeIndex.load_current(tmp_path)
    assert index.chunks[0].text == "Bản cũ của tài liệu."
    monkeypatch.undo()
    builder.build([doc("a", "Bản mới của tài liệu.")])  # the next build cleans up and succeeds
    assert not list(tmp_path.glob(".building-*"))
    assert KnowledgeIndex.load_current(tmp_path).chunks[0].text == "Bản mới của tài liệu."


def test_broken_file_is_reported_and_the_rest_indexed(settings: Settings, embedder: Embedder) -> None:
    (settings.knowledge_dir / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    _docs, problems, _warnings = read_knowledge(settings.knowledge_dir, settings.max_file_mb)
    assert [p.path for p in problems] == ["hong.pdf"]
    assert "PDF" in problems[0].reason
    result = Engine(settings, embedder).reindex()
    assert result.report.documents == 3


def test_oversized_file_is_skipped(settings: Settings) -> None:
    (settings.knowledge_dir / "big.txt").write_text("Đoàn viên " * 20, encoding="utf-8")
    _docs, problems, _warnings = read_knowledge(settings.knowledge_dir, max_mb=0.0001)
    assert any(p.path == "big.txt" and "limit" in p.reason for p in problems)


def test_replacing_a_file_never_duplicates(settings: Settings, embedder: Embedder) -> None:
    engine = Engine(settings, embedder)
    engine.reindex()
    path = settings.knowledge_dir / "cong-doan-phi.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("0,5%", "1%"), encoding="utf-8")
    report = engine.reindex().report
    assert len(report.changed) == 1 and report.embedded >= 1
    titles = [d.title for d in engine.documents()]
    assert titles.count("Hướng dẫn đóng đoàn phí công đoàn") == 1
    assert "1%" in engine.ask("đoàn phí công đoàn bao nhiêu phần trăm tiền lương").results[0].passage
