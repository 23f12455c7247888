"""What a cross-encoder reranker would cost per question on this machine, before choosing one.

A cross-encoder reads the question and each candidate passage together, so per question it
runs its transformer over (question + passage) for every candidate it reranks. The smallest
multilingual cross-encoders (mMiniLM-L12-H384 and kin) have the shape of the default
embedding model (12 layers, 384 wide), so timing that model over the same pairs, with the
same ONNX runtime and threads, is the latency such a reranker would add. Candidates are the
answerer's own for the alqac2022 questions (long legal passages: the worst case) and for the
sample article (short news passages).

    .venv/bin/python bench/bench_reranker.py [--questions N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import EVAL, embedder, eval_index, need_eval, settings, table

from bot.answers.answer import Answerer
from bot.search.abbrev import Abbreviations
from bot.search.evaluate import load_questions
from bot.search.retrieve import Retriever

DEPTHS = (5, 10, 20)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    need_eval()
    s = settings()
    emb = embedder()
    index = eval_index("alqac2022", emb)
    retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
    answerer = Answerer(retriever, s.abstain_threshold, s.top_k)
    questions = [q.question for q in load_questions(EVAL / "alqac2022" / "questions.jsonl", False)]
    questions = questions[:args.questions]
    timings: dict[int, list[float]] = {d: [] for d in DEPTHS}
    tokens: dict[int, list[int]] = {d: [] for d in DEPTHS}
    base = []
    for q in questions:
        query = retriever.parse(q, index)
        t0 = time.perf_counter()
        answerer.shown(query, index)
        base.append(time.perf_counter() - t0)
        cands, _ = answerer.candidates(query, index)
        for depth in DEPTHS:
            pairs = [f"{q} {h.chunk.text}" for h in cands[:depth]]
            t1 = time.perf_counter()
            emb.encode_passages(pairs, batch_size=8)
            timings[depth].append(time.perf_counter() - t1)
            tokens[depth].append(sum(min(emb.count_tokens(p), 512) for p in pairs))
    rows: list[list[object]] = [["answer today (no reranker)", "-", "-", len(base), f"{pct(base, 50):.0f}",
                                 f"{pct(base, 95):.0f}"]]
    for depth in DEPTHS:
        rows.append([f"+ cross-encoder, e5-small size, top {depth}", depth, int(np.mean(tokens[depth])),
                     len(timings[depth]), f"{pct(timings[depth], 50):.0f}", f"{pct(timings[depth], 95):.0f}"])
    print(f"alqac2022: {len(index.chunks)} passages; runtime {emb.runtime}; model {emb.name}")
    print(table(["step", "pairs", "mean tokens read", "questions", "p50 ms", "p95 ms"], rows))


if __name__ == "__main__":
    main()
