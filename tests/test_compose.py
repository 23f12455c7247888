"""compose.yaml brought up for real with Debian's podman-compose: two bot replicas, PostgreSQL
and Caddy (stand-in images built from Debian packages, scripts/podman-setup.sh --stack).

Telegram updates go through Caddy's HTTPS to the webhook and answers come back through the
fake Bot API, which the containers reach on the host. One replica stopped, the other still
answers; a document uploaded through one replica is answered by the other, which shares
nothing with it but PostgreSQL. The Kubernetes manifests are checked, and played with
`podman play kube`. The container tests are opt-in like tests/test_container.py (`.ci/run`
sets it).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ADMIN_ID, PODMAN_ENV, ROOT, free_port, podman
from tests.fakebot import FakeBotApi

needs_containers = pytest.mark.skipif(os.environ.get("HOIDOAN_TEST_CONTAINER") != "1",
                                      reason="opt-in: HOIDOAN_TEST_CONTAINER=1 (set by .ci/run) builds the images")

NEW_DOC = ("Kế hoạch Hội trại Tòng quân 2027\nNgày 06/01/2027\n"
           "Hội trại Tòng quân năm 2027 tổ chức tại sân vận động huyện vào ngày 14/02/2027.\n")


def compose(project: str, env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman-compose", "-p", project, "-f", str(ROOT / "compose.yaml"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env, check=False)


def healthy(container: str) -> bool:
    probe = podman("exec", container, "python", "-c", "import urllib.request as u; "
                   "print(u.urlopen('http://127.0.0.1:8080/healthz', timeout=3).status)", timeout=30)
    return probe.stdout.strip() == "200"


def remove_with_volumes(ids: str) -> None:
    """Containers and their anonymous volumes (the image's VOLUME folders), which neither
    `podman-compose down` nor `podman play kube --down` removes."""
    if ids.split():
        podman("rm", "-f", "-v", *ids.split(), timeout=300)


async def wait_for(check, what: str, timeout: float = 300) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(check):
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(2)


@pytest.fixture()
async def public_api():
    """The fake Bot API listening on every interface, named as containers reach the host."""
    api = await FakeBotApi().start(host="0.0.0.0", public_host="host.containers.internal")
    api.verify_tls = False  # Caddy's own local authority signs the certificate for "localhost"
    yield api
    await api.stop()


@needs_containers
async def test_the_compose_stack_answers_through_the_proxy_and_survives_a_replica(
        image: str, public_api: FakeBotApi, tmp_path: Path) -> None:
    setup = subprocess.run(["bash", str(ROOT / "scripts/podman-setup.sh"), "--stack"], capture_output=True,
                           text=True, timeout=1200, env={**os.environ, **PODMAN_ENV}, check=False)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    api = public_api
    project = f"hoidoan-test-{secrets.token_hex(3)}"
    https_port = free_port()
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join([
        f"HOIDOAN_TELEGRAM_TOKEN={api.token}", f"HOIDOAN_TELEGRAM_API_URL={api.base_url}",
        f"HOIDOAN_TELEGRAM_FILE_URL={api.file_url}", f"HOIDOAN_ADMIN_IDS={ADMIN_ID}",
        "HOIDOAN_WEBHOOK_SECRET=compose-Secret_1", "HOIDOAN_INDEX_POLL_SECONDS=1", ""]), encoding="utf-8")
    env = {**os.environ, **PODMAN_ENV, "HOIDOAN_IMAGE": image, "HOIDOAN_ENV_FILE": str(env_file),
           "POSTGRES_PASSWORD": secrets.token_hex(8), "HOIDOAN_DOMAIN": "localhost",
           "HOIDOAN_HTTP_PORT": str(free_port()), "HOIDOAN_HTTPS_PORT": str(https_port)}
    env.pop("HOIDOAN_TEST_CONTAINER", None)
    bot1, bot2 = f"{project}_bot1_1", f"{project}_bot2_1"
    up = compose(project, env, "up", "-d")
    try:
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        await wait_for(lambda: healthy(bot1) and healthy(bot2), "both replicas to be healthy")
        assert api.webhook is not None and api.webhook["url"] == "https://localhost/telegram"
        api.webhook_targets = [f"https://localhost:{https_port}/telegram"]  # through Caddy
        member, admin = api.user(20001, "Bạn A"), api.user(ADMIN_ID)
        mchat, achat = api.private_chat(member), api.private_chat(admin)

        async def ask(question: str) -> str:
            n = len(api.sent)
            await api.send_text(mchat, member, question)
            return (await api.reply_to(mchat, n, timeout=120))["text"]

        assert "03 đồng chí" in await ask("dai hoi chi doan bau ban chap hanh may dong chi")

        assert podman("stop", "-t", "20", bot2).returncode == 0
        for _ in range(3):  # whichever replica Caddy would have picked, the live one answers
            assert "03 đồng chí" in await ask("Đại hội chi đoàn bầu Ban Chấp hành mấy đồng chí?")

        n = len(api.sent)
        await api.send_document(achat, admin, "hoi-trai-tong-quan.txt", NEW_DOC.encode())
        done = await api.wait_sent(lambda e: e["chat_id"] == achat["id"] and "Đã thêm" in e["text"], n, timeout=180)
        assert "Hội trại Tòng quân" in done["text"] or "hội trại Tòng quân" in done["text"]

        # The other replica, started again and then alone, answers from the upload it never saw.
        assert podman("start", bot2).returncode == 0
        await wait_for(lambda: healthy(bot2), "the second replica to be healthy again")
        assert podman("stop", "-t", "20", bot1).returncode == 0
        assert "14/02/2027" in await ask("hoi trai tong quan 2027 to chuc ngay nao")
    finally:
        print(podman("logs", "--tail", "30", bot2).stderr[-3000:])
        remove_with_volumes(podman("ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={project}").stdout)
        compose(project, env, "down", "-v", timeout=300)
        podman("network", "rm", "-f", f"{project}_default")


def _manifests() -> list[dict]:
    import yaml

    return [doc for name in ("hoidoan.yaml", "postgres.yaml")
            for doc in yaml.safe_load_all((ROOT / "deploy/k8s" / name).read_text(encoding="utf-8")) if doc]


def test_kubernetes_manifests_describe_replicas_a_service_and_the_database() -> None:
    kinds = {(doc["kind"], doc["metadata"]["name"]): doc for doc in _manifests()}
    bot = kinds[("Deployment", "hoidoan")]["spec"]
    assert bot["replicas"] >= 2
    container = bot["template"]["spec"]["containers"][0]
    assert container["args"] == ["run", "--webhook"]
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
    assert {"configMapRef", "secretRef"} <= {key for ref in container["envFrom"] for key in ref}
    assert not bot["template"]["spec"].get("volumes")  # nothing shared but the database
    assert kinds[("Service", "hoidoan")]["spec"]["ports"][0]["targetPort"] == 8080
    database = kinds[("StatefulSet", "postgres")]["spec"]
    assert database["volumeClaimTemplates"] and kinds[("Service", "postgres")]


@needs_containers
async def test_the_kubernetes_deployment_runs_with_podman_play_kube(image: str, public_api: FakeBotApi,
                                                                    tmp_path: Path) -> None:
    """`podman play kube` runs the Deployment's replicas (podman plays Pods and Deployments;
    the database here is the postgres stand-in on the same network, as an external one)."""
    import yaml

    setup = subprocess.run(["bash", str(ROOT / "scripts/podman-setup.sh"), "--stack"], capture_output=True,
                           text=True, timeout=1200, env={**os.environ, **PODMAN_ENV}, check=False)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    api = public_api
    suffix = secrets.token_hex(3)
    network, database, password = f"hoidoan-kube-{suffix}", f"hoidoan-kube-pg-{suffix}", secrets.token_hex(8)
    docs = [doc for doc in yaml.safe_load_all((ROOT / "deploy/k8s/hoidoan.yaml").read_text(encoding="utf-8")) if doc]
    for doc in docs:  # what an operator fills in: the image, the settings and the secrets
        if doc["kind"] == "ConfigMap":
            doc["data"].update({
                "HOIDOAN_TELEGRAM_TOKEN": api.token, "HOIDOAN_TELEGRAM_API_URL": api.base_url,
                "HOIDOAN_TELEGRAM_FILE_URL": api.file_url, "HOIDOAN_WEBHOOK_SECRET": "kube-Secret_1",
                "HOIDOAN_WEBHOOK_URL": "https://bot.example.org/telegram", "HOIDOAN_ADMIN_IDS": str(ADMIN_ID),
                "HOIDOAN_DATABASE_URL": f"postgresql+psycopg2://hoidoan:{password}@postgres:5432/hoidoan"})
        if doc["kind"] == "Deployment":
            container = doc["spec"]["template"]["spec"]["containers"][0]
            container["image"] = image
            # podman 4.3 publishes a containerPort on the host (both pods would want 8080);
            # here the pods are reached on their own addresses, as a Service would.
            container.pop("ports", None)
    played = tmp_path / "hoidoan.yaml"
    played.write_text(yaml.safe_dump_all(docs, allow_unicode=True), encoding="utf-8")
    assert podman("network", "create", network).returncode == 0
    try:
        run = podman("run", "-d", "--name", database, "--network", network, "--network-alias", "postgres",
                     "-e", "POSTGRES_USER=hoidoan", "-e", "POSTGRES_DB=hoidoan", "-e", f"POSTGRES_PASSWORD={password}",
                     "postgres:15")
        assert run.returncode == 0, run.stderr
        play = podman("play", "kube", "--network", network, str(played), timeout=300)
        assert play.returncode == 0, play.stdout[-2000:] + play.stderr[-2000:]
        pods = ["hoidoan-pod-0-bot", "hoidoan-pod-1-bot"]
        await wait_for(lambda: all(healthy(pod) for pod in pods), "both pods to be healthy")
        addresses = []
        for pod in pods:
            inspect = podman("inspect", "--format", "{{json .NetworkSettings.Networks}}", pod.removesuffix("-bot"))
            if inspect.returncode != 0 or network not in inspect.stdout:  # the pod's infra container holds it
                infra = podman("pod", "inspect", "--format", "{{.InfraContainerID}}", pod.removesuffix("-bot"))
                inspect = podman("inspect", "--format", "{{json .NetworkSettings.Networks}}", infra.stdout.strip())
            addresses.append(json.loads(inspect.stdout)[network]["IPAddress"])
        api.webhook_targets = [f"http://{address}:8080/telegram" for address in addresses]
        member = api.user(20002, "Bạn B")
        chat = api.private_chat(member)
        for _ in range(4):  # round-robin: each pod answers twice
            n = len(api.sent)
            await api.send_text(chat, member, "dai hoi chi doan bau ban chap hanh may dong chi")
            assert "03 đồng chí" in (await api.reply_to(chat, n, timeout=120))["text"]
    finally:
        remove_with_volumes(podman("ps", "-a", "-q", "--filter", "name=^hoidoan-pod-").stdout)
        podman("play", "kube", "--down", str(played), timeout=300)
        podman("rm", "-f", "-v", database)
        podman("network", "rm", "-f", network)
