"""What members see, judged passage by passage.

Development set: ``bench/data/member_questions.jsonl`` (written for HoiDoan), and
``bench/data/news_questions.jsonl`` (short questions on the corpus's news pages): member
questions over the shared union-domain corpus (``../shared/eval/domain/corpus.jsonl``),
each with its answering span as character offsets into that corpus (no corpus text is
kept in the project), plus follow-up pairs and out-of-scope questions. Every question
goes through the shipped ask path (:class:`bot.assistant.Assistant` over an engine built
from the default settings), as a member in a private chat.

Judged on the 3 passages a member sees first:
- answering passage first / among the 3 shown: a passage holds the span's words in order
  (or those of another span that answers as well, listed under "also": a newer rule)
  (a span cut by a passage boundary counts when either half is whole in the passage);
- highlight: the highlighted sentence of the first answering passage shares a run of at
  least 4 words (or the whole span, if shorter) with the span;
- wrongly "not found" (in scope, abstained), out-of-scope answered;
- follow-ups: the second question of a pair, asked right after the first in the same
  chat, shows its span; "complete questions changed": each in-scope question asked right
  after another one, read as a follow-up (it must stay 0);
- diacritics: the questions typed with diacritics, stripped and restored: syllable
  accuracy, and accuracy on question words (mấy, gì, nào, bao nhiêu, khi nào, ở đâu, ai);
  the same on ``bench/data/restoration_questions.txt``, 80 member questions written later
  (restoration only: no spans), in two halves, the second never used to choose a setting.

With ``--realdocs`` (default: ../shared/realdocs when present) the real files' questions
are judged the same way (snippet in the passage).

    .venv/bin/python bench/bench_answers.py
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

from _common import EVAL, ROOT, model_name, question_lines, table  # sets sys.path for bot

from bot.answers.answer import Answer
from bot.answers.ranking import Band
from bot.assistant import Asker, Assistant
from bot.engine import Engine
from bot.search.embed import EmbeddingCache, cache_path_for
from bot.search.evaluate import load_corpus
from bot.search.index import IndexBuilder
from bot.settings import Settings
from bot.text import strip_diacritics

DEV = ROOT / "bench" / "data" / "member_questions.jsonl"
NEWS = ROOT / "bench" / "data" / "news_questions.jsonl"  # short questions on the corpus's news pages
RESTORATION = ROOT / "bench" / "data" / "restoration_questions.txt"  # written later, for restoration only
REALDOCS = ROOT.parent / "shared" / "realdocs"
HELDOUT = ROOT / ".cache" / "heldout"  # bench/fetch_heldout.py puts the held-out files here
# A second held-out batch of out-of-scope questions on the same files (written later, frozen).
HELDOUT_OOS_2 = ROOT / "bench" / "data" / "heldout2" / "out_of_scope.txt"
SHOWN = 3
QUESTION_WORDS = ("mấy", "gì", "nào", "bao nhiêu", "khi nào", "ở đâu", "ai", "bao lâu")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def answers(passage: str, span: str) -> bool:
    p, s = words(passage), words(span)
    if contains(p, s):
        return True
    half = len(s) // 2
    return len(s) >= 8 and (contains(p, s[:half]) or contains(p, s[half:]))


def overlaps(highlight: str, span: str) -> bool:
    h, s = words(highlight), words(span)
    run = min(4, len(s))
    return any(contains(h, s[i:i + run]) for i in range(len(s) - run + 1))


class Judge:
    """Counts per group (style) of questions."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def in_scope(self, group: str, answer: Answer, spans: list[str]) -> bool:
        row = self.rows[group]
        row["n"] += 1
        shown = [] if answer.abstained else answer.results[:SHOWN]
        hits = [r for r in shown if any(answers(r.passage, span) for span in spans)]
        row["first"] += bool(shown) and any(answers(shown[0].passage, span) for span in spans)
        row["shown"] += bool(hits)
        row["highlight"] += bool(hits) and any(overlaps(hits[0].highlight, span) for span in spans)
        row["not_found"] += answer.abstained
        row["not_sure"] += answer.not_sure
        docs = [r.doc_id for r in shown]
        row["two_of_one"] += len(set(docs)) < len(docs)
        # The answer came from a document's second shown passage (its first did not answer).
        row["second_answered"] += bool(hits) and docs.count(hits[0].doc_id) > 1 and \
            docs.index(hits[0].doc_id) != shown.index(hits[0])
        return bool(hits)

    def out_of_scope(self, group: str, answer: Answer) -> None:
        self.rows[group]["oos"] += 1
        self.rows[group]["oos_answered"] += answer.band is Band.CONFIDENT
        self.rows[group]["oos_not_sure"] += answer.not_sure

    def table(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({a / b:.0%})" if b else "-"

        total: dict[str, int] = defaultdict(int)
        out = []
        for group, row in sorted(self.rows.items()):
            for key, value in row.items():
                total[key] += value
            out.append([group, row["n"] or row["oos"], pct(row["first"], row["n"]), pct(row["shown"], row["n"]),
                        pct(row["highlight"], row["n"]), pct(row["not_sure"], row["n"]),
                        pct(row["not_found"], row["n"]),
                        pct(row["oos_answered"], row["oos"]), pct(row["oos_not_sure"], row["oos"])])
        out.append(["all in scope", total["n"], pct(total["first"], total["n"]), pct(total["shown"], total["n"]),
                    pct(total["highlight"], total["n"]), pct(total["not_sure"], total["n"]),
                    pct(total["not_found"], total["n"]), pct(total["oos_answered"], total["oos"]),
                    pct(total["oos_not_sure"], total["oos"])])
        return table(["questions", "n", "answer first", "in the 3 shown", "highlight on answer", "not sure",
                      "wrongly not found", "out of scope answered (confident)", "out of scope: not sure"], out)


def restoration(engine: Engine, questions: list[str]) -> tuple[int, int, int, int, list[str]]:
    """(right syllables, syllables, right question words, question words, examples wrong)."""
    restorer = engine.retriever.index.restorer
    right = total = qw_right = qw_total = 0
    wrong = []
    for question in questions:
        want = words(question)
        got = words(restorer.restore(strip_diacritics(question)))
        if len(got) != len(want):
            total += len(want)
            wrong.append(question)
            continue
        right += sum(a == b for a, b in zip(want, got, strict=True))
        total += len(want)
        text_want, text_got = " ".join(want), " ".join(got)
        for qw in QUESTION_WORDS:
            for m in re.finditer(rf"\b{qw}\b", text_want):
                qw_total += 1
                qw_right += text_got[m.start():m.end()] == qw
        if want != got:
            wrong.append(f"{question} -> {' '.join(got)}")
    return right, total, qw_right, qw_total, wrong


def spans_of(row: dict, corpus: dict[str, str]) -> list[str]:
    """The answering span, and any other place that answers as well (a newer rule)."""
    return [corpus[s["doc_id"]][s["start"]:s["end"]] for s in [row, *row.get("also", [])]]


def dev_set(assistant: Assistant, engine: Engine, corpus: dict[str, str], rows: list[dict]) -> None:
    judge = Judge()
    latencies = []
    missed = []
    user = iter(range(1, 10**6))
    in_scope = [r for r in rows if r["style"] not in ("follow_up", "out_of_scope")]
    for row in rows:
        if row["style"] == "follow_up":
            continue
        asker = Asker(chat_id=next(user), user_id=1)  # a fresh chat: no follow-up context
        started = time.perf_counter()
        reply = assistant.ask(row["question"], asker, log=False)
        latencies.append((time.perf_counter() - started) * 1000)
        assert reply.answer is not None
        if row["style"] == "out_of_scope":
            judge.out_of_scope("out_of_scope", reply.answer)
            if reply.answer.band is Band.CONFIDENT:
                missed.append(f"{row['qid']} answered out of scope: {row['question']}")
            continue
        if not judge.in_scope(row["style"], reply.answer, spans_of(row, corpus)):
            first = "not found" if reply.answer.abstained or not reply.answer.results else \
                f"first shown {reply.answer.results[0].doc_id}: {reply.answer.results[0].highlight[:90]!r}"
            missed.append(f"{row['qid']} ({row['style']}): {row['question']} -> {first}")

    follow = Judge()
    for row in rows:
        if row["style"] != "follow_up":
            continue
        asker = Asker(chat_id=next(user), user_id=1)
        assistant.ask(row["previous"], asker, log=False)
        reply = assistant.ask(row["question"], asker, log=False)
        assert reply.answer is not None
        if not follow.in_scope("follow_up", reply.answer, spans_of(row, corpus)):
            missed.append(f"{row['qid']} (follow-up of {row['previous']!r}): {row['question']} "
                          f"-> {reply.answer.restored_question!r}")
    changed = []
    for previous, row in itertools.pairwise(in_scope):
        asker = Asker(chat_id=next(user), user_id=1)
        assistant.ask(previous["question"], asker, log=False)
        reply = assistant.ask(row["question"], asker, log=False)
        if reply.answer is not None and reply.answer.follow_up_of is not None:
            changed.append(f"{row['question']} -> {reply.answer.restored_question}")

    print(f"\n## Member questions over the union-domain corpus ({DEV.name})\n")
    print(judge.table())
    f = follow.rows["follow_up"]
    total = {k: sum(r[k] for r in judge.rows.values()) for k in ("two_of_one", "second_answered", "n")}
    print(f"\nanswers showing two passages of one document: {total['two_of_one']}/{total['n']}; "
          f"the answer was that document's second passage in {total['second_answered']}")
    print(f"follow-ups right (answer in the 3 shown): {f['shown']}/{f['n']} ({f['shown'] / max(f['n'], 1):.0%}); "
          f"complete questions read as follow-ups: {len(changed)}/{len(in_scope) - 1}")
    for line in changed:
        print(f"  changed: {line}")
    typed = [r["question"] for r in rows
             if r["style"] != "out_of_scope" and strip_diacritics(r["question"]) != r["question"]]
    right, total, qw_right, qw_total, wrong = restoration(engine, typed)
    print(f"diacritics restored on {len(typed)} questions typed with them (stripped): syllables {right}/{total} "
          f"({right / max(total, 1):.1%}), question words {qw_right}/{qw_total} ({qw_right / max(qw_total, 1):.0%})")
    further = question_lines(RESTORATION)
    for label, part in (("first 40", further[:40]), ("last 40", further[40:])):
        right, total, qw_right, qw_total, _wrong = restoration(engine, part)
        print(f"diacritics on further member questions ({RESTORATION.name}, {label}): syllables {right}/{total} "
              f"({right / max(total, 1):.1%}), question words {qw_right}/{qw_total}")
    print(f"latency per question (ms): p50 {statistics.median(latencies):.0f}, "
          f"p95 {statistics.quantiles(latencies, n=20)[18]:.0f}")
    if missed:
        print("\nnot answered in the shown passages:\n  " + "\n  ".join(missed))
    if wrong:
        print("\nrestored wrong:\n  " + "\n  ".join(wrong[:40]))


def news_set(assistant: Assistant, corpus: dict[str, str]) -> None:
    """Short member questions on the union corpus's news pages (a branch congress, an
    admission ceremony: what a branch's own knowledge base holds), a tuning set."""
    judge = Judge()
    missed = []
    for row in (json.loads(line) for line in NEWS.open(encoding="utf-8") if line.strip()):
        reply = assistant.ask(row["question"], log=False)
        assert reply.answer is not None
        if not judge.in_scope(row["style"], reply.answer, spans_of(row, corpus)):
            missed.append(f"{row['qid']}: {row['question']}")
    print("\n## News-style questions on the union corpus's web pages (news_questions.jsonl)\n")
    print(judge.table())
    if missed:
        print("\nmissed:\n  " + "\n  ".join(missed))


def file_set(path: Path, work: Path, title: str, label: str, more_oos: Path | None = None) -> None:
    """Questions over a folder of real files (``files/``, ``questions.tsv`` with snippets, and
    ``out_of_scope.txt`` when present), indexed as an admin would drop them in knowledge/;
    ``more_oos``: a later batch of out-of-scope questions, counted as its own group."""
    questions = list(csv.DictReader((path / "questions.tsv").open(encoding="utf-8"), delimiter="\t"))
    batches = [(path / "out_of_scope.txt", "out_of_scope", "oos"), (more_oos, "out_of_scope (batch 2)", "oos2-")]
    for oos_file, style, prefix in batches:
        outside = question_lines(oos_file) if oos_file and oos_file.is_file() else []
        questions += [{"qid": f"{prefix}{i:02d}", "question": q, "local_name": "-", "answer_snippet": "",
                       "style": style} for i, q in enumerate(outside)]
    knowledge = work / f"{label}-knowledge"
    shutil.copytree(path / "files", knowledge)
    settings = Settings(_env_file=None, knowledge_dir=knowledge, index_dir=work / f"{label}-index",  # type: ignore[call-arg]
                        data_dir=work / f"{label}-data", cache_dir=ROOT / ".cache",
                        database_url=f"sqlite:///{work}/{label}.db")
    settings.embedding_model = model_name()
    engine = Engine(settings)
    engine.reindex()
    judge_questions(Assistant(engine), questions, title)


def judge_questions(assistant: Assistant, questions: list[dict[str, str]], title: str) -> None:
    judge = Judge()
    missed = []
    for q in questions:
        reply = assistant.ask(q["question"], log=False)
        assert reply.answer is not None
        if q["style"].startswith("out_of_scope"):
            judge.out_of_scope(q["style"], reply.answer)
            if reply.answer.band is Band.CONFIDENT:
                missed.append(f"{q['qid']} answered out of scope: {q['question']}")
        elif not judge.in_scope(q["style"], reply.answer, [q["answer_snippet"]]):
            missed.append(f"{q['qid']} ({q.get('local_name', '-')}): {q['question']}")
    print(f"\n## {title}\n")
    print(judge.table())
    if missed:
        print("\nmissed:\n  " + "\n  ".join(missed))


def sample_set(path: Path, work: Path) -> None:
    """The held-out questions on the sample article, over the knowledge base that ships."""
    questions = list(csv.DictReader((path / "sample.tsv").open(encoding="utf-8"), delimiter="\t"))
    settings = Settings(_env_file=None, knowledge_dir=ROOT / "knowledge", index_dir=work / "sample-index",  # type: ignore[call-arg]
                        data_dir=work / "sample-data", cache_dir=ROOT / ".cache",
                        database_url=f"sqlite:///{work}/sample.db")
    settings.embedding_model = model_name()
    engine = Engine(settings)
    engine.reindex()
    judge_questions(Assistant(engine), questions, "HELD-OUT: the sample article that ships (knowledge/)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realdocs", type=Path, default=REALDOCS if REALDOCS.is_dir() else None)
    parser.add_argument("--no-realdocs", action="store_true")
    parser.add_argument("--heldout", action="store_true",
                        help="also the held-out set (bench/data/heldout; fetch it with bench/fetch_heldout.py)")
    parser.add_argument("--heldout-only", action="store_true", help="only the held-out set")
    args = parser.parse_args()
    if (args.heldout or args.heldout_only) and not (HELDOUT / "files").is_dir():
        sys.exit(f"held-out files not found in {HELDOUT}: run bench/fetch_heldout.py first")
    corpus_path = EVAL / "domain" / "corpus.jsonl"
    if not corpus_path.is_file():
        sys.exit(f"domain corpus not found at {corpus_path} (set HOIDOAN_EVAL_DIR)")
    corpus = {json.loads(line)["doc_id"]: json.loads(line)["text"] for line in corpus_path.open(encoding="utf-8")}
    rows = [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="hoidoan-bench-answers-"))
    try:
        settings = Settings(_env_file=None, index_dir=work / "index", data_dir=work / "data",  # type: ignore[call-arg]
                            cache_dir=ROOT / ".cache", database_url=f"sqlite:///{work}/d.db")
        settings.embedding_model = model_name()
        engine = Engine(settings)
        cache = EmbeddingCache(cache_path_for(ROOT / settings.embedding_cache_dir, engine.embedder.name),
                               engine.embedder.dimension)
        IndexBuilder(settings.index_dir, engine.embedder, engine.chunker(), cache).build(load_corpus(corpus_path))
        print(f"settings as shipped; model {engine.embedder.name}; {len(corpus)} documents")
        if not args.heldout_only:
            dev_set(Assistant(engine), engine, corpus, rows)
            news_set(Assistant(engine), corpus)
            if args.realdocs and not args.no_realdocs:
                file_set(args.realdocs, work, f"Real documents' questions ({args.realdocs})", "realdocs")
        if args.heldout or args.heldout_only:
            file_set(HELDOUT, work, "HELD-OUT: real files and questions never tuned on (bench/data/heldout)", "heldout",
                     HELDOUT_OOS_2)
            sample_set(HELDOUT, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
