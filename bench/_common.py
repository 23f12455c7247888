"""Helpers shared by the benchmark scripts (not part of the product)."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chunk import Chunker  # noqa: E402
from bot.embed import Embedder, EmbeddingCache, cache_path_for  # noqa: E402
from bot.evaluate import build_eval_index, load_corpus  # noqa: E402
from bot.index import KnowledgeIndex  # noqa: E402
from bot.model import resolve_model_name  # noqa: E402
from bot.settings import Settings  # noqa: E402

EVAL = Path(os.environ.get("HOIDOAN_EVAL_DIR", ROOT.parent / "shared" / "eval"))
SETS = ("uit_reg", "alqac2022")


def need_eval() -> None:
    if not EVAL.is_dir():
        sys.exit(f"evaluation sets not found at {EVAL} (set HOIDOAN_EVAL_DIR)")


def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def model_name() -> str:
    s = settings()
    return resolve_model_name(s.embedding_model, ROOT / s.model_cache_dir)


def embedder() -> Embedder:
    return Embedder(model_name(), runtime=settings().embedding_runtime)


def cache_for(emb: Embedder) -> EmbeddingCache:
    return EmbeddingCache(cache_path_for(ROOT / settings().embedding_cache_dir, emb.name), emb.dimension)


def eval_index(name: str, emb: Embedder, chunker: Chunker | None = None) -> KnowledgeIndex:
    s = settings()
    chunker = chunker or Chunker(s.chunk_words, s.chunk_overlap)
    docs = load_corpus(EVAL / name / "corpus.jsonl")
    tmp = tempfile.mkdtemp(prefix=f"hoidoan-bench-{name}-")
    return build_eval_index(docs, emb, chunker, cache_for(emb), Path(tmp))


def question_lines(path: Path) -> list[str]:
    """The questions of a one-per-line file (bench/data/*.txt): no blank lines, no "#" comments."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
