"""Query latency at alqac2022 size (model loaded, one question at a time), with where
the time goes, and peak memory of that process.

    .venv/bin/python bench/bench_latency.py
"""

from __future__ import annotations

import resource
import time

import numpy as np
from _common import EVAL, embedder, eval_index, need_eval, settings, table

from bot.abbrev import Abbreviations
from bot.answer import Answerer
from bot.evaluate import load_questions
from bot.retrieve import Retriever


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000)


def main() -> None:
    need_eval()
    s = settings()
    emb = embedder()
    index = eval_index("alqac2022", emb)
    retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
    answerer = Answerer(retriever, s.abstain_threshold, s.top_k)
    rows = []
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
            rows.append([label, name, len(values), f"{pct(values, 50):.1f}", f"{pct(values, 95):.1f}"])
    print(f"alqac2022: {len(index.documents)} documents, {len(index.chunks)} passages; "
          f"bf16 autocast: {emb.bf16}\n")
    print(table(["questions", "step", "n", "p50 ms", "p95 ms"], rows))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process (model + alqac2022 index + queries): {peak:.0f} MB")


if __name__ == "__main__":
    main()
