"""The highlighted sentence: the one that answers, never a restatement or half a line."""

from bot.answers.highlight import best_sentences, evidence, signature_block
from bot.search.query import Query


def test_best_sentences_prefers_the_answering_sentence() -> None:
    passage = "Chi đoàn họp mỗi tháng.\nĐại hội bầu Ban Chấp hành gồm 03 đồng chí.\nBuổi lễ kết thúc."
    query = Query("Đại hội bầu Ban Chấp hành mấy đồng chí", "Đại hội bầu Ban Chấp hành mấy đồng chí", (), None)
    assert best_sentences(passage, query) == "Đại hội bầu Ban Chấp hành gồm 03 đồng chí."


def test_highlight_is_the_answer_not_a_line_restating_the_question() -> None:
    passage = ("**Đoàn viên công đoàn có quyền gì?**\n"
               "Đoàn viên công đoàn có quyền được công đoàn bảo vệ khi quyền lợi bị xâm phạm.")
    query = Query("đoàn viên công đoàn có quyền gì", "đoàn viên công đoàn có quyền gì", (), None)
    assert best_sentences(passage, query).startswith("Đoàn viên công đoàn có quyền được")


def test_highlight_takes_the_answer_after_its_label() -> None:
    passage = "Nội dung khác của quy chế.\n2. Thẻ đoàn viên\na. Thẻ đoàn viên là sự xác nhận tư cách đoàn viên."
    query = Query("thẻ đoàn viên là gì", "thẻ đoàn viên là gì", (), None)
    assert best_sentences(passage, query) == "2. Thẻ đoàn viên\na. Thẻ đoàn viên là sự xác nhận tư cách đoàn viên."


def test_highlight_prefers_the_number_asked_for_and_never_a_broken_line() -> None:
    passage = ("Chi đoàn trường là một chi đoàn trực thuộc Đoàn phường với nhiều đoàn viên năng nổ.\n"
               "Tổng số đoàn viên hiện đang sinh hoạt là 10\nđoàn viên của chi đoàn.")
    query = Query("chi đoàn có bao nhiêu đoàn viên", "chi đoàn có bao nhiêu đoàn viên", (), None)
    assert best_sentences(passage, query) == "Tổng số đoàn viên hiện đang sinh hoạt là 10\nđoàn viên của chi đoàn."


def test_highlight_skips_the_topic_line_for_the_sentence_that_answers() -> None:
    passage = ("**Đoàn Thanh niên Cộng sản Hồ Chí Minh**.\n"
               "Đoàn Thanh niên Cộng sản Hồ Chí Minh có nhiều phong trào cho thanh niên.\n"
               "Theo báo cáo năm 2017, Đoàn Thanh niên Cộng sản Hồ Chí Minh có khoảng 6,4 triệu đoàn viên.")
    question = "Đoàn Thanh niên Cộng sản Hồ Chí Minh có bao nhiêu đoàn viên?"
    query = Query(question, question, (), None)
    assert "6,4 triệu đoàn viên" in best_sentences(passage, query)


def test_sentence_evidence_favours_the_passage_that_holds_the_question_together() -> None:

    question = "Lễ trưởng thành Đoàn tổ chức vào dịp nào?"
    query = Query(question, question, (), None)
    scattered = "Lễ kỷ niệm được tổ chức long trọng. Đoàn viên tham dự đông đủ. Trưởng thành là mục tiêu."
    answering = "Lễ trưởng thành Đoàn được tổ chức vào dịp 26/3 hằng năm."
    assert evidence(answering, query) > evidence(scattered, query)


def test_a_title_line_does_not_answer_when_or_how_many() -> None:
    passage = ("Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII\n"
               "Đại hội đại biểu toàn quốc Đoàn Thanh niên Cộng sản Hồ Chí Minh lần thứ XII, nhiệm kỳ "
               "2022 - 2027 đã chính thức diễn ra từ ngày 14 đến ngày 16 tháng 12 năm 2022 tại Hà Nội, "
               "với sự tham dự của các đại biểu đại diện cho đoàn viên thanh niên cả nước.")
    question = "Đại hội Đoàn toàn quốc lần thứ XII diễn ra vào thời gian nào?"
    query = Query(question, question, (), None)
    assert "từ ngày 14 đến ngày 16 tháng 12" in best_sentences(passage, query)
    # a question that wants no date or number may still be answered by a title ("what is it called")
    named = "Nghị quyết của Đại hội Đoàn toàn quốc lần thứ XII tên là gì?"
    assert best_sentences(passage, Query(named, named, (), None)).startswith("Nghị quyết Đại hội")


def test_the_law_a_question_names_does_not_pick_the_sentence() -> None:
    passage = ("Luật Công đoàn năm 1990 hết hiệu lực kể từ ngày Luật này có hiệu lực.\n"
               "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2013.")
    for question in ("Luật Công đoàn 2012 có hiệu lực từ ngày nào?", "luat cong doan nam 2012 co hieu luc tu ngay nao"):
        query = Query(question, question, (), None)
        assert best_sentences(passage, query, limit=1) == "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2013."


def test_a_list_number_is_not_the_number_asked_for() -> None:
    question = "Ngưỡng đầu vào là bao nhiêu điểm?"
    query = Query(question, question, (), None)
    answer = "Thí sinh phải đạt ngưỡng đầu vào từ 50 điểm trở lên theo thang điểm 100 của bài thi đánh giá."
    for heading in ("3. Ngưỡng đầu vào của kỳ thi", "Điều 5. Ngưỡng đầu vào của kỳ thi"):
        # "3." and "Điều 5." number the line; they do not answer "bao nhiêu"
        assert best_sentences(f"{heading}\n{answer}", query, limit=1) == answer


def test_a_long_sentence_is_narrowed_to_the_clause_that_answers() -> None:
    passage = ("Nhiệm kỳ 2022 - 2024, Chi đoàn đề ra các chỉ tiêu chủ yếu: 100% cán bộ, đoàn viên được quán triệt, "
               "học tập các chỉ thị, nghị quyết của Đảng, của Đoàn; 100% đoàn viên thanh niên không vi phạm pháp "
               "luật và mắc các tệ nạn xã hội; phấn đấu hằng năm đảm nhận ít nhất 01 phần việc thanh niên; phấn đấu "
               "nhiệm kỳ có từ 02 đến 03 đoàn viên ưu tú được kết nạp vào Đảng Cộng sản Việt Nam.\n"
               "Đại hội đã bầu Ban Chấp hành gồm 03 đồng chí.")
    question = "Chi đoàn phấn đấu kết nạp bao nhiêu đoàn viên vào Đảng?"
    highlight = best_sentences(passage, Query(question, question, (), None))
    assert highlight == "phấn đấu nhiệm kỳ có từ 02 đến 03 đoàn viên ưu tú được kết nạp vào Đảng Cộng sản Việt Nam."
    # a clause that answers as well as its neighbour keeps it: one rule, not a list
    rule = ("Đoàn viên quá 30 tuổi, chi đoàn tổ chức lễ trưởng thành Đoàn cho đoàn viên tại buổi sinh hoạt chi đoàn "
            "gần nhất của năm; nếu đoàn viên có nguyện vọng tiếp tục sinh hoạt Đoàn, chi đoàn xem xét, quyết định "
            "cho tiếp tục sinh hoạt, nhưng không quá 35 tuổi.")
    asked = "Đoàn viên quá 30 tuổi có được tiếp tục sinh hoạt Đoàn không?"
    assert best_sentences(rule, Query(asked, asked, (), None)) == rule
    # a short sentence is kept whole
    short = "Ban Chấp hành gồm bao nhiêu đồng chí?"
    assert best_sentences(passage, Query(short, short, (), None)) == "Đại hội đã bầu Ban Chấp hành gồm 03 đồng chí."


def test_what_is_x_is_answered_by_the_line_defining_x() -> None:
    passage = ("Điều 2. Giải thích từ ngữ\n"
               "3. Không gian mạng là mạng lưới kết nối của cơ sở hạ tầng công nghệ thông tin, bao gồm mạng viễn "
               "thông, mạng Internet, mạng máy tính, hệ thống thông tin, hệ thống xử lý và điều khiển thông tin, "
               "cơ sở dữ liệu; là nơi con người thực hiện các hành vi xã hội không bị giới hạn bởi không gian.\n"
               "4. Không gian mạng quốc gia là không gian mạng do Chính phủ xác lập, quản lý và kiểm soát.")
    question = "Không gian mạng là gì?"
    query = Query(question, question, (), None, defines=("khong gian mang",))
    assert best_sentences(passage, query, limit=1).startswith("3. Không gian mạng là mạng lưới")


def test_who_signed_is_answered_by_the_signature_block() -> None:
    passage = ("Điều 3. Chánh Văn phòng Tỉnh đoàn và các ban chịu trách nhiệm thi hành Quyết định này.\n"
               "Quyết định này có hiệu lực kể từ ngày ký.\n"
               "| Nơi nhận: | TM. BAN THƯỜNG VỤ TỈNH ĐOÀN |\n| - Như Điều 3; | BÍ THƯ |\n| - Lưu VP. | (Đã ký) |\n"
               "| | Nguyễn Văn An |")
    question = "Quyết định này do ai ký?"
    query = Query(question, question, (), None, signer=True)
    block = passage[passage.index("| Nơi nhận"):]  # from the capacity's row to the name's
    assert best_sentences(passage, query) == block
    # a sentence that starts with an office is not a signature, and other questions keep their highlight
    assert signature_block("Chủ tịch công đoàn có nhiệm vụ ký văn bản.\nNguyễn Văn An") is None
    plain = Query("Quyết định có hiệu lực khi nào?", "Quyết định có hiệu lực khi nào?", (), None)
    assert best_sentences(passage, plain, limit=1) == "Quyết định này có hiệu lực kể từ ngày ký."
