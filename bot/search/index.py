"""Build, publish and load index versions.

Layout under the index folder::

    index/
      CURRENT              name of the version being served (replaced atomically)
      v20261130-101500-1a2b/
        manifest.json      model, dimension, chunker settings, every document and its hash
        chunks.jsonl       the passages, in the row order of both indexes
        dense.faiss        FAISS inner-product index of passage embeddings
        lexical/           BM25 index (bm25s)
        restorer.json      diacritic restoration model trained on these documents

A build writes a new version folder beside the served one and only then replaces
``CURRENT``: a crash or Ctrl-C mid-way leaves the previous version serving. Builds are
incremental: passages whose text is unchanged reuse their vectors (from the previous
version, or the embedding cache), so only new or changed documents are embedded.

Example::

    >>> builder = IndexBuilder(Path("index"), embedder, chunker)  # doctest: +SKIP
    >>> report = builder.build(documents)  # doctest: +SKIP
    >>> KnowledgeIndex.load_current(Path("index")).documents  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from bot.documents.chunk import Chunk, Chunker
from bot.documents.ingest import Document
from bot.search.dense import DenseIndex
from bot.search.diacritics import DiacriticRestorer
from bot.search.embed import Embedder, EmbeddingCache, embed_passages_cached
from bot.search.lexical import LexicalIndex

log = logging.getLogger(__name__)
T = TypeVar("T")

CURRENT = "CURRENT"
FORMAT_VERSION = 1
KEEP_VERSIONS = 3  # replicas may still be loading the previous one


class IndexNotFound(RuntimeError):
    """No index has been built yet."""


@dataclass
class DocInfo:
    doc_id: str
    title: str
    source: str
    kind: str
    date: str | None
    url: str | None
    content_hash: str
    chunks: int
    path: str | None = None
    number: str | None = None
    issuer: str | None = None
    pages: int | None = None
    ocr_pages: int = 0
    encoding: str | None = None

    @classmethod
    def from_document(cls, doc: Document, chunks: int) -> DocInfo:
        return cls(doc.doc_id, doc.title, doc.source, doc.kind, doc.date, doc.url,
                   doc.content_hash, chunks, doc.extra.get("path"), doc.number, doc.issuer,
                   doc.pages, doc.ocr_pages, doc.encoding)


@dataclass
class BuildReport:
    version: str
    documents: int
    chunks: int
    embedded: int  # passages whose vectors had to be computed
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    full_rebuild_reason: str | None = None
    seconds: float = 0.0
    unchanged: bool = False  # nothing to do: the served version was kept


def _chunk_to_json(chunk: Chunk) -> str:
    return json.dumps({"doc_id": chunk.doc_id, "ordinal": chunk.ordinal, "title": chunk.title,
                       "heading": chunk.heading, "article": chunk.article, "text": chunk.text},
                      ensure_ascii=False)


class KnowledgeIndex:
    """One loaded index version: passages, both search indexes and metadata."""

    def __init__(self, path: Path, manifest: dict, chunks: list[Chunk], dense: DenseIndex,
                 lexical: LexicalIndex, restorer: DiacriticRestorer) -> None:
        self.path = path
        self.manifest = manifest
        self.chunks = chunks
        self.dense = dense
        self.lexical = lexical
        self.restorer = restorer
        known = set(DocInfo.__dataclass_fields__)
        self.documents: dict[str, DocInfo] = {
            d["doc_id"]: DocInfo(**{k: v for k, v in d.items() if k in known}) for d in manifest["documents"]
        }
        self.chunk_hashes = [c.chunk_hash for c in chunks]
        # Row ranges per document, for grouping and "Điều N" lookups.
        self.rows_by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            self.rows_by_doc.setdefault(chunk.doc_id, []).append(row)
        self._derived: dict[Hashable, Any] = {}

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value computed from this version once (folded titles, last passages, links between
        editions): a published version never changes, so searches reuse it."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    @property
    def version(self) -> str:
        return self.path.name

    @classmethod
    def load(cls, path: Path) -> KnowledgeIndex:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexNotFound(f"index at {path} has an old format; run `hoidoan index --full`")
        chunks = []
        with (path / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                chunks.append(Chunk(**json.loads(line)))
        return cls(path, manifest, chunks, DenseIndex.load(path / "dense.faiss"),
                   LexicalIndex.load(path / "lexical"), DiacriticRestorer.from_json(path / "restorer.json"))

    @staticmethod
    def current_path(index_dir: Path) -> Path | None:
        pointer = index_dir / CURRENT
        if not pointer.is_file():
            return None
        path = index_dir / pointer.read_text().strip()
        return path if (path / "manifest.json").is_file() else None

    @classmethod
    def load_current(cls, index_dir: Path) -> KnowledgeIndex:
        path = cls.current_path(index_dir)
        if path is None:
            raise IndexNotFound(f"no index in {index_dir}; run `hoidoan index`")
        return cls.load(path)


class IndexBuilder:
    """Turns documents into a new published index version, reusing what it can."""

    def __init__(self, index_dir: Path, embedder: Embedder, chunker: Chunker,
                 cache: EmbeddingCache | None = None, batch_size: int = 8) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.chunker = chunker
        self.cache = cache
        self.batch_size = batch_size

    def _settings_signature(self) -> dict[str, object]:
        return {"model": self.embedder.name, "dimension": self.embedder.dimension,
                "chunker": self.chunker.signature}

    def build(self, documents: Iterable[Document], full: bool = False,
              progress: Callable[[int, int], None] | None = None) -> BuildReport:
        """Build and publish a version from exactly these documents."""
        started = time.perf_counter()
        docs = list(documents)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._clean_stale_builds()
        previous = None
        current = KnowledgeIndex.current_path(self.index_dir)
        reason = None
        if current is not None:
            try:
                previous = KnowledgeIndex.load(current)
            except (OSError, ValueError, KeyError, IndexNotFound) as err:
                reason = f"previous index unreadable ({err})"
        if previous is not None:
            old_sig = {k: previous.manifest.get(k) for k in ("model", "dimension", "chunker")}
            if old_sig != self._settings_signature():
                changed = [k for k in old_sig if old_sig[k] != self._settings_signature()[k]]
                reason = f"{' and '.join(changed)} changed"
                previous = None
        if full:
            reason = reason or "--full requested"
            previous = None
        if reason:
            log.info("Full rebuild: %s.", reason)

        old_docs = previous.documents if previous else {}
        seen: set[str] = set()
        for doc in docs:
            if doc.doc_id in seen:
                raise ValueError(f"duplicate document id {doc.doc_id}")
            seen.add(doc.doc_id)
        added = [d.doc_id for d in docs if d.doc_id not in old_docs]
        changed = [d.doc_id for d in docs if d.doc_id in old_docs
                   and old_docs[d.doc_id].content_hash != d.content_hash]
        removed = sorted(set(old_docs) - seen)

        chunks: list[Chunk] = []
        infos: list[DocInfo] = []
        for doc in docs:
            doc_chunks = self.chunker.split(doc.doc_id, doc.title, doc.text)
            chunks.extend(doc_chunks)
            infos.append(DocInfo.from_document(doc, len(doc_chunks)))

        if previous is not None and [i.__dict__ for i in infos] == previous.manifest["documents"]:
            # Nothing changed: keep serving the current version (no churn for replicas).
            log.info("Index is up to date (%s).", previous.version)
            return BuildReport(previous.version, len(docs), len(chunks), 0,
                               seconds=time.perf_counter() - started, unchanged=True)

        texts = [c.index_text for c in chunks]
        vectors = np.zeros((len(chunks), self.embedder.dimension), dtype=np.float32)
        reuse: dict[str, int] = {}
        if previous is not None:
            reuse = {h: i for i, h in enumerate(previous.chunk_hashes)}
        todo: list[int] = []
        old_vectors = previous.dense.vectors() if previous is not None and reuse else None
        for i, chunk in enumerate(chunks):
            j = reuse.get(chunk.chunk_hash)
            if j is not None and old_vectors is not None:
                vectors[i] = old_vectors[j]
            else:
                todo.append(i)
        done = len(chunks) - len(todo)
        if progress:
            progress(done, len(chunks))

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, len(chunks))

        new_vectors, embedded = embed_passages_cached(
            self.embedder, self.cache, [texts[i] for i in todo], self.batch_size, tick
        )
        for k, i in enumerate(todo):
            vectors[i] = new_vectors[k]

        version = self._write_version(chunks, infos, vectors)
        self._publish(version)
        return BuildReport(version, len(docs), len(chunks), embedded, added, changed, removed,
                           reason, time.perf_counter() - started)

    def _write_version(self, chunks: list[Chunk], infos: list[DocInfo], vectors: np.ndarray) -> str:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        version = f"v{stamp}-{secrets.token_hex(3)}"
        tmp = self.index_dir / f".building-{version}"
        tmp.mkdir(parents=True)
        manifest = {
            "format": FORMAT_VERSION,
            **self._settings_signature(),
            "created": dt.datetime.now().isoformat(timespec="seconds"),
            "documents": [info.__dict__ for info in infos],
            "chunks": len(chunks),
        }
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(_chunk_to_json(chunk) + "\n")
        DenseIndex.build(vectors, self.embedder.dimension).save(tmp / "dense.faiss")
        LexicalIndex.build([c.index_text for c in chunks]).save(tmp / "lexical")
        restorer = DiacriticRestorer()
        restorer.fit(f"{c.title}\n{c.heading}\n{c.text}" for c in chunks)
        restorer.to_json(tmp / "restorer.json")
        # The manifest goes last: a folder without one is never served.
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        _fsync_dir(tmp)
        tmp.rename(self.index_dir / version)
        return version

    def _publish(self, version: str) -> None:
        publish(self.index_dir, version)

    def _clean_stale_builds(self) -> None:
        for stale in self.index_dir.glob(".building-*"):
            shutil.rmtree(stale, ignore_errors=True)


def publish(index_dir: Path, version: str) -> None:
    """Point ``CURRENT`` at a complete version folder (atomically) and drop the oldest ones."""
    pointer = index_dir / CURRENT
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(version + "\n")
    os.replace(tmp, pointer)
    _fsync_dir(index_dir)
    versions = sorted(p for p in index_dir.glob("v*") if p.is_dir())
    for old in versions[:-KEEP_VERSIONS]:
        if old.name != version:
            shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
