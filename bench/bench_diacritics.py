"""Diacritic restoration: share of syllables restored right on the shared questions
(diacritics stripped, then restored with a model trained on that set's corpus), with
and without the general back-off resources, and the time per question.

    .venv/bin/python bench/bench_diacritics.py
"""

from __future__ import annotations

import time

from _common import EVAL, SETS, need_eval, table

from bot.search.diacritics import DiacriticRestorer
from bot.search.evaluate import load_corpus, read_jsonl
from bot.text import WORD, normalize, strip_diacritics

VARIANTS = {
    "corpus bigrams only": (1.0, 0.0, 0.0, 0.0),
    "+ wordfreq unigrams": (0.6, 0.0, 0.3, 0.1),
    "+ Viet74K bigrams (shipped)": None,
}


def main() -> None:
    need_eval()
    rows = []
    for name in SETS:
        texts = [f"{d.title}\n{d.text}" for d in load_corpus(EVAL / name / "corpus.jsonl")]
        questions = [row["question"] for row in read_jsonl(EVAL / name / "questions.jsonl")]
        for label, weights in VARIANTS.items():
            restorer = DiacriticRestorer(weights) if weights else DiacriticRestorer()
            restorer.fit(texts)
            restorer.restore("khoi dong")  # builds the candidate table once
            right = total = 0
            started = time.perf_counter()
            for q in questions:
                gold = WORD.findall(normalize(q).lower())
                got = WORD.findall(normalize(restorer.restore(strip_diacritics(q))).lower())
                total += len(gold)
                right += sum(a == b for a, b in zip(gold, got, strict=False))
            ms = (time.perf_counter() - started) / len(questions) * 1000
            rows.append([name, label, f"{right / total:.4f}", f"{ms:.2f}"])
    print(table(["set", "model", "syllables right", "ms / question"], rows))


if __name__ == "__main__":
    main()
