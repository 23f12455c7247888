from __future__ import annotations

from bot.answers.faq import Faq, FaqMatcher, similarity

FAQS = [Faq(1, "Kết nạp Đoàn mấy tuổi?", "Từ đủ 16 đến 30 tuổi."),
        Faq(2, "Thẻ đoàn viên bị mất thì làm lại ở đâu?", "Văn phòng Đoàn trường.")]


def test_matches_the_same_question_typed_without_diacritics_or_reordered() -> None:
    matcher = FaqMatcher(FAQS)
    assert matcher.match("ket nap doan may tuoi").faq_id == 1
    assert matcher.match("Kết nạp đoàn mấy tuổi vậy?").faq_id == 1
    assert matcher.match("mat the doan vien lam lai o dau").faq_id == 2


def test_a_different_topic_with_shared_words_does_not_match() -> None:
    matcher = FaqMatcher(FAQS)
    assert matcher.match("kết nạp Đảng mấy tuổi") is None  # four of five syllables agree
    assert matcher.match("đoàn phí bao nhiêu") is None
    assert matcher.match("") is None


def test_similarity_is_symmetric_and_bounded() -> None:
    a, b = "Thẻ đoàn viên bị mất", "mất thẻ đoàn viên"
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0
    assert similarity(a, a) == 1.0
