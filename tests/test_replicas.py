"""Several replicas: three `hoidoan run --webhook` processes on one PostgreSQL database, the
fake Bot API server spreading updates round-robin like a load balancer; and the rule that
only one process may long-poll."""

from __future__ import annotations

import asyncio
import re
import signal
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import create_engine, func, select, text

from bot.settings import Settings
from bot.storage.store import DeliveryRow, QuestionRow, Store
from tests.conftest import ADMIN_ID, bot_process_env, free_port, start_bot_process
from tests.storage.test_store import PG_URL

SECRET = "replica-Secret_1"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


async def wait_healthy(port: int, proc, timeout: float = 240) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession() as http:
        while loop.time() < deadline:
            if proc.returncode is not None:
                raise AssertionError((await proc.stderr.read()).decode()[-3000:])
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise AssertionError(f"replica on port {port} never became healthy")


async def metrics(port: int) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as response:
        return await response.text()


async def start_replica(bot_settings: Settings, fake_api, tmp_path: Path, pg_url: str, n: int,
                        own_folders: bool = False):
    """A `hoidoan run --webhook` process; ``own_folders``: its own empty knowledge and index
    folders, as on another machine (everything comes through the database)."""
    import sys

    port = free_port()
    folders = {"knowledge_dir": str(tmp_path / f"knowledge-{n}"), "index_dir": str(tmp_path / f"index-{n}")} \
        if own_folders else {}
    env = bot_process_env(bot_settings, fake_api, tmp_path / f"data-{n}", database_url=pg_url,
                          webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_secret=SECRET,
                          webhook_listen="127.0.0.1", webhook_port=str(port), outbox_lease_seconds="3",
                          index_poll_seconds="1", **folders)
    (tmp_path / f"cwd-{n}").mkdir()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", "--webhook",
                                                cwd=tmp_path / f"cwd-{n}", env=env,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    return proc, port


async def stop_replicas(replicas: list) -> None:
    """SIGTERM to those still running, then wait for each (killed after 60 s)."""
    for proc, _ in replicas:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in replicas:
        try:
            await asyncio.wait_for(proc.communicate(), 60)
        except TimeoutError:
            proc.kill()


async def test_three_replicas_share_questions_broadcast_and_index(bot_settings: Settings, fake_api, tmp_path: Path,
                                                                  pg_url: str) -> None:
    store = Store(pg_url)
    store.migrate()
    groups = []
    for i in range(300):
        group = fake_api.group(-1000000000 - i, f"Chi đoàn {i}")
        store.set_membership(group["id"], "supergroup", group["title"], "member", approval="approved")
        groups.append(group["id"])
    replicas = [await start_replica(bot_settings, fake_api, tmp_path, pg_url, n) for n in range(3)]
    try:
        await asyncio.gather(*(wait_healthy(port, proc) for proc, port in replicas))
        fake_api.webhook_targets = [f"http://127.0.0.1:{port}/tg/hook" for _, port in replicas]

        # 500 questions from 100 members, spread over the replicas: each answered exactly once.
        users = [fake_api.user(20000 + i, f"Bạn {i}") for i in range(100)]
        chats = {u["id"]: fake_api.private_chat(u) for u in users}
        n = len(fake_api.sent)
        questions = ["ket nap doan may tuoi", "Ban Chấp hành chi đoàn gồm mấy đồng chí?",
                     "đoàn phí công đoàn bao nhiêu", "hien mau co bao nhieu nguoi", "Điều 2 nhiệm vụ đoàn viên"]
        for q in questions:
            for u in users:
                await fake_api.send_text(chats[u["id"]], u, q)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 240
        while sum(1 for e in fake_api.sent[n:] if e["method"] == "sendMessage" and e["chat_id"] > 0) < 500:
            assert loop.time() < deadline, "not every question was answered"
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        answers = Counter(e["chat_id"] for e in fake_api.sent[n:] if e["method"] == "sendMessage")
        assert answers == Counter({u["id"]: 5 for u in users})
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(QuestionRow)) == 500
        served = [sum(int(float(v)) for v in re.findall(r'hoidoan_questions_total\{result="\w+"\} ([\d.]+)',
                                                        await metrics(port)))
                  for _, port in replicas]
        assert sum(served) == 500 and all(count > 0 for count in served)  # every replica took a share

        # A broadcast to 300 groups with the sending replica killed mid-way.
        admin = fake_api.user(ADMIN_ID)
        achat = fake_api.private_chat(admin)
        n = len(fake_api.sent)
        await fake_api.send_text(achat, admin, "/announce Các chi đoàn nộp báo cáo tổng kết trước ngày 20/12.")
        confirm = await fake_api.wait_sent(lambda e: "Gửi" in fake_api.buttons(e), n, timeout=60)
        await fake_api.press(fake_api.message_of(confirm), admin, fake_api.buttons(confirm)["Gửi"])
        while sum(1 for e in fake_api.sent[n:] if e["chat_id"] < 0) < 80:
            await asyncio.sleep(0.02)
        # Kill the replica that holds the sender lock: the one whose metrics count sends.
        counts = []
        for _, port in replicas:
            match = re.search(r'hoidoan_announcement_sends_total\{result="sent"\} (\d+)', await metrics(port))
            counts.append(int(match.group(1)) if match else 0)
        victim = max(range(3), key=lambda i: counts[i])
        assert counts[victim] > 0 and sorted(counts)[:2] == [0, 0]  # one sender at a time
        replicas[victim][0].kill()
        await replicas[victim][0].wait()
        with store.session() as s:
            in_flight = s.scalar(select(func.count()).select_from(DeliveryRow).where(DeliveryRow.state == "sending"))
        fake_api.webhook_targets = [f"http://127.0.0.1:{port}/tg/hook" for i, (_, port) in enumerate(replicas)
                                    if i != victim]
        report = await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n, timeout=120)
        per_group = Counter(e["chat_id"] for e in fake_api.sent[n:] if e["method"] == "sendMessage"
                            and e["chat_id"] < 0)
        assert set(per_group) == set(groups)  # nobody missed
        assert sum(1 for c in per_group.values() if c > 1) <= in_flight  # only the in-flight ones may repeat
        assert "Đã gửi: 300 · Thất bại: 0" in report["text"]
        assert fake_api.max_group_sends_per_second(after=n) <= 30

        # A reindex on one replica is served by all, without a restart.
        (bot_settings.knowledge_dir / "moi.txt").write_text(
            "Kế hoạch Ngày hội Thanh niên sáng tạo 2027\nNgày 05/01/2027\n"
            "Ngày hội Thanh niên sáng tạo 2027 diễn ra tại Nhà văn hóa Thanh niên, hạn đăng ký ngày 20/02/2027.\n",
            encoding="utf-8")
        m = len(fake_api.sent)
        await fake_api.send_text(achat, admin, "/reindex")
        await fake_api.wait_sent(lambda e: "Lập chỉ mục xong" in e["text"], m, timeout=120)
        latest = store.latest_index_version()
        alive = [port for i, (_, port) in enumerate(replicas) if i != victim]
        deadline = loop.time() + 30
        while not all(f'version="{latest}"' in page for page in [await metrics(port) for port in alive]):
            assert loop.time() < deadline, "a replica still serves the old index"
            await asyncio.sleep(0.5)
        for u in users[:4]:
            k = len(fake_api.sent)
            await fake_api.send_text(chats[u["id"]], u, "han dang ky ngay hoi thanh nien sang tao")
            assert "20/02/2027" in (await fake_api.reply_to(chats[u["id"]], k, timeout=60))["text"]
    finally:
        await stop_replicas(replicas)
        store.close()
    assert [proc.returncode for i, (proc, _) in enumerate(replicas) if i != victim] == [0, 0]


async def test_replicas_with_their_own_folders_share_documents_through_the_database(
        bot_settings: Settings, fake_api, tmp_path: Path, pg_url: str) -> None:
    """As on several machines: no folder in common, only PostgreSQL. A document uploaded
    through one replica is answered by the other within seconds, and a replica started later
    on an empty folder serves the current version."""
    import shutil

    shutil.copytree(bot_settings.knowledge_dir, tmp_path / "knowledge-0")  # the first machine's files
    replicas = [await start_replica(bot_settings, fake_api, tmp_path, pg_url, 0, own_folders=True)]
    admin, member = fake_api.user(ADMIN_ID), fake_api.user(20001, "Bạn A")
    achat, mchat = fake_api.private_chat(admin), fake_api.private_chat(member)
    loop = asyncio.get_running_loop()

    async def ask(port: int, question: str) -> str:
        fake_api.webhook_targets = [f"http://127.0.0.1:{port}/tg/hook"]
        n = len(fake_api.sent)
        await fake_api.send_text(mchat, member, question)
        return (await fake_api.reply_to(mchat, n, timeout=60))["text"]

    try:
        await wait_healthy(replicas[0][1], replicas[0][0])
        replicas.append(await start_replica(bot_settings, fake_api, tmp_path, pg_url, 1, own_folders=True))
        await wait_healthy(replicas[1][1], replicas[1][0])
        assert "16 tuổi đến 30 tuổi" in await ask(replicas[1][1], "ket nap doan may tuoi")

        fake_api.webhook_targets = [f"http://127.0.0.1:{replicas[0][1]}/tg/hook"]
        n = len(fake_api.sent)
        await fake_api.send_document(achat, admin, "ngay-hoi-sang-tao.txt", (
            "Kế hoạch Ngày hội Thanh niên sáng tạo 2027\nNgày 05/01/2027\n"
            "Ngày hội Thanh niên sáng tạo 2027 diễn ra tại Nhà văn hóa Thanh niên, hạn đăng ký ngày 20/02/2027.\n"
        ).encode())
        done = await fake_api.wait_sent(lambda e: e["chat_id"] == achat["id"] and "Đã thêm" in e["text"], n,
                                        timeout=120)
        assert "ngày hội Thanh niên sáng tạo" in done["text"]
        published = loop.time()
        latest = Store(pg_url)
        try:
            version = latest.latest_index_version()
        finally:
            latest.close()
        while f'version="{version}"' not in await metrics(replicas[1][1]):
            assert loop.time() - published < 15, "the other replica did not pick up the new version"
            await asyncio.sleep(0.2)
        assert "20/02/2027" in await ask(replicas[1][1], "han dang ky ngay hoi thanh nien sang tao")
        assert (tmp_path / "knowledge-1" / "ngay-hoi-sang-tao.txt").is_file()  # the file too, for /docs

        # A third machine, started now on empty folders, serves the current version.
        replicas.append(await start_replica(bot_settings, fake_api, tmp_path, pg_url, 2, own_folders=True))
        await wait_healthy(replicas[2][1], replicas[2][0])
        assert f'version="{version}"' in await metrics(replicas[2][1])
        assert "20/02/2027" in await ask(replicas[2][1], "han dang ky ngay hoi thanh nien sang tao")
        assert sorted(p.name for p in (tmp_path / "knowledge-2").iterdir()) == \
            sorted(p.name for p in (tmp_path / "knowledge-0").iterdir())
    finally:
        await stop_replicas(replicas)
    assert [proc.returncode for proc, _ in replicas] == [0, 0, 0]


async def test_a_second_poller_is_refused(bot_settings: Settings, fake_api, tmp_path: Path) -> None:
    env = bot_process_env(bot_settings, fake_api, tmp_path / "data")
    first = await start_bot_process(env, tmp_path / "cwd", fake_api)
    try:
        import sys

        second = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path / "cwd",
                                                      env=env, stdout=asyncio.subprocess.DEVNULL,
                                                      stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 3
        assert "Only one process may poll a bot token" in stderr.decode()
        assert first.returncode is None  # the first keeps running
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 60)
    assert first.returncode == 0
