"""Indexing throughput (passages/s by runtime, threads and batch size, nothing cached) and the incremental
reindex of a 1,000-document knowledge base after one document changes (a fresh
process, model load included).

    .venv/bin/python bench/bench_indexing.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import EVAL, ROOT, model_name, need_eval, settings, table

from bot.documents.chunk import Chunker
from bot.search.embed import Embedder, Runtime
from bot.search.evaluate import load_corpus

# (runtime, threads, batch size): the served runtime at every batch size, the rest at the default.
SETTINGS: tuple[tuple[Runtime, int, int], ...] = (
    ("onnx", 2, 8), ("onnx", 2, 16), ("onnx", 2, 32), ("onnx", 1, 16), ("torch", 2, 8), ("torch", 2, 16),
    ("torch", 1, 16))
ROUNDS = 3  # this machine's timings drift by 20% between runs: interleave rounds, report the median


def throughput(rows: list[list[object]]) -> None:
    name = model_name()
    s = settings()
    chunker = Chunker(s.chunk_words, s.chunk_overlap)
    docs = load_corpus(EVAL / "alqac2022" / "corpus.jsonl")[:150]
    texts = [c.index_text for d in docs for c in chunker.split(d.doc_id, d.title, d.text)][:200]
    embedders = {(runtime, threads): Embedder(name, threads=threads, runtime=runtime)
                 for runtime, threads, _ in SETTINGS}
    tokens = sum(embedders[("onnx", 2)].count_tokens(t) for t in texts) / len(texts)
    rates: dict[tuple[Runtime, int, int], list[float]] = {key: [] for key in SETTINGS}
    for _ in range(ROUNDS):
        for runtime, threads, batch in SETTINGS:
            emb = embedders[(runtime, threads)]
            if runtime == "torch":
                import torch

                torch.set_num_threads(threads)  # process-wide in torch: set before each run
            emb.encode_passages(texts[:8], batch_size=8)  # warm-up
            started = time.perf_counter()
            emb.encode_passages(texts, batch_size=batch)
            rates[(runtime, threads, batch)].append(len(texts) / (time.perf_counter() - started))
    for (runtime, threads, batch), values in rates.items():
        rows.append([f"embed {len(texts)} passages (avg {tokens:.0f} tokens): {runtime}, {threads} thread(s), "
                     f"batch {batch}", f"{statistics.median(values):.1f} passages/s (median of {ROUNDS})"])


REINDEX = """
import sys, time; started = time.perf_counter(); sys.path.insert(0, {bench!r})
from pathlib import Path
from bot.settings import Settings
from bot.engine import Engine
# A fresh embedding cache per benchmark run: every new passage is really embedded.
s = Settings(_env_file=None, knowledge_dir=Path({kb!r}), index_dir=Path({idx!r}), cache_dir=Path({cache!r}),
             embedding_model={model!r})
r = Engine(s).reindex().report
print(r.documents, r.chunks, r.embedded, round(time.perf_counter() - started, 1))
"""


def incremental(rows: list[list[object]]) -> None:
    docs = load_corpus(EVAL / "alqac2022" / "corpus.jsonl")[:1000]
    with tempfile.TemporaryDirectory() as tmp:
        kb, idx = Path(tmp) / "knowledge", Path(tmp) / "index"
        kb.mkdir()
        for doc in docs:
            name = doc.doc_id.replace("/", "_").replace("|", "_")
            (kb / f"{name}.md").write_text(f"---\ntitle: {doc.title}\n---\n{doc.text}\n", encoding="utf-8")
        model = model_name()
        code = REINDEX.format(bench=str(ROOT / "bench"), kb=str(kb), idx=str(idx), cache=str(Path(tmp) / "cache"),
                              model=model)

        def run() -> list[str]:
            return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True, cwd=ROOT).stdout.split()

        first = run()
        rows.append([f"first index of {first[0]} documents ({first[1]} passages, {first[2]} embedded)",
                     f"{first[3]} s"])
        target = sorted(kb.iterdir())[500]
        target.write_text(target.read_text(encoding="utf-8") + f"\nSửa đổi lúc {time.time()}: bổ sung một câu.\n",
                          encoding="utf-8")
        again = run()
        rows.append([f"reindex after changing one document ({again[2]} passages embedded)",
                     f"{again[3]} s (process start and model load included)"])


def main() -> None:
    need_eval()
    rows: list[list[object]] = []
    throughput(rows)
    incremental(rows)
    print(table(["what", "result"], rows))


if __name__ == "__main__":
    main()
