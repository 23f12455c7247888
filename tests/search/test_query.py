"""What a question asks, read from its folded text."""

from __future__ import annotations

import pytest

from bot.search.query import (
    ARTICLE_QUERY,
    DEFINITION_QUERY,
    SIGNER_QUERY,
    WANTS_DATE,
    WANTS_NUMBER,
    document_numbers,
    number_key,
    without_cited_numbers,
)
from bot.text import fold


@pytest.mark.parametrize("question", ["Đại hội diễn ra khi nào?", "dai hoi dien ra ngay nao", "Bao giờ đại hội?",
                                      "đại hội năm nào"])
def test_when_questions_want_a_date(question: str) -> None:
    assert WANTS_DATE.search(fold(question)) and not WANTS_NUMBER.search(fold(question))


@pytest.mark.parametrize("question", ["BCH gồm mấy đồng chí?", "chi doan co bao nhieu doan vien"])
def test_how_many_questions_want_a_number(question: str) -> None:
    assert WANTS_NUMBER.search(fold(question))


def test_cited_numbers_articles_signers_and_terms() -> None:
    text = "Quyết định 45-QĐ/ĐTN Điều 3 do ai ký?"
    assert [number_key(m.group(0)) for m in document_numbers(text)] == ["45-qd/dtn"]
    assert "45-QĐ/ĐTN" not in without_cited_numbers(text)
    assert ARTICLE_QUERY.search(fold(text)).group(1) == "3"  # type: ignore[union-attr]
    assert SIGNER_QUERY.search(fold(text))
    assert DEFINITION_QUERY.match(fold("công đoàn cơ sở là gì")).group("trail") == "cong doan co so"  # type: ignore[union-attr]
