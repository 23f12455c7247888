"""One `hoidoan run --webhook` process serving the alqac2022 corpus (1,377 law articles as
files in its knowledge folder): where its memory goes, and its peak under members asking
at once through the fake Bot API.

    .venv/bin/python bench/bench_serving.py [--users 50] [--questions 300]

The first run reads and embeds the corpus (minutes); later runs reuse the read and
embedding caches under .cache/ and a knowledge folder kept in /tmp.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import numpy as np
from _common import EVAL, ROOT, free_port, need_eval, table

from bot.search.evaluate import load_questions
from tests.fakebot import FakeBotApi

WORK = Path(tempfile.gettempdir()) / "hoidoan-bench-serving"

# The serving process's pieces, loaded one after another in a fresh interpreter; the RSS
# after each step, so the differences say where the memory goes.
STAGES = """
import json, sys, psutil
sys.path.insert(0, {root!r})
p = psutil.Process()
rows = [("interpreter", p.memory_info().rss)]
import bot.telegram.app, bot.telegram.runner, bot.engine  # the bot's libraries
rows.append(("libraries (telegram, SQLAlchemy, numpy, faiss, ONNX Runtime, readers)", p.memory_info().rss))
from bot.settings import Settings
from bot.engine import Engine
s = Settings(_env_file=None, knowledge_dir={knowledge!r}, index_dir={index!r}, cache_dir={cache!r})
engine = Engine(s)
engine.embedder.encode_queries(["khởi động"])
rows.append(("embedding model (encoder, tokenizer, word table mapped)", p.memory_info().rss))
retriever = engine.retriever
rows.append(("alqac2022 index (passages, FAISS, BM25, diacritics model)", p.memory_info().rss))
questions = json.loads({questions!r})
engine.ask(questions[0])
rows.append(("first answer", p.memory_info().rss))
for q in questions[1:]:
    engine.ask(q)
rows.append((f"{{len(questions)}} answers", p.memory_info().rss))
print(json.dumps(rows))
"""


def prepare_knowledge() -> Path:
    """The corpus as one text file per article (title, then text), as a secretary would drop them."""
    knowledge = WORK / "knowledge"
    if not knowledge.is_dir():
        knowledge.mkdir(parents=True)
        with (EVAL / "alqac2022" / "corpus.jsonl").open(encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                doc = json.loads(line)
                (knowledge / f"{n:05d}.txt").write_text(f"{doc.get('title') or ''}\n\n{doc['text']}\n",
                                                        encoding="utf-8")
    return knowledge


def env_for_index() -> dict[str, str]:
    """The process environment for `python -m bot ...` on the bench's folders (no ambient HOIDOAN_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDOAN_")}
    env.update({"HOIDOAN_KNOWLEDGE_DIR": str(WORK / "knowledge"), "HOIDOAN_INDEX_DIR": str(WORK / "index"),
                "HOIDOAN_CACHE_DIR": str(ROOT / ".cache"), "HOIDOAN_DATA_DIR": str(WORK / "data"),
                "HOIDOAN_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    return env


def env_for(api: FakeBotApi, port: int) -> dict[str, str]:
    """The same, plus the fake Bot API and the webhook, for `python -m bot run --webhook`."""
    return {**env_for_index(), "HOIDOAN_TELEGRAM_TOKEN": api.token, "HOIDOAN_TELEGRAM_API_URL": api.base_url,
            "HOIDOAN_TELEGRAM_FILE_URL": api.file_url, "HOIDOAN_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
            "HOIDOAN_WEBHOOK_SECRET": "bench-secret", "HOIDOAN_WEBHOOK_LISTEN": "127.0.0.1",
            "HOIDOAN_WEBHOOK_PORT": str(port), "HOIDOAN_QUESTIONS_PER_MINUTE": "1000"}


def status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


async def serve(questions: list[str], users: int) -> list[list[object]]:
    port = free_port()
    api = await FakeBotApi().start()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", "--webhook", cwd=WORK,
                                                env=env_for(api, port), stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession() as http:
            while True:
                assert proc.returncode is None, "the bot stopped"
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.25)
        ready_s = time.monotonic() - started
        startup_peak = status_mb(proc.pid, "VmHWM")
        idle = status_mb(proc.pid, "VmRSS")
        Path(f"/proc/{proc.pid}/clear_refs").write_text("5")  # the peak from here on is serving's alone
        api.webhook_targets = [f"http://127.0.0.1:{port}/hook"]
        members = [api.user(40000 + i) for i in range(users)]
        chats = {m["id"]: api.private_chat(m) for m in members}
        latencies: list[float] = []
        remaining = list(questions)

        async def member(m: dict) -> None:
            while remaining:
                q = remaining.pop()
                n = len(api.sent)
                sent_at = time.monotonic()
                await api.send_text(chats[m["id"]], m, q)
                reply = await api.reply_to(chats[m["id"]], n, timeout=120)
                latencies.append(reply["at"] - sent_at)

        began = time.monotonic()
        await asyncio.gather(*(member(m) for m in members))
        wall = time.monotonic() - began
        serving_peak = status_mb(proc.pid, "VmHWM")
    finally:
        proc.send_signal(signal.SIGTERM)
        await proc.wait()
        await api.stop()
    ms = np.array(latencies) * 1000
    return [[f"{users} members, {len(questions)} questions", f"{ready_s:.0f}", f"{idle:.0f}",
             f"{startup_peak:.0f}", f"{serving_peak:.0f}", f"{len(questions) / wall:.1f}",
             f"{np.percentile(ms, 50):.0f}", f"{np.percentile(ms, 95):.0f}"]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    need_eval()
    knowledge = prepare_knowledge()
    index = subprocess.run([sys.executable, "-m", "bot", "index"], cwd=WORK, env=env_for_index(),
                           capture_output=True, text=True, check=True)
    print(index.stdout.strip().splitlines()[0] if index.stdout.strip() else "")
    questions = [q.question for q in load_questions(EVAL / "alqac2022" / "questions.jsonl", False)]
    questions = (questions * (args.questions // len(questions) + 1))[: args.questions]
    code = STAGES.format(root=str(ROOT), knowledge=str(knowledge), index=str(WORK / "index"),
                         cache=str(ROOT / ".cache"), questions=json.dumps(questions[:100]))
    stages = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout.strip().splitlines()[-1])
    rows, before = [], 0
    for name, rss in stages:
        rows.append([name, f"{rss / 1e6:.0f}", f"{(rss - before) / 1e6:+.0f}" if before else ""])
        before = rss
    print("\nWhere a serving process's memory goes (RSS after each step, one process)\n")
    print(table(["step", "RSS MB", "added MB"], rows))
    print(f"\n`hoidoan run --webhook` on the alqac2022 knowledge folder, {os.cpu_count()} CPU cores\n")
    print(table(["load", "ready s", "idle RSS MB", "startup peak MB", "serving peak MB", "answers/s",
                 "p50 ms", "p95 ms"], asyncio.run(serve(questions, args.users))))


if __name__ == "__main__":
    main()
