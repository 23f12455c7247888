"""Answers per second and latency with 1, 2 and 3 webhook replicas on one PostgreSQL database.

The fake Bot API server (the tests' one) spreads updates round-robin over the replicas like
a load balancer. 50 members ask at once, each asking again as soon as answered (a closed
loop), 300 questions per run; latency is from the update's delivery to the answer's
arrival at the server.

    .venv/bin/python bench/bench_replicas.py [--questions 300] [--users 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import numpy as np
import psutil
from _common import ROOT, free_port, table
from sqlalchemy import create_engine, text

from tests.fakebot import FakeBotApi

PG = os.environ.get("HOIDOAN_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
QUESTIONS = ["ket nap doan may tuoi", "Đại hội chi đoàn bầu Ban Chấp hành mấy đồng chí?",
             "chi doan to chuc dai hoi nhiem ky nao", "ai duoc bau lam bi thu chi doan",
             "Đoàn viên có nhiệm vụ gì?"]


async def start(api: FakeBotApi, tmp: Path, url: str, n: int) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDOAN_")}
    env.update({"HOIDOAN_TELEGRAM_TOKEN": api.token, "HOIDOAN_TELEGRAM_API_URL": api.base_url,
                "HOIDOAN_TELEGRAM_FILE_URL": api.file_url, "HOIDOAN_DATABASE_URL": url,
                "HOIDOAN_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "HOIDOAN_INDEX_DIR": str(tmp / "index"),
                "HOIDOAN_CACHE_DIR": str(ROOT / ".cache"), "HOIDOAN_DATA_DIR": str(tmp / f"data{n}"),
                "HOIDOAN_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook", "HOIDOAN_WEBHOOK_SECRET": "bench-secret",
                "HOIDOAN_WEBHOOK_LISTEN": "127.0.0.1", "HOIDOAN_WEBHOOK_PORT": str(port),
                "HOIDOAN_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", "--webhook", cwd=tmp, env=env,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    async with aiohttp.ClientSession() as http:
        for _ in range(1200):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return proc, port
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.25)
    raise RuntimeError("replica did not start")


async def run(replicas: int, questions: int, users: int) -> list[object]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    api = await FakeBotApi().start()
    procs: list[tuple[asyncio.subprocess.Process, int]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(replicas):
                procs.append(await start(api, Path(tmp), url, n))
            api.webhook_targets = [f"http://127.0.0.1:{port}/hook" for _, port in procs]
            members = [api.user(30000 + i) for i in range(users)]
            chats = {m["id"]: api.private_chat(m) for m in members}
            latencies: list[float] = []
            remaining = questions

            async def member(m: dict) -> None:
                nonlocal remaining
                while remaining > 0:
                    remaining -= 1
                    n = len(api.sent)
                    sent_at = time.monotonic()
                    await api.send_text(chats[m["id"]], m, QUESTIONS[remaining % len(QUESTIONS)])
                    reply = await api.reply_to(chats[m["id"]], n, timeout=120)
                    latencies.append(reply["at"] - sent_at)

            started = time.monotonic()
            await asyncio.gather(*(member(m) for m in members))
            wall = time.monotonic() - started
            rss = sum(psutil.Process(p.pid).memory_info().rss for p, _ in procs) / replicas / 1e6
    finally:
        for proc, _ in procs:
            proc.send_signal(signal.SIGTERM)
        for proc, _ in procs:
            await proc.wait()
        await api.stop()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    ms = np.array(latencies) * 1000
    return [replicas, questions, f"{questions / wall:.1f}", f"{np.percentile(ms, 50):.0f}",
            f"{np.percentile(ms, 95):.0f}", f"{rss:.0f}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    rows = [asyncio.run(run(n, args.questions, args.users)) for n in (1, 2, 3)]
    print(f"{args.users} members asking at once, {os.cpu_count()} CPU cores\n")
    print(table(["replicas", "questions", "answers/s", "p50 ms", "p95 ms", "RSS per replica MB"], rows))


if __name__ == "__main__":
    main()
