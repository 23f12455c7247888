"""Real office files in, as a secretary uploads them: is every one read right?

Over ``../shared/realdocs/`` (18 files: Word/WPS/Google Docs PDFs, a scan, DOCX with
letterhead tables, .doc/.rtf, TCVN3 and VNI fonts) it prints, per file: kind, pages,
seconds to read (in the sandbox, as the bot reads), title and date found against
``manifest.tsv``, the share of valid Vietnamese syllables, and the character error rate
against ``reference/``. Then it indexes the files as the bot does and asks the member
questions of ``questions.tsv``: the answer snippet in the first shown passage / in the
three shown, and out-of-scope questions answered "not found".

    .venv/bin/python bench/bench_documents.py [--realdocs DIR] [--docmeta DIR]

Then, apart, the document-metadata set that the reader is never tuned on
(``bench/data/docmeta``, fetched into ``.cache/docmeta`` by ``bench/fetch_heldout.py --set
docmeta``): title and date per file, and the share right.

Title right: of the shorter of the two titles (manifest, found; folded words, at least
four), at least 80% of the words are matched in order in the other (difflib matching
blocks). So "Luật An ninh mạng" = "Luật An ninh mạng", a title that also names its
number or its issuer counts, and "Luật" or "Chương 1" never does. Date right: the same
day, or both unknown. The issue's target counts the files that state a title: a file whose
manifest note says its title was inferred from the content (BDDS.pdf starts at "Chương 1")
is reported in the overall count but not in that one.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import os
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from _common import ROOT, model_name, table

from bot.documents.ocr import OcrEngine
from bot.documents.sandbox import SandboxReader
from bot.engine import Engine
from bot.settings import Settings
from bot.text import fold

DEFAULT = Path(os.environ.get("HOIDOAN_REALDOCS_DIR", ROOT.parent / "shared" / "realdocs"))
DOCMETA_SETS = [ROOT / ".cache" / name for name in ("docmeta", "docmeta2", "docmeta3")]


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(reference: str, hypothesis: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref, hyp = collapse(reference), collapse(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def title_right(want: str, got: str) -> bool:
    want_words = fold(want).replace("(", " ").replace(")", " ").split()
    got_words = fold(got).replace("(", " ").replace(")", " ").split()
    shorter = min(len(want_words), len(got_words))
    if shorter < min(4, len(want_words)):
        return False
    blocks = difflib.SequenceMatcher(None, want_words, got_words, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) >= 0.8 * shorter


def metadata_right(row: dict[str, str], title: str, date: str | None) -> tuple[bool, bool]:
    """(title right, date right) of what was read, against a manifest row's title and issue_date."""
    return title_right(row["title"], title), date == iso(row["issue_date"])


def iso(day_month_year: str) -> str | None:
    if day_month_year.strip() in ("", "-"):
        return None
    day, month, year = day_month_year.split("/")
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realdocs", type=Path, default=DEFAULT)
    parser.add_argument("--docmeta", type=Path, nargs="+", default=DOCMETA_SETS,
                        help="kept-apart metadata sets (default: each one fetched into .cache)")
    parser.add_argument("--docmeta-only", action="store_true", help="only the kept-apart metadata sets")
    args = parser.parse_args()
    if args.docmeta_only:
        return docmeta_sets(args.docmeta)
    if not args.realdocs.is_dir():
        sys.exit(f"real documents not found at {args.realdocs} (set HOIDOAN_REALDOCS_DIR)")
    manifest = {r["local_name"]: r for r in csv.DictReader((args.realdocs / "manifest.tsv").open(encoding="utf-8"),
                                                          delimiter="\t")}
    questions = list(csv.DictReader((args.realdocs / "questions.tsv").open(encoding="utf-8"), delimiter="\t"))
    work = Path(tempfile.mkdtemp(prefix="hoidoan-bench-docs-"))
    knowledge = work / "knowledge"
    knowledge.mkdir()
    for name in manifest:
        shutil.copyfile(args.realdocs / "files" / name, knowledge / name)
    print(f"OCR: {'Tesseract ' + OcrEngine().language if OcrEngine().available() else OcrEngine().missing()}")

    rows = []
    titles = dates = stated = stated_right = 0
    worst: dict[str, float] = {}
    with SandboxReader() as reader:
        for name, row in sorted(manifest.items()):
            started = time.perf_counter()
            try:
                doc = reader.read(knowledge / name, knowledge)
            except Exception as err:  # a benchmark reports, it does not stop
                rows.append([name, row["kind"], "-", f"{time.perf_counter() - started:.1f}", "NOT READ", str(err)[:40],
                             "-", "-", "-", "-"])
                continue
            seconds = time.perf_counter() - started
            reference = (args.realdocs / "reference" / f"{name}.txt").read_text(encoding="utf-8")
            error = cer(reference, doc.text)
            kind = row["kind"]
            worst[kind] = max(worst.get(kind, 0.0), error)
            t_ok, d_ok = metadata_right(row, doc.title, doc.date)
            titles += t_ok
            dates += d_ok
            states_title = "title inferred" not in row.get("note", "")
            stated += states_title
            stated_right += t_ok and states_title
            pages = f"{doc.pages or '-'}" + (f" ({doc.ocr_pages} OCR)" if doc.ocr_pages else "")
            rows.append([name[:34], kind, pages, f"{seconds:.2f}", "yes" if t_ok else "NO", doc.title[:48],
                         doc.date or "unknown", "yes" if d_ok else "NO", f"{doc.valid_share:.3f}",
                         f"{error:.3f}"])
    print()
    print(table(["file", "kind", "pages", "s", "title ok", "title found", "date found", "date ok",
                 "valid syll.", "CER"], rows))
    n = len(manifest)
    print(f"\ntitles right {titles}/{n} ({titles / n:.0%}; of the {stated} files that state one: "
          f"{stated_right}/{stated} ({stated_right / max(stated, 1):.0%})), dates right {dates}/{n} ({dates / n:.0%})")
    print("worst CER by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in sorted(worst.items())))

    settings = Settings(_env_file=None, knowledge_dir=knowledge, index_dir=work / "index",  # type: ignore[call-arg]
                        data_dir=work / "data", cache_dir=ROOT / ".cache", database_url=f"sqlite:///{work}/db.sqlite")
    engine = Engine(settings)
    engine.settings.embedding_model = model_name()
    result = engine.reindex()
    print(f"\nindexed {result.report.documents} documents, {result.report.chunks} passages; "
          f"not indexed: {len(result.problems)}; warnings: {len(result.warnings)}")
    first = shown = answered_oos = in_scope = oos = 0
    missed = []
    for q in questions:
        answer = engine.ask(q["question"])
        passages = [collapse(r.passage) for r in answer.results[:3]] if not answer.abstained else []
        if q["style"] == "out_of_scope":
            oos += 1
            answered_oos += not answer.abstained
            continue
        in_scope += 1
        snippet = collapse(q["answer_snippet"])
        hit_first = bool(passages) and snippet in passages[0]
        hit_shown = any(snippet in p for p in passages)
        first += hit_first
        shown += hit_shown
        if not hit_shown:
            missed.append(f"{q['qid']} ({q['style']}, {q['local_name']}): {q['question']}")
    print(table(["questions", "n", "snippet in first passage", "in the 3 shown", "out-of-scope answered"],
                [["in scope", in_scope, f"{first}/{in_scope} ({first / in_scope:.0%})",
                  f"{shown}/{in_scope} ({shown / in_scope:.0%})", "-"],
                 ["out of scope", oos, "-", "-", f"{answered_oos}/{oos}"]]))
    if missed:
        print("\nnot in the shown passages:\n  " + "\n  ".join(missed))
    shutil.rmtree(work, ignore_errors=True)
    return docmeta_sets(args.docmeta)


def docmeta_sets(folders: list[Path]) -> int:
    for folder in folders:
        docmeta_set(folder)
    return 0


def docmeta_set(folder: Path) -> int:
    """Dates and titles on the kept-apart files (bench/data/docmeta), by the same checks."""
    listing = folder / "files.tsv"
    if not listing.is_file():
        print(f"\nkept-apart metadata set not found in {folder}: run bench/fetch_heldout.py --set docmeta")
        return 0
    labels = list(csv.DictReader(listing.open(encoding="utf-8"), delimiter="\t"))
    rows = []
    right: dict[str, list[int]] = {}  # seen or not -> [files, titles right, dates right]
    with SandboxReader() as reader:
        for row in labels:
            group = right.setdefault(row.get("seen", "yes"), [0, 0, 0])
            group[0] += 1
            path = folder / "files" / row["local_name"]
            try:
                doc = reader.read(path, path.parent)
            except Exception as err:  # a benchmark reports, it does not stop
                rows.append([row["local_name"][:34], row["kind"], row.get("seen", "yes"), "NOT READ", str(err)[:60],
                             "-", "NO"])
                continue
            t_ok, d_ok = metadata_right(row, doc.title, doc.date)
            group[1] += t_ok
            group[2] += d_ok
            rows.append([row["local_name"][:34], row["kind"], row.get("seen", "yes"), "yes" if t_ok else "NO",
                         doc.title[:60], doc.date or "unknown", "yes" if d_ok else "NO"])
    print(f"\nKEPT APART: document-metadata set bench/data/{folder.name}, never tuned on while unseen")
    print(table(["file", "kind", "seen", "title ok", "title found", "date found", "date ok"], rows))
    print("\nseen: the reader's output on the file was seen (once, before the reader changed); "
          "no: labelled and checked blind")
    for seen, (n, titles, dates) in sorted(right.items(), reverse=True):
        print(f"kept apart, seen={seen}: titles right {titles}/{n} ({titles / n:.0%}), "
              f"dates right {dates}/{n} ({dates / n:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
