from bot.text import (
    fold,
    folded_tokens,
    has_diacritics,
    normalize,
    split_sentences,
    strip_diacritics,
)


def test_nfc_and_decomposed_input_are_equal() -> None:
    decomposed = "Đoa\u0300n vie\u0302n ngu\u031bo\u031b\u0300i"  # combining marks
    assert normalize(decomposed) == "Đoàn viên người"


def test_one_tone_placement_style() -> None:
    assert normalize("hoà bình") == normalize("hòa bình")
    assert normalize("thuý") == normalize("thúy")
    assert normalize("khoẻ mạnh") == normalize("khỏe mạnh")
    assert normalize("Hoà") == "Hòa"


def test_tone_placement_keeps_correct_words() -> None:
    for word in ["người", "quốc", "giữa", "tiền", "toán", "của", "mưa", "quý", "gìn", "thuở"]:
        assert normalize(word) == word


def test_zero_width_and_spaces_removed() -> None:
    assert normalize("Đoàn\u200b  viên\u00a0mới\ufeff") == "Đoàn viên mới"


def test_fold_lowercases_and_maps_d() -> None:
    assert fold("Đoàn TNCS Hồ Chí Minh") == "doan tncs ho chi minh"
    assert fold("ĐẠI HỘI") == "dai hoi"
    assert folded_tokens("Kết nạp, đoàn viên!") == ["ket", "nap", "doan", "vien"]


def test_strip_and_detect_diacritics() -> None:
    assert strip_diacritics("Đại hội") == "Dai hoi"
    assert has_diacritics("đại hội")
    assert not has_diacritics("dai hoi")


def test_sentence_split_respects_numbers_and_abbreviations() -> None:
    text = "Ông A ở TP. Hà Nội phát biểu. Có 1.000 đoàn viên tham gia! Điều 5. Quyền lợi"
    assert split_sentences(text) == [
        "Ông A ở TP. Hà Nội phát biểu.",
        "Có 1.000 đoàn viên tham gia!",
        "Điều 5. Quyền lợi",
    ]


def test_sentence_split_on_line_breaks() -> None:
    assert split_sentences("Dòng một\nDòng hai") == ["Dòng một", "Dòng hai"]
