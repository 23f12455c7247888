"""Query latency at alqac2022 size (model loaded, one question at a time), with where
the time goes, for both embedding runtimes (ONNX Runtime is what the default model is
served with; PyTorch is the sentence-transformers path other models take).

    .venv/bin/python bench/bench_latency.py
"""

from __future__ import annotations

import time

import numpy as np
from _common import EVAL, embedder, eval_index, model_name, need_eval, settings, table

from bot.answers.answer import Answerer
from bot.search.abbrev import Abbreviations
from bot.search.embed import Embedder
from bot.search.evaluate import load_questions
from bot.search.index import KnowledgeIndex
from bot.search.retrieve import Retriever
from bot.settings import Settings


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000)


def main() -> None:
    need_eval()
    s = settings()
    served = embedder()
    index = eval_index("alqac2022", served)
    rows = []
    for runtime in ("onnx", "torch"):
        emb = served if served.runtime == runtime else Embedder(model_name(), runtime=runtime)
        rows += measure(emb, index, s)
    print(f"alqac2022: {len(index.documents)} documents, {len(index.chunks)} passages; "
          f"served runtime: {served.runtime}\n")
    print(table(["runtime", "questions", "step", "n", "p50 ms", "p95 ms"], rows))


def measure(emb: Embedder, index: KnowledgeIndex, s: Settings) -> list[list[object]]:
    retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
    answerer = Answerer(retriever, s.abstain_threshold, s.top_k)
    rows: list[list[object]] = []
    for strip in (False, True):
        questions = [q.question for q in load_questions(EVAL / "alqac2022" / "questions.jsonl", strip)]
        for q in questions[:10]:  # warm-up
            answerer.ask(q)
        encode, search, answer = [], [], []
        for q in questions:
            query = retriever.parse(q)
            t0 = time.perf_counter()
            emb.encode_queries([query.dense_text])
            t1 = time.perf_counter()
            retriever.search(q, k=s.top_k)
            t2 = time.perf_counter()
            answerer.ask(q)
            t3 = time.perf_counter()
            encode.append(t1 - t0)
            search.append(t2 - t1)
            answer.append(t3 - t2)
        label = "stripped" if strip else "as given"
        for name, values in (("query encode only", encode), ("search (retrieve)", search),
                             ("full answer (search + highlight)", answer)):
            rows.append([emb.runtime, label, name, len(values), f"{pct(values, 50):.1f}", f"{pct(values, 95):.1f}"])
    return rows


if __name__ == "__main__":
    main()
