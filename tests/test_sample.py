"""The sample knowledge base that ships (knowledge/): a new user's first questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.ranking import Band
from bot.engine import Engine
from bot.search.embed import Embedder
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, model_path: Path, embedder: Embedder) -> Engine:
    work = tmp_path_factory.mktemp("sample")
    settings = Settings(knowledge_dir=ROOT / "knowledge", index_dir=work / "index", cache_dir=work / "cache",
                        embedding_model=str(model_path), data_dir=work / "data",
                        _env_file=None)  # type: ignore[call-arg]
    engine = Engine(settings, embedder)
    engine.reindex()
    return engine


@pytest.mark.parametrize("question", ["Đại hội diễn ra ngày nào?", "Đại hội diễn ra khi nào?",
                                      "dai hoi dien ra ngay nao"])
def test_when_the_congress_took_place_is_answered_with_its_date(sample: Engine, question: str) -> None:
    answer = sample.ask(question)
    assert answer.band is not Band.NOT_FOUND and answer.results
    assert "28/4/2022" in answer.results[0].highlight


def test_a_question_from_elsewhere_is_not_answered_confidently(sample: Engine) -> None:
    assert sample.ask("Giá vàng hôm nay bao nhiêu?").band is Band.NOT_FOUND
