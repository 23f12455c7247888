"""Helpers shared by the benchmark scripts (not part of the product).

Every script takes ``--write-docs``: what it prints is also written into its own section of
``docs/benchmarks.md`` (between ``<!-- bench:NAME -->`` markers), headed by the command,
the machine, the date and the commit, so every figure there comes from a script run.
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.documents.chunk import Chunker  # noqa: E402
from bot.search.embed import Embedder, EmbeddingCache, cache_path_for  # noqa: E402
from bot.search.evaluate import build_eval_index, load_corpus  # noqa: E402
from bot.search.index import KnowledgeIndex  # noqa: E402
from bot.search.model import resolve_model_name  # noqa: E402
from bot.settings import Settings  # noqa: E402

EVAL = Path(os.environ.get("HOIDOAN_EVAL_DIR", ROOT.parent / "shared" / "eval"))
SETS = ("uit_reg", "alqac2022")


def need_eval() -> None:
    if not EVAL.is_dir():
        sys.exit(f"evaluation sets not found at {EVAL} (set HOIDOAN_EVAL_DIR)")


def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def model_name() -> str:
    s = settings()
    return resolve_model_name(s.embedding_model, ROOT / s.model_cache_dir)


def embedder() -> Embedder:
    return Embedder(model_name(), runtime=settings().embedding_runtime)


def cache_for(emb: Embedder) -> EmbeddingCache:
    return EmbeddingCache(cache_path_for(ROOT / settings().embedding_cache_dir, emb.name), emb.dimension)


def eval_index(name: str, emb: Embedder, chunker: Chunker | None = None) -> KnowledgeIndex:
    s = settings()
    chunker = chunker or Chunker(s.chunk_words, s.chunk_overlap)
    docs = load_corpus(EVAL / name / "corpus.jsonl")
    tmp = tempfile.mkdtemp(prefix=f"hoidoan-bench-{name}-")
    return build_eval_index(docs, emb, chunker, cache_for(emb), Path(tmp))


def question_lines(path: Path) -> list[str]:
    """The questions of a one-per-line file (bench/data/*.txt): no blank lines, no "#" comments."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- docs/benchmarks.md ------------------------------------------------------------------------
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_INTRO = """# Benchmarks

Figures measured by the scripts in `bench/`, each section written by its script run with
`--write-docs` (never typed by hand): the command, the machine, the date and the commit
head every section. Run a script again to refresh its section; `bench/README.md` says what
each script measures and which data it needs.
"""


def machine() -> str:
    """The machine the figures were taken on: CPU model, cores, memory."""
    model = platform.processor() or platform.machine()
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("model name")),
                     model)
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError, ValueError):
        memory = "memory unknown"
    return f"{model}, {len(os.sched_getaffinity(0))} cores, {memory}, {platform.system()} {platform.release()}"


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    # The page itself is the scripts' output: its own changes do not make the code dirty.
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmarks.md")
    return head + ("+uncommitted changes" if dirty else "")


def write_section(name: str, command: str, output: str, docs: Path = DOCS) -> None:
    """Put ``output`` into the ``name`` section of the benchmarks page (added at the end if new)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (f"<!-- bench:{name} -->\n## {name}\n\n`{command}`  \n{machine()}; {stamp}; commit {commit()}\n\n"
            f"```text\n{output.strip()}\n```\n<!-- /bench:{name} -->")
    text = docs.read_text(encoding="utf-8") if docs.is_file() else DOCS_INTRO
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL)
    text = pattern.sub(lambda _: body, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


class _Tee(io.TextIOBase):
    def __init__(self, *streams: io.TextIOBase) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _write_docs_on_exit() -> None:
    """``--write-docs``: tee stdout, and write the section when the script ends well."""
    if "--write-docs" not in sys.argv:
        return
    sys.argv.remove("--write-docs")
    name = Path(sys.argv[0]).stem
    command = " ".join([".venv/bin/python", f"bench/{name}.py", *sys.argv[1:]])
    captured = io.StringIO()
    real = sys.stdout
    sys.stdout = _Tee(real, captured)  # type: ignore[assignment]
    failed: list[BaseException] = []
    hook = sys.excepthook

    def note_failure(kind: type[BaseException], error: BaseException, trace: object) -> None:
        failed.append(error)
        hook(kind, error, trace)  # type: ignore[arg-type]

    sys.excepthook = note_failure

    def done() -> None:
        sys.stdout = real
        output = captured.getvalue()
        if failed or "|" not in output:  # a failed run or one that measured nothing keeps the old section
            print(f"docs/benchmarks.md not written: {name} {'failed' if failed else 'printed no table'}")
            return
        write_section(name, command, output)
        print(f"wrote the {name} section of {DOCS.relative_to(ROOT)}")

    atexit.register(done)


_write_docs_on_exit()
