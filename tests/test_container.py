"""The Dockerfile, built and run for real with podman (scripts/container-build.sh).

Opt-in for a quick local run (it builds an image: minutes); `.ci/run` sets
HOIDOAN_TEST_CONTAINER=1, so CI always runs it.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import free_port, podman

pytestmark = pytest.mark.skipif(os.environ.get("HOIDOAN_TEST_CONTAINER") != "1",
                                reason="opt-in: HOIDOAN_TEST_CONTAINER=1 (set by .ci/run) builds the image")


def test_image_is_slim_non_root_and_without_torch(image: str) -> None:
    inspect = json.loads(podman("image", "inspect", image).stdout)[0]
    config = inspect["Config"]
    assert config["User"] == "hoidoan"
    assert {"/app/knowledge", "/app/index", "/app/data"} <= set(config.get("Volumes") or {})
    health = inspect.get("Healthcheck") or config.get("Healthcheck") or {}
    assert "/healthz" in " ".join(health.get("Test", []))
    # torch and friends build the model in the build stage; the bot serves it on ONNX Runtime.
    absent = podman("run", "--rm", "--network", "none", "--entrypoint", "python", image, "-c",
                    "import importlib.util as u; print([m for m in ('torch', 'transformers', 'scipy', 'sklearn') "
                    "if u.find_spec(m)])")
    assert absent.stdout.strip() == "[]", absent.stderr
    # Each layer's size, printed for the README's table (pytest -s shows it).
    history = podman("history", "--format", "{{.Size}}\t{{.CreatedBy}}", image).stdout
    print("\n".join(line[:160] for line in history.splitlines()))
    assert inspect["Size"] < 1.0e9, f"image is {inspect['Size'] / 1e9:.2f} GB"


def test_document_tools_are_in_the_image(image: str) -> None:
    """Scans need Tesseract with Vietnamese data, old Word files antiword (bot/documents/readers.py)."""
    result = podman("run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c",
                    "tesseract --list-langs 2>/dev/null | grep -x vie && command -v antiword")
    assert result.returncode == 0, result.stderr
    assert "vie" in result.stdout and "antiword" in result.stdout


def test_ask_answers_offline_inside_the_container(image: str) -> None:
    result = podman("run", "--rm", "--network", "none", image, "ask", "--json",
                    "dai hoi chi doan bau ban chap hanh may dong chi")
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["abstained"] is False
    assert "03 đồng chí" in answer["results"][0]["passage"] or "3 đồng chí" in answer["results"][0]["passage"]


async def test_webhook_mode_health_endpoint_in_the_container(image: str, fake_api, tmp_path: Path) -> None:
    port = free_port()
    name = f"hoidoan-test-{port}"
    run = podman("run", "-d", "--name", name, "--network", "host",
                 "-e", f"HOIDOAN_TELEGRAM_TOKEN={fake_api.token}",
                 "-e", f"HOIDOAN_TELEGRAM_API_URL={fake_api.base_url}",
                 "-e", f"HOIDOAN_TELEGRAM_FILE_URL={fake_api.file_url}",
                 "-e", f"HOIDOAN_WEBHOOK_URL=http://127.0.0.1:{port}/telegram",
                 "-e", "HOIDOAN_WEBHOOK_SECRET=container-Secret_1",
                 "-e", "HOIDOAN_WEBHOOK_LISTEN=127.0.0.1", "-e", f"HOIDOAN_WEBHOOK_PORT={port}",
                 image)
    assert run.returncode == 0, run.stderr
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 240
        status = None
        async with aiohttp.ClientSession() as http:
            while loop.time() < deadline:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        status = response.status
                        if status == 200:
                            assert (await response.json())["status"] == "ok"
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(1)
            assert status == 200, podman("logs", name).stderr[-3000:]
            async with http.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 1}) as response:
                assert response.status == 403  # no secret token
        assert fake_api.webhook["url"] == f"http://127.0.0.1:{port}/telegram"
        stop = await asyncio.to_thread(podman, "stop", "-t", "30", name)
        assert stop.returncode == 0
        state = json.loads(podman("inspect", name).stdout)[0]["State"]
        assert state["ExitCode"] == 0, podman("logs", name).stderr[-3000:]
    finally:
        podman("rm", "-f", "-v", name)  # and its anonymous volumes (the image's VOLUME folders)
