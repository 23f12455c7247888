"""``hoidoan eval``: measure retrieval on a JSON Lines corpus and question set.

The corpus is indexed in a temporary folder (the served ``index/`` is never touched),
reusing the embedding cache, so a second run on the same corpus embeds nothing.
Formats are those of the team's evaluation sets: corpus lines ``{"doc_id", "title",
"text", ...}``, question lines ``{"qid", "question", "gold_doc_ids": [...], "style"?}``.

Example::

    >>> report = evaluate(corpus, questions, embedder)  # doctest: +SKIP
    >>> report["overall"]["recall@5"]  # doctest: +SKIP
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.documents.chunk import Chunker
from bot.documents.ingest import Document, clean_text, guess_kind
from bot.search.abbrev import Abbreviations
from bot.search.embed import Embedder, EmbeddingCache
from bot.search.index import IndexBuilder, KnowledgeIndex
from bot.search.metrics import summary
from bot.search.retrieve import Retriever
from bot.text import strip_diacritics


@dataclass(frozen=True)
class EvalQuestion:
    qid: str
    question: str
    gold: set[str]
    style: str | None


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from err
    return rows


def load_corpus(path: Path) -> list[Document]:
    docs = []
    for row in read_jsonl(path):
        if "doc_id" not in row or "text" not in row:
            raise ValueError(f"{path}: every line needs doc_id and text")
        title = row.get("title") or str(row["doc_id"])
        docs.append(Document(doc_id=str(row["doc_id"]), title=clean_text(title), text=clean_text(row["text"]),
                             source=row.get("source") or str(path), kind=row.get("kind") or guess_kind(title)))
    return docs


def load_questions(path: Path, strip: bool = False) -> list[EvalQuestion]:
    out: list[EvalQuestion] = []
    for row in read_jsonl(path):
        text = strip_diacritics(row["question"]) if strip else row["question"]
        style = "stripped" if strip else row.get("style")
        out.append(EvalQuestion(str(row.get("qid", len(out))), text, set(map(str, row["gold_doc_ids"])), style))
    return out


def build_eval_index(docs: list[Document], embedder: Embedder, chunker: Chunker,
                     cache: EmbeddingCache | None, workdir: Path) -> KnowledgeIndex:
    IndexBuilder(workdir, embedder, chunker, cache).build(docs)
    return KnowledgeIndex.load_current(workdir)


def run_questions(retriever: Retriever, questions: list[EvalQuestion], k: int = 10,
                  method: str = "hybrid") -> tuple[list[list[str]], list[float]]:
    ranked, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        hits = retriever.search(q.question, k=k, method=method)
        latencies.append(time.perf_counter() - started)
        ranked.append([h.doc_id for h in hits])
    return ranked, latencies


def report(questions: list[EvalQuestion], ranked: list[list[str]]) -> dict[str, object]:
    gold = [q.gold for q in questions]
    out: dict[str, object] = {"overall": summary(ranked, gold)}
    styles = sorted({q.style for q in questions if q.style})
    if styles:
        out["by_style"] = {
            style: summary([r for r, q in zip(ranked, questions, strict=True) if q.style == style],
                           [q.gold for q in questions if q.style == style])
            for style in styles
        }
    return out


def evaluate(corpus: Path, questions_path: Path, embedder: Embedder, chunker: Chunker,
             cache: EmbeddingCache | None, k: int = 10, method: str = "hybrid",
             fusion: str = "weighted", dense_weight: float = 0.5, strip: bool = False,
             on_index: Callable[[KnowledgeIndex], None] | None = None,
             abbreviations: Abbreviations | None = None) -> dict[str, Any]:
    docs = load_corpus(corpus)
    questions = load_questions(questions_path, strip)
    with tempfile.TemporaryDirectory(prefix="hoidoan-eval-") as tmp:
        index = build_eval_index(docs, embedder, chunker, cache, Path(tmp))
        if on_index:
            on_index(index)
        retriever = Retriever(index, embedder, abbreviations or Abbreviations(), fusion, dense_weight)
        ranked, latencies = run_questions(retriever, questions, k, method)
    result = report(questions, ranked)
    result["ranked"] = [{"qid": q.qid, "ranked": r} for q, r in zip(questions, ranked, strict=True)]
    result["latencies"] = latencies
    return result
