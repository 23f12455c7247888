from pathlib import Path

from bot.search.abbrev import ABBREVIATIONS_FILE, SYNONYMS_FILE, Abbreviations


def test_expands_with_and_without_diacritics() -> None:
    table = Abbreviations()
    assert "Ban Chấp hành" in table.find("BCH chi đoàn có mấy người")
    assert "công đoàn cơ sở" in table.find("cdcs thu doan phi")
    assert "đoàn viên thanh niên" in table.find("ĐVTN cần làm gì")


def test_longest_match_wins() -> None:
    assert Abbreviations().find("Đoàn TNCS HCM") == ["Thanh niên Cộng sản Hồ Chí Minh"]


def test_keeps_question_and_skips_spelled_out() -> None:
    table = Abbreviations()
    assert table.expand("BCH họp") == "BCH họp (Ban Chấp hành)"
    assert table.find("Ban Chấp hành BCH") == []
    assert table.find("tư cách đoàn viên") == []  # ordinary words are not abbreviations


def test_admin_file_extends_table(tmp_path: Path) -> None:
    (tmp_path / ABBREVIATIONS_FILE).write_text(
        "# union abbreviations\nCLB\tcâu lạc bộ\nMTTQ = Mặt trận Tổ quốc\nbroken line\n", encoding="utf-8"
    )
    table = Abbreviations.for_knowledge_dir(tmp_path)
    assert table.find("CLB tình nguyện") == ["câu lạc bộ"]
    assert table.find("mttq") == ["Mặt trận Tổ quốc"]


def test_a_members_word_brings_the_documents_word_but_is_not_shown_replaced() -> None:
    table = Abbreviations()
    assert table.find("Mỗi đoàn viên phải có những giấy tờ gì?") == ["hồ sơ"]
    assert table.find("bi thu bay gio la ai") == ["hiện nay"]
    assert ("giay to", "hồ sơ") in table.pairs("giấy tờ gì")
    # a question that already has the documents' word is left as it is
    assert table.pairs("hồ sơ kết nạp gồm những giấy tờ gì") == []
    # the "understood as" line spells out abbreviations only: the member's own words stay
    assert table.spell_out("BCH cần giấy tờ gì") == "Ban Chấp hành cần giấy tờ gì"
    # a document number keeps its letters
    assert table.spell_out("QĐ 12/QĐ-BCH do BCH ban hành") == "quyết định 12/QĐ-BCH do Ban Chấp hành ban hành"


def test_admin_file_extends_synonyms(tmp_path: Path) -> None:
    (tmp_path / SYNONYMS_FILE).write_text("lên chức\tbổ nhiệm\n?\tcâu hỏi\n", encoding="utf-8")
    table = Abbreviations.for_knowledge_dir(tmp_path)
    assert table.find("bao giờ được lên chức") == ["bổ nhiệm"]
    assert table.find("đoàn phí bao nhiêu?") == []  # a key without a letter is refused, not matched everywhere
    assert table.spell_out("bao giờ được lên chức") == "bao giờ được lên chức"
    assert Abbreviations(synonyms={}).find("giấy tờ gì") == []
