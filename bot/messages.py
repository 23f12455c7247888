"""Every Vietnamese sentence the product says to people, in one place.

Code and logs are in English; members and secretaries read Vietnamese. Keeping the
strings here lets a union secretary proofread the whole voice of the bot in one file.
"""

from __future__ import annotations

CHAT_WELCOME = (
    "Hỏi Đoàn - trợ lý hỏi đáp về công tác Đoàn, Công đoàn.\n"
    "Cơ sở dữ liệu: {documents} tài liệu, mới nhất ngày {newest}.\n"
    "Gõ câu hỏi rồi nhấn Enter (có dấu hay không dấu đều được). Gõ 'thoát' để kết thúc."
)
CHAT_PROMPT = "Bạn hỏi: "
CHAT_BYE = "Tạm biệt!"
CHAT_EXIT_WORDS = ("thoat", "thoát", "exit", "quit", "q")

EMPTY_QUESTION = "Bạn chưa nhập câu hỏi. Hãy gõ một câu hỏi, ví dụ: \"Kết nạp Đoàn cần mấy tuổi?\""
NO_ANSWER = (
    "Xin lỗi, mình chưa tìm thấy nội dung nào trong tài liệu của Đoàn trả lời được câu hỏi này. "
    "Bạn vui lòng liên hệ {contact} để được giải đáp."
)
NO_INDEX = "Chưa có tài liệu nào được lập chỉ mục. Quản trị viên cần chạy lệnh `hoidoan index`."
RESTORED_NOTE = "(Hiểu câu hỏi là: \"{restored}\")"
ANSWER_HEADER = "Kết quả phù hợp nhất:"
SOURCE = "Nguồn: {title}"
DATE = "ngày {date}"
LOW_CONFIDENCE_NOTE = "Độ tin cậy thấp, vui lòng đối chiếu với văn bản gốc."

KIND_NAMES = {
    "article": "Bài viết",
    "resolution": "Nghị quyết",
    "charter": "Điều lệ",
    "announcement": "Thông báo",
    "faq": "Hỏi đáp",
    "law": "Văn bản pháp luật",
    "guide": "Hướng dẫn",
}
