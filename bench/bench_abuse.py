"""Hostile input against a running bot: memory while bad files arrive, and one member's flood.

A real `python -m bot run` (long polling, SQLite) against the fake Bot API server:

1. An admin uploads a zip bomb (a DOCX whose document.xml inflates to --bomb-mb MB) and
   20 fuzzed PDFs, one after another, while a member asks a question every second.
   Printed: the bot process's peak RSS (the reading child separately), and the member's
   answer latency meanwhile.
2. One member sends 50 questions at once, then another member asks one. Printed: the
   other member's latency, against the same question asked with nobody flooding.

    .venv/bin/python bench/bench_abuse.py [--bomb-mb 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import psutil
from _common import ROOT, table

from tests.fakebot import FakeBotApi

ADMIN, MEMBER, FLOODER, OTHER = 5001, 6001, 6002, 6003
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zip_bomb(path: Path, megabytes: int) -> None:
    paragraph = ("<w:p><w:r><w:t>" + "Đoàn viên đóng đoàn phí hằng tháng. " * 30 + "</w:t></w:r></w:p>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.'
                         'org/package/2006/content-types"/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode())
            block = paragraph * 1000
            for _ in range(megabytes * 1_000_000 // len(block)):
                member.write(block)
            member.write(b"</w:body></w:document>")


def fuzzed_pdfs(folder: Path, count: int) -> list[Path]:
    from tests.docfixtures import word_like_pdf

    word_like_pdf(folder / "seed.pdf", [["Nghị quyết Đại hội chi đoàn nhiệm kỳ 2024 - 2026.",
                                         "Chi đoàn phấn đấu kết nạp 5 đoàn viên mới trong năm."]] * 3)
    original = (folder / "seed.pdf").read_bytes()
    rng = random.Random(7)
    paths = []
    for i in range(count):
        data = bytearray(original)
        for _ in range(rng.randint(1, 60)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = folder / f"fuzz-{i}.pdf"
        path.write_bytes(bytes(data))
        paths.append(path)
    return paths


class PeakRss:
    """Samples a process (and, apart, its children) every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
                kids = sum(c.memory_info().rss for c in self.process.children(recursive=True))
                self.children_peak = max(self.children_peak, kids)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def ask(api: FakeBotApi, user: dict, question: str) -> float:
    chat = api.private_chat(user)
    n = len(api.sent)
    started = time.monotonic()
    await api.send_text(chat, user, question)
    await api.reply_to(chat, n, timeout=120)
    return time.monotonic() - started


async def run(bomb_mb: int) -> None:
    api = await FakeBotApi().start()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDOAN_")}
        env.update({"HOIDOAN_TELEGRAM_TOKEN": api.token, "HOIDOAN_TELEGRAM_API_URL": api.base_url,
                    "HOIDOAN_TELEGRAM_FILE_URL": api.file_url, "HOIDOAN_ADMIN_IDS": str(ADMIN),
                    "HOIDOAN_KNOWLEDGE_DIR": str(work / "knowledge"), "HOIDOAN_INDEX_DIR": str(work / "index"),
                    "HOIDOAN_CACHE_DIR": str(ROOT / ".cache"), "HOIDOAN_DATA_DIR": str(work / "data"),
                    "HOIDOAN_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
        (work / "knowledge").mkdir()
        for source in (ROOT / "knowledge").glob("*.txt"):
            (work / "knowledge" / source.name).write_bytes(source.read_bytes())
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=work, env=env,
                                                    stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.DEVNULL)
        try:
            for _ in range(1800):
                if any(m == "getUpdates" for m, _ in api.calls):
                    break
                await asyncio.sleep(0.1)
            admin, member = api.user(ADMIN), api.user(MEMBER)
            admin_chat = api.private_chat(admin)
            question = "Đại hội chi đoàn bầu Ban Chấp hành mấy đồng chí?"
            await ask(api, member, question)  # warm up
            zip_bomb(work / "bomb.docx", bomb_mb)
            files = [work / "bomb.docx", *fuzzed_pdfs(work, 20)]
            latencies: list[float] = []
            outcomes = {"refused": 0, "added": 0}
            with PeakRss(proc.pid) as rss:
                done = asyncio.Event()

                async def member_asks() -> None:
                    while not done.is_set():
                        latencies.append(await ask(api, member, question))
                        await asyncio.sleep(1.0)

                asker = asyncio.create_task(member_asks())
                started = time.monotonic()
                def final(e: dict) -> bool:
                    return e["chat_id"] == ADMIN and e["method"] == "editMessageText" and any(
                        word in e["text"] for word in ("Không thêm được", "Đã thêm", "trùng tiêu đề"))

                for path in files:
                    n = len(api.sent)
                    await api.send_document(admin_chat, admin, path.name, path.read_bytes())
                    result = await api.wait_sent(final, n, timeout=300)
                    if "trùng tiêu đề" in result["text"]:  # a readable fuzzed copy: keep both
                        n = len(api.sent)
                        await api.press(api.message_of(result), admin, api.buttons(result)["Giữ cả hai"])
                        result = await api.wait_sent(lambda e: final(e) and "trùng" not in e["text"], n, timeout=300)
                    outcomes["refused" if "Không thêm được" in result["text"] else "added"] += 1
                uploads = time.monotonic() - started
                done.set()
                await asker
            ms = np.array(latencies) * 1000
            print(f"zip bomb: {(work / 'bomb.docx').stat().st_size / 1e6:.1f} MB file, "
                  f"{bomb_mb} MB of XML inside; 20 fuzzed PDFs; {uploads:.0f} s for all uploads\n")
            print(table(["what", "result"], [
                ["uploads refused / added", f"{outcomes['refused']} / {outcomes['added']}"],
                ["bot process peak RSS", f"{rss.peak / 1e6:.0f} MB"],
                ["reading child process peak RSS", f"{rss.children_peak / 1e6:.0f} MB"],
                ["member answers during uploads", f"{len(ms)}"],
                ["member latency p50 / max", f"{np.percentile(ms, 50):.0f} / {ms.max():.0f} ms"],
            ]))

            alone = [await ask(api, api.user(OTHER), question) for _ in range(3)]
            flooder = api.user(FLOODER)
            flood_chat = api.private_chat(flooder)
            for i in range(50):
                await api.send_text(flood_chat, flooder, f"{question} {i}")
            flooded = await ask(api, api.user(OTHER), question)
            print()
            print(table(["another member's answer", "latency ms"], [
                ["nobody flooding (median of 3)", f"{np.median(alone) * 1000:.0f}"],
                ["while one member sends 50 questions at once", f"{flooded * 1000:.0f}"],
            ]))
        finally:
            proc.send_signal(signal.SIGTERM)
            await proc.wait()
            await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bomb-mb", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.bomb_mb))


if __name__ == "__main__":
    main()
