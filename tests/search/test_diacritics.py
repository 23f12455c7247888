from pathlib import Path

from bot.search.diacritics import DiacriticRestorer

CORPUS = [
    "Thanh niên từ đủ 16 tuổi đến 30 tuổi được xét kết nạp vào Đoàn.",
    "Đoàn viên đóng đoàn phí hằng tháng theo quy định.",
    "Ban Chấp hành chi đoàn do đại hội bầu ra.",
]


def restorer() -> DiacriticRestorer:
    r = DiacriticRestorer()
    r.fit(CORPUS)
    return r


def test_restores_corpus_phrases() -> None:
    r = restorer()
    assert r.restore("ket nap vao doan") == "kết nạp vào đoàn"
    assert r.restore("doan vien dong doan phi") == "đoàn viên đóng đoàn phí"


def test_general_resources_cover_words_missing_from_corpus() -> None:
    # "bao nhiêu" and "mấy" are not in the corpus: the dictionary and frequency table back off.
    assert restorer().restore("bao nhieu tuoi") == "bao nhiêu tuổi"


def test_keeps_case_punctuation_and_unknown_tokens() -> None:
    assert restorer().restore("Ket nap Doan, 16 tuoi?") == "Kết nạp Đoàn, 16 tuổi?"
    assert restorer().restore("xyzq 2024") == "xyzq 2024"


def test_text_with_diacritics_is_left_alone() -> None:
    assert restorer().restore("kết nap doan") == "kết nap doan"


def test_round_trip(tmp_path: Path) -> None:
    r = restorer()
    r.to_json(tmp_path / "r.json")
    assert DiacriticRestorer.from_json(tmp_path / "r.json").restore("dai hoi bau") == r.restore("dai hoi bau")


def test_question_words_read_as_members_ask() -> None:
    r = DiacriticRestorer()
    r.fit(["Tòa nhà mới có thang máy và máy phát điện.", "Tháng Thanh niên là tháng ba hằng năm."])
    # Prose and the dictionary say "thang máy" (a lift); a question asks "tháng mấy" (which month).
    assert r.restore("thang thanh nien la thang may") == "tháng thanh niên là tháng mấy"


def test_a_number_keeps_its_neighbours_accents() -> None:
    r = DiacriticRestorer()
    r.fit(["Kế hoạch năm 2024 của chi đoàn.", "Báo cáo năm 2023.", "Miền Nam và miền Bắc."])
    assert r.restore("ke hoach nam 2025") == "kế hoạch năm 2025"


def test_question_words_outweigh_document_words() -> None:
    r = DiacriticRestorer()
    # Documents say "đầu" (head, first) and "máy" (machine) often and never ask "đâu" or "mấy".
    r.fit(["Đơn vị đầu tư máy móc cho xưởng sản xuất của công ty trong năm nay.",
           "Nhiệm kỳ của Ban Chấp hành là năm năm, do đại hội đại biểu quyết định theo hướng dẫn.",
           "Đoàn cơ sở trực thuộc Đoàn cấp huyện hoặc Đoàn cấp tỉnh tùy theo tính đặc thù của đơn vị.",
           "Chi đoàn sinh hoạt định kỳ mỗi tháng một lần theo chương trình đã được thông qua."])
    assert r.restore("doan co so truc thuoc dau") == "đoàn cơ sở trực thuộc đâu"
    assert r.restore("nhiem ky cua ban chap hanh la may nam") == "nhiệm kỳ của ban chấp hành là mấy năm"
    # A word that a dictionary compound explains keeps its document reading.
    assert r.restore("dau tu may moc") == "đầu tư máy móc"
