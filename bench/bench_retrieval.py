"""Retrieval quality on the shared sets: BM25 only, dense only, and the shipped hybrid,
with questions as given and with diacritics stripped. Also compares fusion methods.

    .venv/bin/python bench/bench_retrieval.py
"""

from __future__ import annotations

from pathlib import Path

from _common import EVAL, SETS, embedder, eval_index, need_eval, settings, table

from bot.search.abbrev import Abbreviations
from bot.search.evaluate import load_questions, report, run_questions
from bot.search.retrieve import Retriever


def main() -> None:
    need_eval()
    emb = embedder()
    s = settings()
    rows, fusion_rows = [], []
    for name in SETS:
        index = eval_index(name, emb)
        for strip in (False, True):
            questions = load_questions(Path(EVAL / name / "questions.jsonl"), strip)
            label = f"{name} ({'stripped' if strip else 'as given'})"
            cells: list[object] = [label]
            for method in ("lexical", "dense", "hybrid"):
                retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
                ranked, _ = run_questions(retriever, questions, 10, method)
                m = report(questions, ranked)["overall"]
                cells += [f"{m['recall@5']:.3f} / {m['mrr@10']:.3f}"]
                if method == "hybrid":
                    cells += [f"{m['recall@1']:.3f}", f"{m['recall@10']:.3f}"]
            rows.append(cells)
            for fusion, weight in (("weighted", 0.3), ("weighted", 0.5), ("weighted", 0.7), ("rrf", 0.5)):
                retriever = Retriever(index, emb, Abbreviations(), fusion, weight)
                ranked, _ = run_questions(retriever, questions, 10, "hybrid")
                m = report(questions, ranked)["overall"]
                fusion_rows.append([label, f"{fusion} w={weight}", m["recall@5"], m["mrr@10"]])
    print(f"Shipped: fusion={s.fusion}, dense weight={s.dense_weight}, chunks of {s.chunk_words} words, "
          f"overlap {s.chunk_overlap}\n")
    print(table(["set", "BM25 R@5 / MRR@10", "dense R@5 / MRR@10", "hybrid R@5 / MRR@10",
                 "hybrid R@1", "hybrid R@10"], rows))
    print("\nFusion methods (hybrid):\n")
    print(table(["set", "fusion", "R@5", "MRR@10"], fusion_rows))


if __name__ == "__main__":
    main()
