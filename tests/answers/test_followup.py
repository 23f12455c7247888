from bot.answers.followup import Conversations, combine, is_short, marked_topic


def test_marked_follow_ups_give_their_new_subject() -> None:
    assert marked_topic("còn đoàn phí thì sao?") == "đoàn phí"
    assert marked_topic("Thế còn công đoàn?") == "công đoàn"
    assert marked_topic("vậy còn đội thiếu niên?") == "đội thiếu niên"
    assert marked_topic("con doan phi thi sao") == "doan phi"
    assert marked_topic("the con cong doan") == "cong doan"


def test_complete_questions_are_not_follow_ups() -> None:
    for question in ["Đoàn phí công đoàn đóng bao nhiêu?", "Thế nào là đoàn viên ưu tú?",
                     "còn bao nhiêu ngày nữa đến đại hội", "the doan vien la gi",  # thẻ đoàn viên
                     "con cua doan vien duoc ho tro gi",  # con = child
                     "Tại sao phải đóng đoàn phí", "còn đoàn phí công đoàn thì sao khi người lao động "
                     "bị mất việc làm trong thời gian dài"]:  # marked but long: states its own subject
        assert marked_topic(question) is None, question


def test_short_and_combined() -> None:
    assert is_short("ai chủ trì tổ chức") and not is_short("Ai chủ trì tổ chức hoạt động Tháng Thanh niên hằng năm?")
    assert combine("đoàn phí", "Kinh phí công đoàn đóng bao nhiêu?") == "đoàn phí đóng bao nhiêu?"
    assert combine("trách nhiệm", "Quyền của đoàn viên là gì?") == "trách nhiệm của đoàn viên là gì?"
    # Another aspect of the same subject takes the place of the one asked, wherever it stands.
    assert combine("quyền hạn", "Cán bộ công đoàn có những nhiệm vụ gì?") == \
        "Cán bộ công đoàn có những quyền hạn gì?"
    assert combine("tiêu chuẩn", "Điều kiện kết nạp đoàn viên là gì?") == "tiêu chuẩn kết nạp đoàn viên là gì?"
    assert combine("nghia vu", "quyen cua doan vien la gi") == "nghia vu cua doan vien la gi"
    assert combine("bí thư thường trực", "Bí thư thứ nhất Trung ương Đoàn là ai?") == \
        "bí thư thường trực Trung ương Đoàn là ai?"
    assert combine("phó chủ nhiệm", "Chủ nhiệm ủy ban kiểm tra do ai bầu?") == \
        "phó chủ nhiệm ủy ban kiểm tra do ai bầu?"
    assert combine("ở doanh nghiệp nhà nước", "Đoàn viên ở đơn vị sự nghiệp đóng bao nhiêu?") == \
        "Đoàn viên ở doanh nghiệp nhà nước đóng bao nhiêu?"
    # Another office of the same organisation keeps whose it is; a subject of its own does not.
    assert combine("ban thường vụ", "Ủy ban Kiểm tra Trung ương Đoàn khóa XI gồm bao nhiêu đồng chí?") == \
        "ban thường vụ Trung ương Đoàn khóa XI gồm bao nhiêu đồng chí?"
    assert combine("cán bộ công đoàn", "Đoàn viên có quyền gì?") == "cán bộ công đoàn có quyền gì?"
    # Its own question: the previous subject is carried over; nothing lines up: both, side by side.
    assert combine("ban chấp hành họp mấy lần", "Đại hội công đoàn tổ chức mấy năm một lần?") == \
        "ban chấp hành họp mấy lần (Đại hội công đoàn)?"
    assert combine("asdf", "Đoàn phí?") == "asdf - Đoàn phí?"


def test_conversations_forget_after_the_window_and_stay_bounded() -> None:
    now = [0.0]
    talks = Conversations(window_seconds=300, max_chats=2, clock=lambda: now[0])
    talks.remember((1, 1), "Đoàn phí bao nhiêu?")
    now[0] = 299
    assert talks.recent((1, 1)) == "Đoàn phí bao nhiêu?"
    now[0] = 301
    assert talks.recent((1, 1)) is None
    talks.remember((2, 2), "a")
    talks.remember((3, 3), "b")
    talks.remember((4, 4), "c")
    assert talks.recent((2, 2)) is None and talks.recent((4, 4)) == "c"
