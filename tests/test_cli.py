import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from bot.storage.store import Store


@pytest.fixture()
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key, value in {
        "HOIDOAN_KNOWLEDGE_DIR": settings.knowledge_dir, "HOIDOAN_INDEX_DIR": settings.index_dir,
        "HOIDOAN_CACHE_DIR": settings.cache_dir, "HOIDOAN_EMBEDDING_MODEL": settings.embedding_model,
    }.items():
        monkeypatch.setenv(key, str(value))
    monkeypatch.chdir(settings.knowledge_dir.parent)  # no stray .env
    return settings


def test_index_ask_json_and_docs(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert "Indexed 3 documents" in out
    # Recorded in the database too, which running bots follow.
    from bot.search.index import KnowledgeIndex
    from bot.storage.store import Store

    store = Store("sqlite:///data/hoidoan.db")
    assert store.latest_index_version() == KnowledgeIndex.current_path(env.index_dir).name
    store.close()

    assert main(["ask", "Điều", "12", "Ban", "Chấp", "hành", "chi", "đoàn", "--json"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["abstained"] is False
    assert {"doc_id", "title", "source", "score", "passage", "highlight"} <= set(data["results"][0])
    assert "Điều 12" in data["results"][0]["heading"]

    assert main(["ask", "asdfgh", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["abstained"] is True

    assert main(["docs"]) == 0
    assert "3 documents" in capsys.readouterr().out

    assert main(["index"]) == 0  # nothing changed: nothing embedded
    assert "Index is up to date: 3 documents" in capsys.readouterr().out


def test_ask_without_index_says_so(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "xin chào"]) == 1
    assert "hoidoan index" in capsys.readouterr().err


def test_empty_question(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "  "]) == 2
    assert "chưa nhập câu hỏi" in capsys.readouterr().err


def test_eval_prints_metrics_and_json(env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.jsonl"
    questions = tmp_path / "questions.jsonl"
    docs = [
        {"doc_id": "a", "title": "Đoàn phí", "text": "Đoàn viên đóng đoàn phí mỗi tháng."},
        {"doc_id": "b", "title": "Hiến máu", "text": "Chi đoàn tổ chức hiến máu tình nguyện."},
    ]
    qs = [
        {"qid": "1", "question": "đóng đoàn phí khi nào", "gold_doc_ids": ["a"], "style": "accented"},
        {"qid": "2", "question": "hien mau tinh nguyen", "gold_doc_ids": ["b"], "style": "unaccented"},
    ]
    corpus.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs), encoding="utf-8")
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in qs), encoding="utf-8")
    out_file = tmp_path / "ranked.jsonl"
    assert main(["eval", "--corpus", str(corpus), "--questions", str(questions), "--json",
                 "--out", str(out_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])
    assert result["overall"]["recall@1"] == 1.0
    assert set(result["by_style"]) == {"accented", "unaccented"}
    assert any(line.startswith("unaccented") for line in lines)
    assert [json.loads(x)["ranked"][0] for x in out_file.read_text().splitlines()] == ["a", "b"]
    assert not env.index_dir.exists()  # eval never touches the served index


def test_wrong_setting_names_it(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOIDOAN_TOP_K", "zero")
    assert main(["docs"]) == 2
    assert "HOIDOAN_TOP_K" in capsys.readouterr().err


def test_run_without_token_explains(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("HOIDOAN_TELEGRAM_TOKEN", raising=False)
    monkeypatch.chdir(Path(__file__).parent)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "BotFather" in err and "hoidoan chat" in err


def test_a_wrong_database_url_is_a_clear_error(env: Settings, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOIDOAN_DATABASE_URL", "postgresql+psycopg2://nobody@127.0.0.1:1/none")
    assert main(["index"]) == 1
    err = capsys.readouterr().err
    assert "HOIDOAN_DATABASE_URL" in err and "Traceback" not in err


def test_ask_json_reads_one_question_per_line_from_stdin(env: Settings, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    assert main(["index"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("Ban Chấp hành chi đoàn gồm mấy đồng chí?\n\nasdfgh\n"))
    assert main(["ask", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2  # the blank line is skipped
    first, second = (json.loads(line) for line in lines)
    assert first["abstained"] is False and "Điều 12" in first["results"][0]["heading"]
    assert second["question"] == "asdfgh" and second["abstained"] is True


def test_backup_and_restore_commands(env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    assert main(["backup", str(tmp_path / "snap")]) == 0
    assert "knowledge files to" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "snap")]) == 2  # not empty
    assert "not empty" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "snap")]) == 0
    assert "indexed 3 documents" in capsys.readouterr().out
    assert main(["restore", str(tmp_path)]) == 2  # not a backup


def test_restore_on_postgresql_shares_the_folder_and_index_again(env: Settings, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Restore empties the replicas' copies in the database; its reindex records them again."""
    from tests.storage.test_backup import _pg_url

    url = _pg_url()
    monkeypatch.setenv("HOIDOAN_DATABASE_URL", url)
    assert main(["index"]) == 0
    assert main(["backup", str(tmp_path / "snap")]) == 0
    assert main(["restore", str(tmp_path / "snap")]) == 0
    store = Store(url)
    try:
        version = store.latest_index_version()
        assert version is not None and store.index_part_count(version) > 0
        assert {path for path, sha, _ in store.knowledge_listing() if sha} >= {"dieu-le-doan.md"}
    finally:
        store.close()
