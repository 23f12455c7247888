"""Calibrate abstention: fit the confidence model and print the trade-off.

In-scope questions: the shared sets' questions (as given and stripped) on their own
corpora, and the member dev set (bench/data/member_questions.jsonl) on the union-domain
corpus. Out-of-scope: bench/data/out_of_scope.txt (written for this project) asked
against each corpus, and the dev set's union-adjacent out-of-scope questions ("Hội Nông
dân có nhiệm vụ gì?") against the domain corpus. Features of the passage shown first (in
the answerer's order): its cosine similarity with the question, the share of the
question's syllables it contains, that share weighted by IDF, and the cosine similarity
of its highlighted sentence with the question. A logistic model is
fitted (plain gradient descent) and the table shows, per threshold, how many in-scope
questions are answered correctly (gold in top 5 and not abstained), wrongly abstained,
and how many out-of-scope questions are still answered.

    .venv/bin/python bench/bench_abstain.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from _common import EVAL, SETS, embedder, eval_index, need_eval, question_lines, settings, table

from bot.abbrev import Abbreviations
from bot.answer import (
    CONF_BIAS,
    CONF_COVERAGE,
    CONF_DENSE,
    CONF_SENTENCE,
    CONF_SPECIFIC,
    SENTENCE_RANGE,
    Answerer,
    Signals,
    confidence,
)
from bot.evaluate import EvalQuestion, load_questions
from bot.retrieve import Hit, Retriever

OOS = Path(__file__).parent / "data" / "out_of_scope.txt"
DEV = Path(__file__).parent / "data" / "member_questions.jsonl"


def dev_questions() -> tuple[list[EvalQuestion], list[str]]:
    """The member dev set: in-scope questions (gold: the span's document) and out-of-scope ones."""
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    inside = [EvalQuestion(r["qid"], r["question"], {r["doc_id"], *(a["doc_id"] for a in r.get("also", []))},
                           r["style"]) for r in rows if r["style"] not in ("follow_up", "out_of_scope")]
    return inside, [r["question"] for r in rows if r["style"] == "out_of_scope"]


def first_shown(retriever: Retriever, question: str) -> tuple[list[Hit], Signals]:
    """The passages in the order the answerer shows them, and the first one's signals (all of
    them: the served answerer skips the highlight's cosine where it cannot change the answer)."""
    hits, signals = Answerer(retriever).shown(retriever.parse(question), retriever.index, exact=True)
    assert signals is not None  # every corpus here has passages
    return hits, signals


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 20000, lr: float = 0.5) -> np.ndarray:
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    # Balance the classes: out-of-scope questions are few but matter as much.
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= lr * (xb.T @ ((p - y) * weights)) / len(y)
    return w


def main() -> None:
    need_eval()
    emb = embedder()
    s = settings()
    oos = question_lines(OOS)
    feats, labels, correct, group = [], [], [], []
    missing_law: dict[str, list[int]] = {}  # set -> [in-scope questions it abstains on, questions]
    dev_in, dev_out = dev_questions()
    for name in (*SETS, "domain"):
        index = eval_index(name, emb)
        retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
        sets = [(False, dev_in)] if name == "domain" else [
            (strip, load_questions(EVAL / name / "questions.jsonl", strip)) for strip in (False, True)]
        for strip, questions in sets:
            for q in questions:
                counts = missing_law.setdefault(f"{name} ({'stripped' if strip else 'as given'})", [0, 0])
                counts[0] += retriever.names_a_missing_law(retriever.parse(q.question))
                counts[1] += 1
                hits, signals = first_shown(retriever, q.question)
                feats.append(signals.as_list())
                labels.append(1)
                correct.append(any(h.doc_id in q.gold for h in hits))
                group.append(name)
        for question in oos + (dev_out if name == "domain" else []):
            _hits, signals = first_shown(retriever, question)
            feats.append(signals.as_list())
            labels.append(0)
            correct.append(False)
            group.append(name)
    x, y, ok = np.array(feats), np.array(labels, dtype=float), np.array(correct)
    w = fit_logistic(x, y)
    print(f"fitted: bias {w[0]:.2f}, dense {w[1]:.2f}, coverage {w[2]:.2f}, specificity {w[3]:.2f}, "
          f"sentence {w[4]:.2f}")
    print(f"shipped (bot/answer.py): bias {CONF_BIAS}, dense {CONF_DENSE}, coverage {CONF_COVERAGE}, "
          f"specificity {CONF_SPECIFIC}, sentence {CONF_SENTENCE}")
    print(f"highlighted sentence's cosine: {x[:, 3].min():.3f}-{x[:, 3].max():.3f} "
          f"(bot/answer.py assumes {SENTENCE_RANGE[0]}-{SENTENCE_RANGE[1]})\n")
    conf = np.array([confidence(d, c, sp, se) for d, c, sp, se in x])
    rows = []
    n_in, n_out = int(y.sum()), int((1 - y).sum())
    for threshold in (0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        answered = conf >= threshold
        rows.append([
            f"{threshold:.2f}" + (" (shipped)" if abs(threshold - s.abstain_threshold) < 1e-9 else ""),
            f"{(answered & ok & (y == 1)).sum() / n_in:.3f}",
            f"{(~answered & (y == 1)).sum() / n_in:.3f}",
            f"{(answered & (y == 0)).sum()}/{n_out}",
        ])
    print(f"{n_in} in-scope questions, {n_out} out-of-scope questions ({len(oos)} asked against each of "
          f"{len(SETS) + 1} corpora, and {len(dev_out)} union-adjacent ones against the domain corpus)\n")
    print(table(["threshold", "answered correctly", "wrongly abstained", "out-of-scope answered"], rows))
    g = np.array(group)
    print(f"\nper corpus at the shipped threshold ({s.abstain_threshold}):\n")
    answered = conf >= s.abstain_threshold
    print(table(["corpus", "in scope wrongly abstained", "out of scope answered"],
                [[name, f"{(~answered & (y == 1) & (g == name)).sum()}/{((y == 1) & (g == name)).sum()}",
                  f"{(answered & (y == 0) & (g == name)).sum()}/{((y == 0) & (g == name)).sum()}"]
                 for name in (*SETS, "domain")]))
    # The rule in bot/answer.py: a question naming a law ("Luật X") that no document's title names abstains.
    print("\nQuestions naming a law that no document title names (abstained whatever the confidence):\n")
    print(table(["set", "in-scope questions abstained by the rule"],
                [[name, f"{n}/{total}"] for name, (n, total) in missing_law.items()]))


if __name__ == "__main__":
    main()
