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

# --- Telegram: members ----------------------------------------------------------------------
WELCOME = (
    "Xin chào! Mình là <b>Hỏi Đoàn</b>, trợ lý trả lời câu hỏi về công tác Đoàn, Công đoàn "
    "dựa trên tài liệu chính thức của tổ chức.\n\n"
    "📚 Đang có <b>{documents}</b> tài liệu, mới nhất ngày {newest}.\n\n"
    "Ví dụ câu hỏi:\n{examples}\n\n"
    "Trong tin nhắn riêng: gõ câu hỏi bất kỳ (có dấu hay không dấu đều được).\n"
    "Trong nhóm: dùng <code>/ask câu hỏi</code>, nhắc tên {mention}, hoặc trả lời (reply) tin nhắn của mình."
)
WELCOME_EXAMPLES = (
    "Kết nạp Đoàn cần mấy tuổi?",
    "ket nap doan may tuoi",
    "Đoàn phí đóng bao nhiêu?",
)
WELCOME_ADMIN = (
    "\n\n🔧 Bạn là quản trị viên: gửi tệp PDF, DOCX, TXT, MD, HTML để thêm tài liệu; "
    "/docs, /remove, /reindex, /stats, /unanswered, /faq."
)
NO_DOCUMENTS_DATE = "chưa có"
ASK_USAGE = "Hãy gõ câu hỏi sau lệnh, ví dụ: <code>/ask Kết nạp Đoàn cần mấy tuổi?</code>"
THINKING_ERROR = "Xin lỗi, có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."
NO_ANSWER_HTML = (
    "Xin lỗi, mình chưa tìm thấy nội dung nào trong tài liệu trả lời được câu hỏi này.\n"
    "Bạn vui lòng liên hệ <b>{contact}</b> để được giải đáp."
)
ANSWER_TITLE = "🔎 <b>Kết quả phù hợp nhất</b>"
RESTORED_HTML = "<i>Hiểu câu hỏi là: “{restored}”</i>"
MORE_TITLE = "🔎 <b>Các kết quả khác</b>"
NO_MORE = "Không còn kết quả nào khác."
FAQ_TITLE = "💡 <b>Hỏi đáp thường gặp</b>"
ARTICLE = "Điều"
BUTTON_MORE = "Xem thêm kết quả"
BUTTON_FILE = "📄 Tệp gốc {n}"
BUTTON_UP = "👍"
BUTTON_DOWN = "👎"
FEEDBACK_THANKS = "Cảm ơn bạn đã góp ý!"
FEEDBACK_WHY = "Vì sao câu trả lời chưa tốt? (không bắt buộc)"
FEEDBACK_REASONS = {"wrong": "Sai", "outdated": "Đã cũ", "irrelevant": "Không liên quan"}
BUTTON_SKIP = "Bỏ qua"
FILE_GONE = "Tệp gốc của tài liệu này không còn trên máy chủ."
QUESTION_GONE = "Câu hỏi này đã quá cũ, bạn vui lòng hỏi lại."
BUSY_INDEXING = "Đang cập nhật dữ liệu, câu trả lời có thể chậm hơn một chút."

# --- Telegram: admins -----------------------------------------------------------------------
NOT_ADMIN = "Xin lỗi, lệnh này chỉ dành cho quản trị viên của Hỏi Đoàn."
UPLOAD_NOT_ADMIN = (
    "Cảm ơn bạn! Chỉ quản trị viên mới thêm được tài liệu. "
    "Bạn có thể gửi tài liệu cho {contact}."
)
UPLOAD_PRIVATE_ONLY = "Vui lòng gửi tài liệu trong tin nhắn riêng với bot."
UPLOAD_TOO_BIG = "Tệp {name} nặng {size:.1f} MB, vượt giới hạn {limit:g} MB. Vui lòng gửi tệp nhỏ hơn."
UPLOAD_BAD_TYPE = "Không nhận loại tệp «{ext}». Các loại được nhận: {types}."
UPLOAD_RECEIVED = "Đã nhận {name}, đang đọc và lập chỉ mục…"
UPLOAD_REFUSED = "Không thêm được tệp {name}: {reason}. Tài liệu cũ vẫn giữ nguyên."
UPLOAD_DONE = "✅ Đã thêm «{title}» (ngày {date}, {passages} đoạn)."
UPLOAD_REPLACED = "Thay thế bản cũ: {files}."
UPLOAD_FAILED = "Không tải được tệp từ Telegram. Vui lòng gửi lại."
DOCS_EMPTY = "Chưa có tài liệu nào."
DOCS_TITLE = "📚 <b>{count} tài liệu</b>"
DOCS_LINE = "• {title} — {kind}, {date}, {passages} đoạn\n  <code>{doc_id}</code>"
REMOVE_USAGE = "Cú pháp: <code>/remove mã-tài-liệu hoặc tên tệp</code> (xem /docs)."
REMOVE_NOT_FOUND = "Không tìm thấy tài liệu «{query}». Xem danh sách bằng /docs."
REMOVE_MANY = "Có {count} tài liệu khớp «{query}», hãy ghi rõ mã tài liệu:\n{lines}"
REMOVE_CONFIRM = "Xoá tài liệu «{title}» ({path}) khỏi cơ sở dữ liệu?"
BUTTON_CONFIRM_REMOVE = "Xoá"
BUTTON_CANCEL = "Huỷ"
REMOVE_DONE = "🗑 Đã xoá «{title}». Còn {documents} tài liệu."
REMOVE_CANCELLED = "Đã huỷ, không xoá gì."
REINDEX_RUNNING = "Đang có một lượt lập chỉ mục khác, vui lòng đợi."
REINDEX_START = "⏳ Đang lập chỉ mục…"
REINDEX_PROGRESS = "⏳ Đang lập chỉ mục: {done}/{total} đoạn ({percent}%)"
REINDEX_DONE = (
    "✅ Lập chỉ mục xong trong {seconds:.1f} giây: {documents} tài liệu, {chunks} đoạn "
    "({embedded} đoạn mới tính).\nThêm: {added} · Sửa: {changed} · Xoá: {removed}"
)
REINDEX_PROBLEMS = "⚠️ Bỏ qua {count} tệp lỗi:\n{lines}"
REINDEX_FAILED = "❌ Lập chỉ mục thất bại, bot vẫn dùng dữ liệu cũ. Lỗi: {reason}"
STATS_CAPTION = (
    "📊 <b>Thống kê {days} ngày</b>\n"
    "Câu hỏi: {questions} · Trả lời được: {answered} · Không tìm thấy: {abstained}\n"
    "👍 {up} · 👎 {down}\n"
    "Tài liệu được dùng nhiều nhất:\n{top}"
)
STATS_CHART_TITLE = "Số câu hỏi mỗi ngày"
STATS_NONE = "(chưa có)"
UNANSWERED_EMPTY = "Chưa có câu hỏi nào bị bỏ ngỏ. 🎉"
UNANSWERED_TITLE = "❓ <b>Câu hỏi chưa được trả lời tốt</b> (mới nhất trước)"
UNANSWERED_WHY = {"abstained": "không tìm thấy", "down": "👎"}
FAQ_USAGE = (
    "Cú pháp:\n<code>/faq add Câu hỏi? | Câu trả lời</code>\n"
    "<code>/faq list</code>\n<code>/faq remove số</code>"
)
FAQ_ADDED = "✅ Đã thêm hỏi đáp số {faq_id}."
FAQ_EMPTY = "Chưa có hỏi đáp nào."
FAQ_LINE = "<b>{faq_id}.</b> {question}\n→ {answer}"
FAQ_REMOVED = "🗑 Đã xoá hỏi đáp số {faq_id}."
FAQ_NOT_FOUND = "Không có hỏi đáp số {faq_id}."

# Telegram's command menu (the "/" button), members' then admins' commands.
COMMANDS_MEMBER = {
    "ask": "Đặt câu hỏi",
    "help": "Hướng dẫn sử dụng",
    "start": "Giới thiệu",
}
COMMANDS_ADMIN = {
    "docs": "Danh sách tài liệu",
    "remove": "Xoá một tài liệu",
    "reindex": "Lập chỉ mục lại",
    "stats": "Thống kê",
    "unanswered": "Câu hỏi chưa trả lời được",
    "faq": "Quản lý hỏi đáp",
}
