"""The webhook server's own endpoints, without Telegram: /healthz says 503 when the index is
not served or the database is unreachable, and /metrics speaks Prometheus."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.engine import Engine
from bot.settings import Settings
from bot.storage.store import Store
from bot.telegram.services import Services
from bot.telegram.web import make_web_app


async def test_health_is_503_without_index_or_database(settings: Settings) -> None:
    store = Store("postgresql+psycopg2://nobody@127.0.0.1:1/none")  # nothing listens on port 1
    svc = Services(settings, Engine(settings), store)
    async with TestClient(TestServer(make_web_app(None, svc, "/hook"))) as client:  # type: ignore[arg-type]
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"index": False, "database": False, "status": "fail"}
        response = await client.post("/hook", json={"update_id": 1})
        assert response.status == 403  # no secret configured: every webhook request is refused
    store.close()


async def test_metrics_in_prometheus_format(settings: Settings, embedder) -> None:
    store = Store("sqlite:///:memory:")
    store.migrate()
    engine = Engine(settings, embedder=embedder)
    engine.reindex()
    svc = Services(settings, engine, store)
    svc.telemetry.question("answered", 0.03)
    svc.telemetry.feedback("down")
    async with TestClient(TestServer(make_web_app(None, svc, "/hook"))) as client:  # type: ignore[arg-type]
        health = await client.get("/healthz")
        assert health.status == 200
        response = await client.get("/metrics")
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    assert 'hoidoan_questions_total{result="answered"} 1.0' in body
    assert 'hoidoan_feedback_total{value="down"} 1.0' in body
    assert f'hoidoan_index_version_info{{version="{engine.served_index().version}"}} 1.0' in body
    assert "hoidoan_index_documents 3.0" in body
    assert "hoidoan_answer_seconds_bucket" in body
    store.close()
