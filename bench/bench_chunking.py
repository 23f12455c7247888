"""Chunk size, chosen by measurement: retrieval quality and index size for several passage
lengths (words per chunk, 20% overlap) on the shared sets, questions as given and stripped.

New chunk texts must be embedded once (cached afterwards), so a first run takes a while.

    .venv/bin/python bench/bench_chunking.py [--sizes 120 180 250]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import EVAL, SETS, embedder, eval_index, need_eval, settings, table

from bot.documents.chunk import Chunker
from bot.search.abbrev import Abbreviations
from bot.search.evaluate import load_questions, report, run_questions
from bot.search.retrieve import Retriever


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[120, 180, 250])
    parser.add_argument("--overlap", type=float, default=0.2)
    args = parser.parse_args()
    need_eval()
    emb = embedder()
    s = settings()
    rows = []
    for name in SETS:
        for words in args.sizes:
            index = eval_index(name, emb, Chunker(words, args.overlap))
            cells: list[object] = [name, words, len(index.chunks)]
            for strip in (False, True):
                questions = load_questions(Path(EVAL / name / "questions.jsonl"), strip)
                retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
                ranked, _ = run_questions(retriever, questions, 10, "hybrid")
                m = report(questions, ranked)["overall"]
                cells.append(f"{m['recall@5']:.3f} / {m['mrr@10']:.3f}")
            rows.append(cells)
    print(f"Hybrid retrieval (shipped fusion), overlap {args.overlap}; shipped chunk size {s.chunk_words}\n")
    print(table(["set", "words per chunk", "passages", "as given R@5 / MRR@10", "stripped R@5 / MRR@10"], rows))


if __name__ == "__main__":
    main()
