"""Fit the learned ranking and its answer bands (bot/data/ranker.txt, bot/data/confidence.json),
judged leave-one-corpus-out.

Every labelled set the team has, none of the held-out set (bench/data/heldout):
- uit_reg and alqac2022 (../shared/eval): a candidate answers when it is a passage of a gold
  document; questions as given and with diacritics stripped;
- the member dev set over the union-domain corpus (bench/data/member_questions.jsonl) and the
  shared real files' questions (../shared/realdocs): a candidate answers when it holds the
  answering span or snippet;
- out-of-scope questions (bench/data/out_of_scope.txt against every corpus, and each set's own):
  every candidate is a non-answer.

A LightGBM lambdarank model orders the candidates by their features (bot/answers/ranking.py),
and a logistic model (scikit-learn) on the first passage's features gives the probability that
it answers. For each corpus, models fitted on the other corpora order its candidates and give
its questions' probabilities: the table compares that order with the retriever's, and the two thresholds are
chosen on those out-of-corpus probabilities (confident: at most 5% of out-of-scope questions
above it; not sure: at most 2% of answerable questions below it). The model shipped is fitted on
all corpora with those thresholds.

    .venv/bin/python bench/train_ranker.py            # prints the tables, writes both files
    .venv/bin/python bench/train_ranker.py --dry-run  # prints only
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm as lgb
import numpy as np
from _common import (
    EVAL,
    ROOT,
    SETS,
    cache_for,
    embedder,
    eval_index,
    model_name,
    need_eval,
    question_lines,
    settings,
    table,
)
from bench_answers import answers
from sklearn.linear_model import LogisticRegression

from bot.answers.answer import SHOWN, Answerer, at_most
from bot.answers.ranking import CONFIDENCE_FEATURES, FEATURES, Confidence, Ranker, confidence_features
from bot.documents.chunk import Chunker
from bot.engine import Engine
from bot.search.abbrev import Abbreviations
from bot.search.evaluate import build_eval_index, load_corpus, load_questions
from bot.search.retrieve import Retriever
from bot.settings import Settings

NEUTRAL = Ranker.neutral()
OOS = ROOT / "bench" / "data" / "out_of_scope.txt"
DEV = ROOT / "bench" / "data" / "member_questions.jsonl"
REALDOCS = ROOT.parent / "shared" / "realdocs"
RANKER_OUT = ROOT / "bot" / "data" / "ranker.txt"
CONFIDENCE_OUT = ROOT / "bot" / "data" / "confidence.json"
OOS_CONFIDENT = 0.05  # at most this share of out-of-scope questions answered confidently
MISSED_AT_MOST = 0.02  # at most this share of answerable questions told "not found"


@dataclass
class Question:
    corpus: str
    features: np.ndarray  # candidates x features, in the retriever's order
    labels: np.ndarray  # 1 where the candidate answers
    docs: list[str]
    in_scope: bool


@dataclass
class Collected:
    questions: list[Question] = field(default_factory=list)

    def add(self, corpus: str, answerer: Answerer, text: str, label: object, in_scope: bool) -> None:
        retriever = answerer.retriever
        query = retriever.parse(text)
        hits, features = answerer.candidates(query, retriever.index)
        if not hits:
            return
        labels = np.array([bool(label(h)) for h in hits], dtype=float)  # type: ignore[operator]
        self.questions.append(Question(corpus, features, labels, [h.doc_id for h in hits], in_scope))


def collect(cache: Path | None = None) -> Collected:
    """The candidates of every question (kept in ``cache`` between runs when given)."""
    if cache and cache.is_file():
        saved = np.load(cache, allow_pickle=True)
        return Collected([Question(*row) for row in saved["questions"]])
    data = gather()
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, questions=np.array([[q.corpus, q.features, q.labels, q.docs, q.in_scope]
                                             for q in data.questions], dtype=object))
    return data


def gather() -> Collected:
    need_eval()
    emb, s = embedder(), settings()
    data = Collected()
    oos = question_lines(OOS)
    for name in SETS:
        index = eval_index(name, emb)
        answerer = Answerer(Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight), ranker=NEUTRAL)
        for strip in (False, True):
            for q in load_questions(EVAL / name / "questions.jsonl", strip):
                data.add(name, answerer, q.question, lambda h, g=q.gold: h.doc_id in g, True)
        for text in oos:
            data.add(name, answerer, text, lambda h: False, False)
        print(f"{name}: {sum(q.corpus == name for q in data.questions)} questions", flush=True)
    corpus = {json.loads(line)["doc_id"]: json.loads(line)["text"]
              for line in (EVAL / "domain" / "corpus.jsonl").open(encoding="utf-8")}
    index = eval_index("domain", emb)
    answerer = Answerer(Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight), ranker=NEUTRAL)
    for row in (json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()):
        if row["style"] == "follow_up":
            continue
        if row["style"] == "out_of_scope":
            data.add("domain", answerer, row["question"], lambda h: False, False)
            continue
        spans = [corpus[x["doc_id"]][x["start"]:x["end"]] for x in [row, *row.get("also", [])]]
        data.add("domain", answerer, row["question"], lambda h, sp=spans: any(answers(h.chunk.text, x) for x in sp),
                 True)
    for text in oos:
        data.add("domain", answerer, text, lambda h: False, False)
    print(f"domain: {sum(q.corpus == 'domain' for q in data.questions)} questions", flush=True)
    # The same questions against a knowledge base of their one document (as the sample that
    # ships): relative scores say little there, and the model must learn so.
    documents = {d.doc_id: d for d in load_corpus(EVAL / "domain" / "corpus.jsonl")}
    single: dict[str, Answerer] = {}
    work = Path(tempfile.mkdtemp(prefix="hoidoan-train-1doc-"))
    try:
        def alone(doc_id: str) -> Answerer:
            if doc_id not in single:
                index = build_eval_index([documents[doc_id]], emb, Chunker(s.chunk_words, s.chunk_overlap),
                                         cache_for(emb), work / doc_id)
                retriever = Retriever(index, emb, Abbreviations(), s.fusion, s.dense_weight)
                single[doc_id] = Answerer(retriever, ranker=NEUTRAL)
            return single[doc_id]
        for row in (json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()):
            if row["style"] in ("follow_up", "out_of_scope"):
                continue
            spans = [corpus[x["doc_id"]][x["start"]:x["end"]] for x in [row, *row.get("also", [])]]
            data.add("domain-1doc", alone(row["doc_id"]), row["question"],
                     lambda h, sp=spans: any(answers(h.chunk.text, x) for x in sp), True)
        for doc_id in sorted(single)[:8]:
            for text in oos:
                data.add("domain-1doc", single[doc_id], text, lambda h: False, False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"domain-1doc: {sum(q.corpus == 'domain-1doc' for q in data.questions)} questions", flush=True)
    if REALDOCS.is_dir():
        work = Path(tempfile.mkdtemp(prefix="hoidoan-train-"))
        try:
            shutil.copytree(REALDOCS / "files", work / "knowledge")
            engine_settings = Settings(_env_file=None, knowledge_dir=work / "knowledge",  # type: ignore[call-arg]
                                       index_dir=work / "index", data_dir=work / "data", cache_dir=ROOT / ".cache",
                                       database_url=f"sqlite:///{work}/r.db")
            engine_settings.embedding_model = model_name()
            engine = Engine(engine_settings)
            engine.reindex()
            answerer = Answerer(engine.retriever, ranker=NEUTRAL)
            for row in csv.DictReader((REALDOCS / "questions.tsv").open(encoding="utf-8"), delimiter="\t"):
                if row["style"] == "out_of_scope":
                    data.add("realdocs", answerer, row["question"], lambda h: False, False)
                else:
                    data.add("realdocs", answerer, row["question"],
                             lambda h, sn=row["answer_snippet"]: answers(h.chunk.text, sn), True)
            for text in oos:
                data.add("realdocs", answerer, text, lambda h: False, False)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"realdocs: {sum(q.corpus == 'realdocs' for q in data.questions)} questions", flush=True)
    return data


def fit_ranker(questions: list[Question]) -> lgb.Booster:
    """LightGBM lambdarank on the questions that have an answering candidate. Small and
    deterministic: 100 trees of 7 leaves (60 and 200 trees, 15 leaves: within a point LOCO)."""
    train = [q for q in questions if q.in_scope and q.labels.any()]
    x = np.vstack([q.features for q in train])
    y = np.concatenate([q.labels for q in train]).astype(int)
    params = {"objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 7, "min_data_in_leaf": 20,
              "deterministic": True, "force_row_wise": True, "num_threads": 1, "seed": 1, "verbose": -1}
    data = lgb.Dataset(x, y, group=[len(q.labels) for q in train], feature_name=list(FEATURES))
    return lgb.train(params, data, num_boost_round=100)


def fit_confidence(x: np.ndarray, y: np.ndarray, corpora: np.ndarray) -> Confidence:
    """Logistic model, each corpus weighing the same (the shared sets' 2,000 questions must not
    drown the union ones), each class the same within the whole."""
    per_corpus = {c: (corpora == c).sum() for c in set(corpora)}
    weight = np.array([1.0 / per_corpus[c] for c in corpora])
    for label in (0, 1):
        weight[y == label] *= 0.5 / weight[y == label].sum()
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit((x - mean) / scale, y, sample_weight=weight * len(y))
    return Confidence(model.coef_[0].astype(np.float64), float(model.intercept_[0]), mean, scale)


def per_doc_top(order: list[int], docs: list[str]) -> list[int]:
    """The 3 candidates a member sees under an order (at most 3 of one document, as served)."""
    return at_most(order, lambda i: docs[i], SHOWN, SHOWN)


def judge(questions: list[Question], probabilities: list[np.ndarray] | None) -> tuple[int, int, int]:
    """(first answers, one of the 3 shown answers, answerable questions) under an order."""
    first = shown = n = 0
    for i, q in enumerate(questions):
        if not q.in_scope:
            continue
        n += 1
        if probabilities is None:
            order = list(range(len(q.labels)))
        else:
            p = probabilities[i]
            order = sorted(range(len(p)), key=lambda j: (-p[j], j))
        top = per_doc_top(order, q.docs)
        first += bool(q.labels[top[0]])
        shown += bool(any(q.labels[j] for j in top))
    return first, shown, n


def thresholds(sure: np.ndarray, answerable: np.ndarray, where: np.ndarray) -> tuple[float, float]:
    """(confident, not sure) from out-of-corpus confidence, each corpus counting the same:
    confident where at most OOS_CONFIDENT of out-of-scope questions reach it, on average over
    the corpora that have them; not sure where, in every corpus, at most MISSED_AT_MOST of the
    questions whose answer is shown fall below it (a "not sure" reply that shows the answer
    costs a member little, a wrong "not found" costs the answer)."""
    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    corpora = sorted(set(where))

    def rates(mask: np.ndarray, above: bool, t: float) -> list[float]:
        return [float(((sure[mask & (where == c)] >= t) if above else (sure[mask & (where == c)] < t)).mean())
                for c in corpora if (mask & (where == c)).any()]

    confident = next(float(t) for t in grid if np.mean(rates(~answerable, True, t)) <= OOS_CONFIDENT)
    not_sure = max((float(t) for t in grid if t <= confident and max(rates(answerable, False, t)) <= MISSED_AT_MOST),
                   default=0.01)
    return confident, not_sure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--cache", type=Path, default=None, help="keep the candidates' features in this .npz")
    args = parser.parse_args()
    data = collect(args.cache)
    corpora = sorted({q.corpus for q in data.questions})
    rows, conf_x, conf_y, conf_corpus, conf_scope = [], [], [], [], []
    for corpus in corpora:
        test = [q for q in data.questions if q.corpus == corpus]
        ranker = Ranker.from_string(fit_ranker([q for q in data.questions if q.corpus != corpus]).model_to_string())
        scores = [ranker.scores(q.features) for q in test]
        base, learned = judge(test, None), judge(test, scores)
        n = base[2]
        rows.append([corpus, n, f"{base[0] / n:.3f} / {base[1] / n:.3f}",
                     f"{learned[0] / n:.3f} / {learned[1] / n:.3f}"])
        for q, sc in zip(test, scores, strict=True):
            order = sorted(range(len(sc)), key=lambda j: (-sc[j], j))
            answered = q.in_scope and bool(q.labels[per_doc_top(order, q.docs)].any())
            if q.in_scope and not answered:
                continue  # the answer is not shown: no band makes that right
            conf_x.append(confidence_features(q.features, sc))
            conf_y.append(int(answered))
            conf_corpus.append(corpus)
            conf_scope.append(q.in_scope)
    print("\nLeave-one-corpus-out: the corpus's candidates ordered by a model fitted on the others\n")
    print(table(["corpus", "answerable", "retriever order: first / in 3 shown", "learned: first / in 3 shown"], rows))
    x, y, where = np.array(conf_x), np.array(conf_y), np.array(conf_corpus)
    sure = np.zeros(len(y))
    for corpus in corpora:  # each corpus's confidence from a model fitted on the others
        mask = where == corpus
        model = fit_confidence(x[~mask], y[~mask], where[~mask])
        sure[mask] = [model.probability(row) for row in x[mask]]
    confident, not_sure = thresholds(sure, y == 1, where)
    band_rows = []
    for name in [*corpora, "all"]:
        mask = np.ones(len(y), bool) if name == "all" else where == name
        a, o = (y == 1) & mask, (y == 0) & mask
        band_rows.append([name, f"{(sure[a] >= confident).mean():.3f}", f"{(sure[a] < not_sure).mean():.3f}",
                          f"{int((sure[o] >= confident).sum())}/{int(o.sum())}", f"{int((sure[o] >= not_sure).sum())}"])
    print(f"\nBands on out-of-corpus confidence: confident >= {confident:.2f}, not sure >= {not_sure:.2f}\n")
    print(table(["corpus", "answer shown: confident", "answer shown: not found", "out of scope: confident",
                 "out of scope: not sure or more"], band_rows))
    final_ranker = fit_ranker(data.questions)
    final = fit_confidence(x, y, where)
    final = Confidence(final.weights, final.bias, final.mean, final.scale, confident, not_sure)
    print("\nconfidence weights (standardised features):\n")
    print(table(["feature", "weight"],
                [[f, f"{w:+.3f}"] for f, w in zip(CONFIDENCE_FEATURES, final.weights, strict=True)]))
    gain = final_ranker.feature_importance("gain")
    print("\nranking features by gain:\n")
    print(table(["feature", "share of gain"], [[f, f"{g / gain.sum():.3f}"] for f, g in
                                               sorted(zip(FEATURES, gain, strict=True), key=lambda t: -t[1])]))
    if not args.dry_run:
        RANKER_OUT.write_text(final_ranker.model_to_string(), encoding="utf-8")
        final.save(CONFIDENCE_OUT)
        print(f"\nwrote {RANKER_OUT.relative_to(ROOT)} and {CONFIDENCE_OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
