"""The storage suite, run against SQLite and PostgreSQL (127.0.0.1:5432, database `test`).

Each PostgreSQL test works in a schema of its own, so runs never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.storage.store import Store, utcnow

PG_URL = os.environ.get("HOIDOAN_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'hoidoan.db'}")
        s.migrate()
        yield s
        s.close()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    s = Store(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        s.migrate()
        yield s
    finally:
        s.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_migrations_create_every_table_and_rerun_safely(store: Store) -> None:
    store.migrate()  # second run: nothing to do, no error
    tables = set(inspect(store.engine).get_table_names())
    assert {"chats", "questions", "feedback", "faq", "alembic_version"} <= tables
    assert store.ping()


def test_question_log_feedback_and_stats(store: Store) -> None:
    results = [{"doc_id": "dieu-le", "title": "Điều lệ Đoàn", "score": 0.9, "path": "dieu-le.md"}]
    q1 = store.log_question(chat_id=1, user_id=10, question="kết nạp mấy tuổi", abstained=False,
                            confidence=0.9, latency_ms=30, results=results)
    q2 = store.log_question(chat_id=-100, chat_type="supergroup", user_id=11, question="giá vàng", abstained=True)
    q3 = store.log_question(chat_id=1, user_id=10, question="đoàn phí", abstained=False, results=results)
    assert store.get_question(q1).results == results
    assert store.set_feedback(q1, 10, "up")
    assert store.set_feedback(q3, 10, "down", "outdated")
    assert store.set_feedback(q3, 12, "down")
    assert store.set_feedback(q3, 12, "down", "wrong")  # one vote per user, changed
    assert not store.set_feedback(99999, 10, "up")
    with pytest.raises(ValueError):
        store.set_feedback(q1, 10, "meh")

    figures = store.stats(days=30)
    assert (figures.questions, figures.answered, figures.abstained) == (3, 2, 1)
    assert (figures.thumbs_up, figures.thumbs_down) == (1, 2)
    assert figures.top_documents == [("Điều lệ Đoàn", 2)]
    assert figures.per_day == [(utcnow().date().isoformat(), 3)]

    items = store.unanswered()
    assert [(i.question_id, i.why.split(":")[0]) for i in items] == [(q3, "down"), (q2, "abstained")]


def test_faq_crud(store: Store) -> None:
    first = store.faq_add("  Kết nạp Đoàn mấy tuổi? ", "Từ đủ 16 tuổi.", created_by=5)
    second = store.faq_add("Đoàn phí bao nhiêu?", "Theo quy định.")
    assert [f.question for f in store.faq_list()] == ["Kết nạp Đoàn mấy tuổi?", "Đoàn phí bao nhiêu?"]
    assert store.faq_remove(first) and not store.faq_remove(first)
    assert [f.faq_id for f in store.faq_list()] == [second]


def test_chats_are_remembered_and_updated(store: Store) -> None:
    store.seen_chat(-1001, "group", "Chi đoàn 12A1")
    store.seen_chat(-1001, "supergroup", None)
    store.seen_chat(42, "private", "An", "an_doan")
    chats = {c.id: c for c in store.chats()}
    assert chats[-1001].type == "supergroup" and chats[-1001].title == "Chi đoàn 12A1"
    assert chats[42].username == "an_doan"
    assert chats[-1001].last_seen >= chats[-1001].first_seen - dt.timedelta(seconds=1)
