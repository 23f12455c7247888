from bot.documents.chunk import Chunker

LAW = """Chương I. Quy định chung
Điều 1. Phạm vi điều chỉnh
Luật này quy định về công đoàn. Luật này áp dụng với mọi người lao động.
Điều 2. Quyền của đoàn viên
1. Đoàn viên được bầu cử. 2. Đoàn viên được ứng cử.
"""


def test_chunks_never_cross_articles_and_keep_heading() -> None:
    chunks = Chunker(max_words=100).split("law", "Luật Công đoàn", LAW)
    articles = [(c.article, c.heading) for c in chunks]
    assert ("1", "Điều 1. Phạm vi điều chỉnh") in articles
    assert ("2", "Điều 2. Quyền của đoàn viên") in articles
    for chunk in chunks:
        assert chunk.title == "Luật Công đoàn"
        assert chunk.index_text.startswith("Luật Công đoàn")
        if chunk.article == "1":
            assert "Đoàn viên" not in chunk.text


def test_long_section_is_packed_with_overlap() -> None:
    sentences = [f"Câu số {i} nói về hoạt động của chi đoàn trong năm." for i in range(40)]
    chunks = Chunker(max_words=60, overlap=0.2).split("d", "Tin", " ".join(sentences))
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.text.split()) <= 60
    # consecutive passages share their boundary sentence(s)
    first_last = chunks[0].text.split(". ")[-1]
    assert first_last.rstrip(".") in chunks[1].text


def test_article_number_from_title() -> None:
    chunks = Chunker().split("q", "Bộ luật Lao động - Điều 12. Thời giờ làm việc", "Nội dung điều khoản.")
    assert chunks[0].article == "12"


def test_hash_changes_with_text() -> None:
    a = Chunker().split("d", "T", "Một câu.")[0]
    b = Chunker().split("d", "T", "Hai câu.")[0]
    assert a.chunk_hash != b.chunk_hash


def test_article_line_that_states_its_rule_stays_in_the_passage() -> None:
    text = ("Điều 2. Quyết định này có hiệu lực sau 15 ngày kể từ ngày đăng Công báo.\n"
            "Điều 3. Các Bộ trưởng chịu trách nhiệm thi hành Quyết định này.")
    chunks = Chunker().split("qd", "Quyết định", text)
    first = next(c for c in chunks if c.article == "2")
    assert "có hiệu lực sau 15 ngày" in first.text  # a member is shown the rule, not only a heading
    assert first.heading.startswith("Điều 2. Quyết định này")
    assert len(first.heading.split()) <= 11
