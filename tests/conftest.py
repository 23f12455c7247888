"""Shared fixtures: the provisioned embedding model (loaded once) and a small corpus.

The tests run offline against the model that `hoidoan model install` builds (the
setup script runs it). A missing model is a setup error, reported as a failure.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.search.embed import Embedder
from bot.search.model import default_model_path, is_installed
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# A small union knowledge base written for the tests (the project's own text).
CORPUS = {
    "dieu-le-doan.md": """---
title: Điều lệ Đoàn (trích, bản thử nghiệm)
date: 2022-12-15
kind: charter
---
Chương I. Đoàn viên

Điều 1. Tuổi kết nạp
Thanh niên Việt Nam từ đủ 16 tuổi đến 30 tuổi, tích cực học tập, lao động và bảo vệ Tổ quốc, được xét kết nạp vào Đoàn.

Điều 2. Nhiệm vụ của đoàn viên
Đoàn viên có nhiệm vụ tham gia sinh hoạt chi đoàn đều đặn mỗi tháng một lần và đóng đoàn phí theo quy định.

Điều 12. Ban Chấp hành chi đoàn
Ban Chấp hành chi đoàn do đại hội chi đoàn bầu ra, gồm từ 3 đến 5 đồng chí. Bí thư chi đoàn chủ trì các cuộc họp.
""",
    "cong-doan-phi.txt": """Hướng dẫn đóng đoàn phí công đoàn
Ngày 01/07/2025
Đoàn viên công đoàn đóng đoàn phí hằng tháng bằng 0,5% tiền lương làm căn cứ đóng bảo hiểm xã hội.
Công đoàn cơ sở thu đoàn phí và nộp về công đoàn cấp trên theo quy định của Tổng Liên đoàn.
""",
    "tin-hien-mau.html": """<html><head><title>Tuổi trẻ hiến máu tình nguyện</title></head><body>
<nav>Skip to main content</nav>
<h1>Tuổi trẻ hiến máu tình nguyện</h1>
<p>Sáng ngày 10/01/2024, Đoàn Thanh niên tổ chức ngày hội hiến máu tình nguyện tại nhà văn hóa.</p>
<p>IMG_1234.jpg</p>
<p>Có 120 đoàn viên thanh niên tham gia hiến máu, thu được 110 đơn vị máu.</p>
</body></html>
""",
}


@pytest.fixture(autouse=True)
def _restore_logging():
    """CLI tests call setup_logging(), which replaces the root handlers; put them back."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def model_path() -> Path:
    settings = Settings()
    cache = settings.model_cache_dir if settings.model_cache_dir.is_absolute() else ROOT / settings.model_cache_dir
    if not is_installed(cache):
        pytest.fail(f"embedding model missing in {cache}: run `bash scripts/setup.sh` first")
    return default_model_path(cache)


@pytest.fixture(scope="session")
def embedder(model_path: Path) -> Embedder:
    return Embedder(str(model_path))


@pytest.fixture()
def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def settings(tmp_path: Path, knowledge: Path, model_path: Path) -> Settings:
    return Settings(
        knowledge_dir=knowledge,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        embedding_model=str(model_path),
        data_dir=tmp_path / "data",
        _env_file=None,  # type: ignore[call-arg]
    )


# --- Telegram end-to-end: the fake Bot API server and the real bot against it ----------------
ADMIN_ID = 5001
MEMBER_ID = 6001


@pytest.fixture()
async def fake_api():
    from tests.fakebot import FakeBotApi

    api = await FakeBotApi().start()
    yield api
    await api.stop()


@pytest.fixture()
def bot_settings(settings: Settings, fake_api, tmp_path: Path) -> Settings:
    return settings.model_copy(update={
        "telegram_token": fake_api.token,
        "telegram_api_url": fake_api.base_url,
        "telegram_file_url": fake_api.file_url,
        "admin_ids": [ADMIN_ID],
        "database_url": f"sqlite:///{tmp_path / 'data' / 'bot.db'}",
        "contact_text": "Văn phòng Đoàn trường (phòng A1)",
    })


@pytest.fixture()
async def bot(bot_settings: Settings, embedder: Embedder, fake_api):
    """The real Application, long-polling the fake server; yields its Services."""
    import asyncio

    from telegram import Update

    from bot.engine import Engine
    from bot.storage.store import Store
    from bot.telegram.app import build_application
    from bot.telegram.services import Services

    store = Store(bot_settings.effective_database_url)
    store.migrate()
    engine = Engine(bot_settings, embedder=embedder)
    await asyncio.to_thread(engine.reindex)
    svc = Services(bot_settings, engine, store)
    app = build_application(svc)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    svc.app = app  # type: ignore[attr-defined]
    yield svc
    await app.updater.stop()
    await app.stop()
    await app.post_stop(app)
    await app.shutdown()
    store.close()


def bot_process_env(bot_settings: Settings, fake_api, data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for `python -m bot run` against the fake server (no ambient HOIDOAN_*)."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDOAN_")}
    env.update({
        "HOIDOAN_TELEGRAM_TOKEN": fake_api.token,
        "HOIDOAN_TELEGRAM_API_URL": fake_api.base_url,
        "HOIDOAN_TELEGRAM_FILE_URL": fake_api.file_url,
        "HOIDOAN_KNOWLEDGE_DIR": str(bot_settings.knowledge_dir),
        "HOIDOAN_INDEX_DIR": str(bot_settings.index_dir),
        "HOIDOAN_CACHE_DIR": str(bot_settings.cache_dir),
        "HOIDOAN_EMBEDDING_MODEL": bot_settings.embedding_model,
        "HOIDOAN_DATA_DIR": str(data_dir),
        "HOIDOAN_ADMIN_IDS": str(ADMIN_ID),
        "PYTHONPATH": str(ROOT),
        **{f"HOIDOAN_{k.upper()}": v for k, v in extra.items()},
    })
    return env


async def start_bot_process(env: dict[str, str], workdir: Path, fake_api, *args: str):
    """Start `python -m bot run` and wait until it polls the fake server."""
    import asyncio
    import sys

    workdir.mkdir(parents=True, exist_ok=True)
    calls_before = len(fake_api.calls)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", *args, cwd=workdir, env=env,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    for _ in range(1800):  # it indexes and loads the model first
        if any(m in ("getUpdates", "setWebhook") for m, _ in fake_api.calls[calls_before:]):
            return proc
        if proc.returncode is not None:
            raise AssertionError((await proc.stderr.read()).decode())
        await asyncio.sleep(0.1)
    proc.kill()
    raise AssertionError("the bot process did not start polling in 180 s")


def free_port() -> int:
    """A TCP port nobody listens on now (for a webhook server under test)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- test tiers: `scripts/test.sh --fast` runs what needs no subprocess, network or container --------
# A test is "integration" when it starts the bot, a reading sandbox worker or a converter (the
# engine reads every file in a child process), talks to the fake Bot API server or PostgreSQL,
# or builds a container. The rest runs in a couple of seconds per module.
INTEGRATION_FIXTURES = {"settings", "embedder", "model_path", "fake_api", "bot", "bot_settings", "knowledge", "image"}
INTEGRATION_MODULES = {"test_container", "test_replicas", "test_telegram_run", "test_announcements_restart",
                       "test_web", "test_hostile", "test_readers", "test_ingest", "test_cli", "test_embed",
                       "test_model", "test_telegram_admin", "test_telegram_members", "test_announcements",
                       "test_logs"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (module in INTEGRATION_MODULES or INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ()))
                or "postgresql" in params.values()):
            item.add_marker(pytest.mark.integration)


# --- containers (tests/test_container.py, tests/test_compose.py; opt-in, set by .ci/run) ---------
IMAGE_TAG = "localhost/hoidoan:test"
PODMAN_ENV = {"CONTAINERS_CONF": str(ROOT / "deploy/podman/containers.conf"),
              "CONTAINERS_STORAGE_CONF": str(ROOT / "deploy/podman/storage.conf")}


def podman(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(["podman", *args], capture_output=True, text=True, errors="replace", timeout=timeout,
                          env={**os.environ, **PODMAN_ENV}, check=False)


@pytest.fixture(scope="session")
def image() -> str:
    """The Dockerfile built with podman (scripts/container-build.sh), once per test run."""
    import os

    build = subprocess.run(["bash", str(ROOT / "scripts/container-build.sh"), IMAGE_TAG], capture_output=True,
                           text=True, timeout=2400, env={**os.environ, **PODMAN_ENV}, check=False)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return IMAGE_TAG
