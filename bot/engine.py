"""The core facade: settings in, answers out. Used by the CLI, the bot and the benchmarks.

It owns the long-lived pieces (the embedding model, the served index version) and the
two operations everything else needs: (re)index the knowledge folder, and answer a
question. Nothing here knows about Telegram.

Example::

    >>> engine = Engine(load_settings())  # doctest: +SKIP
    >>> engine.reindex().report.chunks  # doctest: +SKIP
    >>> engine.ask("ket nap doan may tuoi").abstained  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from bot.answers.answer import Answer, Answerer
from bot.answers.versions import VERSIONS_FILE, read_overrides, replacements, write_override
from bot.documents.chunk import Chunker
from bot.documents.failures import Failure, Note
from bot.documents.ingest import SUPPORTED_SUFFIXES, Document, IngestError, iter_knowledge_files
from bot.documents.library import Library, Staged
from bot.documents.readers import Progress
from bot.documents.sandbox import ReadCache, SandboxLimits, SandboxReader
from bot.search.abbrev import Abbreviations
from bot.search.embed import Embedder, EmbeddingCache, cache_path_for
from bot.search.index import BuildReport, DocInfo, IndexBuilder, IndexNotFound, KnowledgeIndex
from bot.search.model import resolve_model_name
from bot.search.retrieve import Retriever
from bot.settings import Settings
from bot.text import fold

log = logging.getLogger(__name__)


@dataclass
class FileProblem:
    path: str
    code: Failure  # what admins are told (bot.messages.READ_REASONS)
    reason: str  # English, for the logs


@dataclass
class ReindexResult:
    report: BuildReport
    problems: list[FileProblem] = field(default_factory=list)  # files not indexed, and why
    warnings: list[FileProblem] = field(default_factory=list)  # indexed, but the admin should look


@dataclass
class AddResult:
    document: Document
    info: DocInfo | None  # as indexed (passage count); None if indexing skipped it
    replaced: list[str]
    reindex: ReindexResult


def document_warnings(doc: Document) -> list[Note]:
    """What an admin should know about a document that was indexed."""
    out = list(doc.notes)
    if doc.garbled:
        out.append(Note(Failure.GARBLED, f"text reads wrong: only {doc.valid_share:.0%} of its words are "
                                         "Vietnamese syllables (an unknown font encoding or a poor scan?)"))
    return out


def read_knowledge(knowledge_dir: Path, max_mb: float, reader: SandboxReader | None = None,
                   cache: ReadCache | None = None, progress: Progress | None = None
                   ) -> tuple[list[Document], list[FileProblem], list[FileProblem]]:
    """Every readable document under the folder; a reason for each file that is not; warnings."""
    docs: list[Document] = []
    problems: list[FileProblem] = []
    warnings: list[FileProblem] = []
    seen_ids: dict[str, str] = {}
    own_reader = reader is None
    reader = reader or SandboxReader()
    try:
        for path in iter_knowledge_files(knowledge_dir):
            rel = path.relative_to(knowledge_dir).as_posix()
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(FileProblem(rel, Failure.UNSUPPORTED_TYPE,
                                            f"unsupported file type {path.suffix.lower() or '(none)'}"))
                continue
            size_mb = path.stat().st_size / 1e6
            if size_mb > max_mb:
                problems.append(FileProblem(rel, Failure.TOO_LARGE,
                                            f"file is {size_mb:.1f} MB, over the {max_mb:g} MB limit"))
                continue
            try:
                doc = cache.read(path, knowledge_dir, reader, progress) if cache else reader.read(
                    path, knowledge_dir, progress)
            except IngestError as err:
                problems.append(FileProblem(rel, err.code, err.detail))
                continue
            if doc.doc_id in seen_ids:
                problems.append(FileProblem(rel, Failure.DUPLICATE_ID, f"same id as {seen_ids[doc.doc_id]}"))
                continue
            seen_ids[doc.doc_id] = rel
            docs.append(doc)
            warnings.extend(FileProblem(rel, note.code, note.detail) for note in document_warnings(doc))
    finally:
        if own_reader:
            reader.close()
    if cache is not None:
        cache.prune()
    for problem in problems:
        log.warning("Skipped %s: %s", problem.path, problem.reason)
    for warning in warnings:
        log.warning("Indexed %s with a warning: %s", warning.path, warning.reason)
    return docs, problems, warnings


class Engine:
    """Loads the model and the served index on first use; thread-safe for questions."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 build_guard: Callable[[], AbstractContextManager[object]] | None = None,
                 after_build: Callable[[BuildReport | None], None] | None = None) -> None:
        """``build_guard`` serialises builds across processes (the bot passes a database lock and
        brings the local copy up to date, bot/shared.py); ``after_build`` runs inside it after each
        build (None: only the knowledge folder's own files changed), to share what changed."""
        self.settings = settings
        self._embedder: Embedder | None = embedder
        self.build_guard = build_guard or contextlib.nullcontext
        self.after_build = after_build
        self._retriever: Retriever | None = None
        self._build_lock = threading.Lock()
        self._load_lock = threading.Lock()

    # --- lazy pieces -----------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._load_lock:
            if self._embedder is None:
                name = resolve_model_name(self.settings.embedding_model, self.settings.model_cache_dir)
                log.info("Loading embedding model %s", name)
                self._embedder = Embedder(name, runtime=self.settings.embedding_runtime)
            return self._embedder

    def chunker(self) -> Chunker:
        return Chunker(self.settings.chunk_words, self.settings.chunk_overlap)

    def abbreviations(self) -> Abbreviations:
        return Abbreviations.for_knowledge_dir(self.settings.knowledge_dir)

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            self._serve_first(KnowledgeIndex.load_current(self.settings.index_dir))
        return self._retriever  # type: ignore[return-value]

    def _serve_first(self, index: KnowledgeIndex) -> None:
        """Build the retriever around the first index this process serves (once)."""
        embedder = self.embedder
        with self._load_lock:
            if self._retriever is None:
                self._retriever = Retriever(index, embedder, self.abbreviations(),
                                            self.settings.fusion, self.settings.dense_weight)
                self._retriever.replaced_by = self._replacements_of

    # --- versions of one document (bot/answers/versions.py) ------------------------------------------
    def _replacements_of(self, index: KnowledgeIndex) -> dict[str, str]:
        """Old id -> newer id for this index version and the admins' links (re-read when changed)."""
        path = self.settings.knowledge_dir / VERSIONS_FILE
        stamp = path.stat().st_mtime_ns if path.is_file() else 0
        return index.derived(("replacements", stamp), lambda: replacements(
            index.documents.values(), read_overrides(self.settings.knowledge_dir)))

    def replacements(self) -> dict[str, str]:
        try:
            index = self.retriever.index if self._retriever else KnowledgeIndex.load_current(self.settings.index_dir)
        except IndexNotFound:
            return {}
        return self._replacements_of(index)

    def set_replacement(self, old_id: str, new_id: str | None) -> bool:
        """An admin says ``old_id`` is replaced by ``new_id`` (None: by nothing); False if unknown ids."""
        known = {d.doc_id for d in self.documents()}
        if old_id not in known or (new_id is not None and (new_id not in known or new_id == old_id)):
            return False
        with self._build_lock, self.build_guard():
            write_override(self.settings.knowledge_dir, old_id, new_id)
            if self.after_build is not None:
                self.after_build(None)
        return True

    def served_index(self) -> KnowledgeIndex | None:
        """The index version answering questions now (None before the first question)."""
        return self._retriever.index if self._retriever is not None else None

    def has_index(self) -> bool:
        return KnowledgeIndex.current_path(self.settings.index_dir) is not None

    # --- operations ------------------------------------------------------------------------
    def sandbox_limits(self) -> SandboxLimits:
        s = self.settings
        return SandboxLimits(memory_mb=s.read_memory_mb, timeout_seconds=s.read_timeout_seconds,
                             ocr_max_pages=s.ocr_max_pages, ocr_language=s.ocr_language)

    def read_cache(self) -> ReadCache:
        return ReadCache(self.settings.cache_dir / "reads")

    def reindex(self, full: bool = False, progress: Callable[[int, int], None] | None = None,
                read_progress: Progress | None = None) -> ReindexResult:
        """Index the knowledge folder and serve the new version (one build at a time).

        ``read_progress`` hears of OCR pages while files are read; ``progress`` of passages embedded.
        """
        with self._build_lock, self.build_guard():
            with SandboxReader(self.sandbox_limits()) as reader:
                docs, problems, warnings = read_knowledge(self.settings.knowledge_dir, self.settings.max_file_mb,
                                                          reader, self.read_cache(), read_progress)
            cache = EmbeddingCache(
                cache_path_for(self.settings.embedding_cache_dir, self.embedder.name),
                self.embedder.dimension,
            )
            try:
                builder = IndexBuilder(self.settings.index_dir, self.embedder, self.chunker(), cache,
                                       self.settings.embed_batch_size)
                report = builder.build(docs, full=full, progress=progress)
            finally:
                cache.close()
            self.reload()
            if self.after_build is not None:
                self.after_build(report)
        return ReindexResult(report, problems, warnings)

    @contextlib.contextmanager
    def between_builds(self, wait: bool = True) -> Iterator[bool]:
        """Hold off this process's builds (yields False if ``wait`` is off and one is running)."""
        got = self._build_lock.acquire(blocking=wait)
        try:
            yield got
        finally:
            if got:
                self._build_lock.release()

    def reload(self, version: str | None = None) -> bool:
        """Serve ``version`` (default: the published one) if it differs from the one in memory."""
        if version is not None:
            path: Path | None = self.settings.index_dir / version
            if not (path / "manifest.json").is_file():  # type: ignore[operator]
                return False
        else:
            path = KnowledgeIndex.current_path(self.settings.index_dir)
        if path is None:
            return False
        if self._retriever is None:
            self._serve_first(KnowledgeIndex.load(path))
            return True
        self._retriever.abbreviations = self.abbreviations()
        if self._retriever.index.path == path:
            return False
        self._retriever.swap_index(KnowledgeIndex.load(path))
        log.info("Now serving index %s", path.name)
        return True

    # --- admin operations on the knowledge folder --------------------------------------------
    def library(self) -> Library:
        return Library(self.settings.knowledge_dir, self.settings.data_dir / "staging")

    def stage_upload(self, uploaded: Path, filename: str, read_progress: Progress | None = None) -> Staged:
        """Read an upload in the sandbox, in staging; :class:`IngestError` if it cannot be read.

        Nothing in the knowledge folder changes: :meth:`add_staged` does that, once the admin
        has said what to do about files with the same title (``Staged.same_title``).
        """
        titles = {d.path: d.title for d in self.documents() if d.path}
        cache = self.read_cache()  # the reindex that adds it finds it read (a scan is OCR'd once)
        with SandboxReader(self.sandbox_limits()) as reader:
            return self.library().stage(uploaded, filename,
                                        lambda path, root: cache.read(path, root, reader, read_progress), titles)

    def add_text(self, relative: str, text: str) -> str:
        """Write a text document the bot makes (an announcement) into the knowledge folder and
        return its knowledge-relative path; the caller reindexes."""
        return self.library().write_text(relative, text)

    def add_staged(self, staged: Staged, replace: list[str] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> AddResult:
        """Move a staged upload into the knowledge folder (replacing only the file of the same
        name, and ``replace``) and publish the index; on failure everything is put back."""
        with self.library().change(staged, remove=replace) as replaced:
            result = self.reindex(progress=progress)
            info = self.retriever.index.documents.get(staged.document.doc_id)
            if info is None:
                problem = next((p for p in result.problems if p.path == staged.name),
                               FileProblem(staged.name, Failure.OTHER, "not indexed"))
                raise IngestError(problem.code, problem.reason)
        return AddResult(staged.document, info, replaced, result)

    def find_documents(self, query: str) -> list[DocInfo]:
        """Documents whose id or file name equals ``query``, else whose title contains it."""
        wanted = query.strip().lower()
        docs = self.documents()
        exact = [d for d in docs if wanted in {d.doc_id.lower(), (d.path or "").lower(),
                                               Path(d.path or "").name.lower(), Path(d.path or "").stem.lower()}]
        if exact or not wanted:
            return exact
        folded = fold(wanted)
        return [d for d in docs if folded in fold(d.title)]

    def remove_document(self, doc_id: str) -> ReindexResult | None:
        """Take a document's file out of the knowledge folder and reindex; None if unknown.

        The file is kept aside until the new index is published, and put back if that fails.
        """
        doc = next((d for d in self.documents() if d.doc_id == doc_id), None)
        if doc is None or not doc.path:
            return None
        with self.library().change(remove=[doc.path]) as removed:
            if not removed:
                return None
            return self.reindex()

    def document_file(self, doc_id: str) -> Path | None:
        """The original file of an indexed document, if it is still in the knowledge folder."""
        doc = next((d for d in self.documents() if d.doc_id == doc_id), None)
        if doc is None or not doc.path:
            return None
        path = self.settings.knowledge_dir / doc.path
        return path if path.is_file() else None

    def answerer(self) -> Answerer:
        return Answerer(self.retriever, self.settings.abstain_threshold, self.settings.top_k)

    def ask(self, question: str, k: int | None = None) -> Answer:
        return self.answerer().ask(question, k)

    def documents(self) -> list[DocInfo]:
        try:
            index = self.retriever.index if self._retriever else KnowledgeIndex.load_current(self.settings.index_dir)
        except IndexNotFound:
            return []
        return sorted(index.documents.values(), key=lambda d: (d.date or "", d.title), reverse=True)
