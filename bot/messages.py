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
FAQ_TITLE_TEXT = "💡 Hỏi đáp thường gặp:"
RESTORED_NOTE = "(Hiểu câu hỏi là: \"{restored}\")"
ANSWER_HEADER = "Kết quả phù hợp nhất:"
# Answer first: the sentence that answers, its source on one line, then the passages.
ANSWER_LINE = "Trả lời: {answer}"
PASSAGES_HEADER = "Các đoạn liên quan:"
# The "not sure" band: the nearest passages, said plainly, and whom to ask.
NOT_SURE_HEADER = "Mình chưa chắc chắn, đây là những đoạn gần nhất:"
NEAREST_LINE = "Câu gần nhất: “{sentence}”"
NOT_SURE_CONTACT = "Nếu chưa đúng ý bạn, vui lòng liên hệ {contact}."
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
    "plan": "Kế hoạch",
    "decision": "Quyết định",
    "directive": "Chỉ thị",
    "report": "Báo cáo",
    "letter": "Công văn",
    "regulation": "Quy chế, quy định",
    "minutes": "Biên bản",
    "contract": "Hợp đồng",
}
DATE_UNKNOWN = "không rõ ngày"
DATE_UNKNOWN_SHORT = "không rõ"
ENCODING_NAMES = {"tcvn3": "TCVN3 (.VnTime)", "vni": "VNI", "viscii": "VISCII", "vps": "VPS"}

# Why a file was not read, or what to know about one that was, in Vietnamese, by the code the
# reader gives (bot.documents.failures.Failure's values); the English detail stays in the logs.
READ_REASONS: dict[str, str] = {
    "garbled": "chữ đọc ra có vẻ sai phông hoặc bản quét mờ",
    "scan_no_ocr": "tệp là ảnh quét, máy chủ chưa cài phần mềm nhận dạng chữ (Tesseract) nên chưa đọc được",
    "no_ocr": "máy chủ chưa cài phần mềm nhận dạng chữ (Tesseract)",
    "pages_not_read": "có trang ảnh quét chưa đọc được (máy chủ thiếu phần mềm nhận dạng chữ, hoặc trang quá mờ)",
    "ocr_budget": "tệp có nhiều trang ảnh quét, chỉ đọc đến giới hạn số trang",
    "password": "tệp PDF có mật khẩu; hãy gửi bản không đặt mật khẩu",
    "suspicious_archive": "tệp nén bất thường (có thể là tệp độc hại), không mở",
    "too_much_memory": "tệp cần quá nhiều bộ nhớ để đọc, không mở",
    "too_slow": "đọc tệp quá lâu, đã dừng; hãy chia nhỏ tài liệu hoặc gửi bản PDF có chữ",
    "no_doc_converter": "máy chủ chưa có công cụ đọc tệp .doc; hãy lưu tệp thành .docx rồi gửi lại",
    "doc_unreadable": "không đọc được tệp .doc này; hãy lưu thành .docx rồi gửi lại",
    "unsupported_type": "loại tệp không được hỗ trợ",
    "too_large": "tệp vượt giới hạn dung lượng hoặc số trang",
    "no_text": "không tìm thấy chữ nào đọc được trong tệp",
    "too_long": "tài liệu quá dài; hãy chia thành nhiều tệp",
    "not_this_type": "nội dung tệp không đúng với loại tệp",
    "broken": "tệp bị hỏng hoặc không đúng định dạng",
    "file_error": "không mở được tệp",
    "duplicate_id": "trùng với một tài liệu khác trong thư mục",
    "other": "không đọc được tệp",
}
READ_REASON_OTHER = READ_REASONS["other"]


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
    "\n\n🔧 Bạn là quản trị viên: gửi tệp PDF, DOCX, DOC, RTF, TXT, HTML hoặc ảnh chụp văn bản để thêm tài liệu; "
    "/docs, /remove, /replace, /reindex, /stats, /unanswered, /faq."
)
NO_DOCUMENTS_DATE = "chưa có"
ASK_USAGE = "Hãy gõ câu hỏi sau lệnh, ví dụ: <code>/ask Kết nạp Đoàn cần mấy tuổi?</code>"
THINKING_ERROR = "Xin lỗi, có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."
NO_ANSWER_HTML = (
    "Xin lỗi, mình chưa tìm thấy nội dung nào trong tài liệu trả lời được câu hỏi này.\n"
    "Bạn vui lòng liên hệ <b>{contact}</b> để được giải đáp."
)
SAME_SOURCE = "cùng văn bản trên"
ANSWER_TITLE = "🔎 <b>Kết quả phù hợp nhất</b>"
ANSWER_LINE_HTML = "💬 <b>Trả lời:</b> {answer}"
ANSWER_SOURCE_HTML = "<i>📄 {source}</i>"
PASSAGES_TITLE = "🔎 <b>Các đoạn liên quan</b>"
NOT_SURE_TITLE = "🤔 <b>Mình chưa chắc chắn, đây là những đoạn gần nhất:</b>"
NEAREST_LINE_HTML = "💬 <i>Câu gần nhất:</i> “{sentence}”"
NOT_SURE_CONTACT_HTML = "<i>Nếu chưa đúng ý bạn, vui lòng liên hệ <b>{contact}</b>.</i>"
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
BUTTON_INVALID = "Nút này không còn dùng được."
BUTTON_NOT_YOURS = "Nút này dành cho người đã đặt câu hỏi. Bạn hãy tự hỏi bot nhé!"
TOO_FAST = "Bạn hỏi nhanh quá, vui lòng đợi khoảng {seconds} giây rồi hỏi tiếp nhé."
REPLY_FAILED = "Xin lỗi, mình không gửi được câu trả lời (có thể quá dài). Bạn thử hỏi ngắn gọn hơn nhé."
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
UPLOAD_RECEIVED = "Đã nhận {name}, đang đọc tệp…"
UPLOAD_OCR_PROGRESS = "🔍 Đang nhận dạng chữ (OCR) trong {name}: trang {done}/{total}"
UPLOAD_INDEXING = "⏳ Đã đọc «{title}», đang lập chỉ mục…"
UPLOAD_REFUSED = "Không thêm được tệp {name}: {reason}. Tài liệu cũ vẫn giữ nguyên."
UPLOAD_DONE = "✅ Đã thêm «{title}»\n{details}\n{passages} đoạn đã lập chỉ mục."
UPLOAD_DETAILS = "{kind} · {number}ngày {date}"
UPLOAD_NUMBER = "số {number} · "
UPLOAD_PAGES = "{pages} trang"
UPLOAD_OCR = "OCR: {pages} trang"
UPLOAD_ENCODING = "đã chuyển phông {encoding} sang Unicode"
UPLOAD_GARBLED = (
    "⚠️ Chữ đọc ra có vẻ sai (chỉ {share:.0%} số từ là tiếng Việt hợp lệ): có thể do phông chữ cũ "
    "lạ hoặc bản quét mờ. Hãy kiểm tra tệp gốc."
)
UPLOAD_NOTE = "ℹ️ Lưu ý: {note}"
UPLOAD_REPLACED = "Thay thế bản cũ: {files}."
UPLOAD_SAME_TITLE = (
    "Tài liệu «{title}» trùng tiêu đề với: {files}.\n"
    "Thay thế tài liệu cũ, hay giữ cả hai?"
)
BUTTON_REPLACE = "Thay thế"
BUTTON_KEEP_BOTH = "Giữ cả hai"
UPLOAD_EXPIRED = "Tệp tải lên này đã hết hạn chờ, vui lòng gửi lại."
UPLOAD_FAILED = "Không tải được tệp từ Telegram. Vui lòng gửi lại."
DOCS_EMPTY = "Chưa có tài liệu nào."
DOCS_TITLE = "📚 <b>{count} tài liệu</b>"
DOCS_LINE = "• {title} — {kind}{number}, {date}, {passages} đoạn\n  <code>{doc_id}</code>"
DOCS_NUMBER = " số {number}"
DOCS_REPLACED = "  ⚠️ đã được thay thế bởi: {title}"
REPLACED_BY = "⚠️ Đã được thay thế bởi: {title}"
REPLACED_BY_HTML = "⚠️ <b>Đã được thay thế bởi:</b> {title}"
REPLACE_USAGE = ("Cú pháp: <code>/replace mã-cũ mã-mới</code> (văn bản cũ đã được thay thế bởi văn bản mới) "
                 "hoặc <code>/replace mã-cũ -</code> (không thay thế). Mã tài liệu xem trong /docs.")
REPLACE_SET = "✅ Đã ghi nhận: “{old}” được thay thế bởi “{new}”. Câu trả lời sẽ ưu tiên văn bản mới."
REPLACE_UNSET = "✅ Đã ghi nhận: “{old}” không bị thay thế bởi văn bản nào."
REPLACE_UNKNOWN = "Không tìm thấy mã tài liệu này (hoặc hai mã trùng nhau). Xem mã trong /docs."
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
REINDEX_WARNINGS = "ℹ️ {count} tệp cần xem lại:\n{lines}"
REINDEX_OCR = "🔍 Đang nhận dạng chữ (OCR): trang {done}/{total}"

REINDEX_FAILED = "❌ Lập chỉ mục thất bại, bot vẫn dùng dữ liệu cũ. Lỗi: {reason}"
STATS_CAPTION = (
    "📊 <b>Thống kê {days} ngày</b>\n"
    "Câu hỏi: {questions} · Trả lời được: {answered} · Không tìm thấy: {abstained}\n"
    "👍 {up} · 👎 {down}\n"
    "Biểu đồ: số câu hỏi mỗi ngày.\n"
    "Tài liệu được dùng nhiều nhất:\n{top}"
)
STATS_NONE = "(chưa có)"
UNANSWERED_EMPTY = "Chưa có câu hỏi nào bị bỏ ngỏ. 🎉"
UNANSWERED_TITLE = "❓ <b>Câu hỏi chưa được trả lời tốt</b> (mới nhất trước)"
UNANSWERED_WHY = {"abstained": "không tìm thấy", "not_sure": "chưa chắc chắn", "down": "👎"}
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
    "replace": "Đánh dấu văn bản cũ đã được thay thế",
    "reindex": "Lập chỉ mục lại",
    "stats": "Thống kê",
    "unanswered": "Câu hỏi chưa trả lời được",
    "faq": "Quản lý hỏi đáp",
}

# --- Announcements (bot admins in a private chat; group admins in their group) -------------------
ANNOUNCE_USAGE = (
    "Cú pháp:\n<code>/announce [--tag nhãn] [--pin] nội dung</code>\n"
    "hoặc trả lời (reply) một tin nhắn (chữ, ảnh, tệp) bằng <code>/announce</code>.\n"
    "Hẹn giờ: <code>/schedule 2026-12-01 08:00 [--tag nhãn] nội dung</code>"
)
ANNOUNCE_PRIVATE_ONLY = "Vui lòng soạn thông báo trong tin nhắn riêng với bot."
ANNOUNCE_PREVIEW = (
    "👆 Xem trước thông báo.\nSẽ gửi tới <b>{targets}</b> nhóm{tag}{skipped}{pin}.{when}\n"
    "Nhấn «Gửi» để gửi, «Huỷ» để bỏ."
)
ANNOUNCE_PREVIEW_TAG = " có nhãn <code>{tag}</code>"
ANNOUNCE_PREVIEW_SKIPPED = " ({skipped} nhóm đã tắt nhận thông báo sẽ được bỏ qua)"
ANNOUNCE_PREVIEW_PIN = ", ghim ở nhóm cho phép"
ANNOUNCE_PREVIEW_WHEN = "\nThời điểm gửi: <b>{when}</b>."
ANNOUNCE_NO_GROUPS = "Chưa có nhóm nào nhận được thông báo{tag}. Hãy thêm bot vào nhóm trước."
BUTTON_SEND = "Gửi"
ANNOUNCE_SENDING = "📣 Đang gửi thông báo số {id} tới {targets} nhóm…"
ANNOUNCE_SCHEDULED = "🕗 Đã hẹn gửi thông báo số {id} lúc {when}. Xem và huỷ bằng /scheduled."
ANNOUNCE_CANCELLED = "Đã huỷ thông báo số {id}."
ANNOUNCE_NOT_CANCELLABLE = "Thông báo số {id} đã gửi hoặc đã huỷ, không huỷ được nữa."
ANNOUNCE_REPORT = (
    "📣 <b>Báo cáo thông báo số {id}</b>\n"
    "Đã gửi: {sent} · Thất bại: {failed} · Bỏ qua (đã tắt thông báo): {skipped}{uncertain}{failures}"
)
ANNOUNCE_REPORT_UNCERTAIN = "\nCó thể nhận 2 lần (gửi lại sau sự cố): {uncertain}"
ANNOUNCE_REPORT_FAILURES = "\nLý do thất bại:\n{lines}"
SCHEDULE_BAD_TIME = "Thời điểm không hợp lệ. Dùng dạng <code>2026-12-01 08:00</code> (giờ {zone})."
SCHEDULE_PAST = "Thời điểm {when} đã qua. Hãy chọn một thời điểm trong tương lai."
SCHEDULED_EMPTY = "Không có thông báo nào đang chờ gửi."
SCHEDULED_TITLE = "🕗 <b>Thông báo đang chờ gửi</b>"
SCHEDULED_LINE = "<b>{id}.</b> {when}{tag} — {preview}"
BUTTON_CANCEL_N = "Huỷ số {id}"
GROUPS_EMPTY = "Bot chưa ở trong nhóm nào."
GROUPS_TITLE = "👥 <b>{count} nhóm</b> ({active} đang hoạt động)"
GROUPS_LINE = "• {title} — {state}{optout}{tags}"
GROUP_STATE_ACTIVE = "hoạt động"
GROUP_STATE_INACTIVE = "đã rời/bị chặn"
GROUP_OPTED_OUT = ", đã tắt thông báo"
GROUP_TAGS = ", nhãn: {tags}"
GROUP_ONLY = "Lệnh này dùng trong nhóm."
GROUP_ADMIN_ONLY = "Chỉ quản trị viên của nhóm mới đổi được cài đặt này."
GROUP_ANNOUNCEMENTS_USAGE = "Cú pháp: <code>/announcements on</code> hoặc <code>/announcements off</code>"
GROUP_ANNOUNCEMENTS_ON = "🔔 Nhóm này sẽ nhận thông báo chung."
GROUP_ANNOUNCEMENTS_OFF = "🔕 Nhóm này sẽ không nhận thông báo chung nữa."
GROUP_PENDING = (
    "👥 Nhóm «{title}» vừa thêm bot (người thêm: {by}). Nhóm chỉ nhận thông báo sau khi được duyệt."
)
BUTTON_APPROVE = "Duyệt"
BUTTON_LEAVE = "Rời nhóm"
GROUP_APPROVED = "✅ Đã duyệt nhóm «{title}»: nhóm sẽ nhận thông báo."
GROUP_LEFT = "👋 Đã rời nhóm «{title}»."
GROUP_UNKNOWN = "Không tìm thấy nhóm này."
GROUP_NOT_APPROVED = "Nhóm này chưa được quản trị viên Hỏi Đoàn duyệt nhận thông báo."
GROUP_STATE_PENDING = "chờ duyệt"
GROUP_STATE_REJECTED = "đã từ chối"
GROUP_TAGS_INVALID = (
    "Nhãn chỉ gồm chữ không dấu, số, dấu gạch (tối đa 32 ký tự), tối đa {max} nhãn. Ví dụ: /tag khoi-co-quan"
)
GROUP_TAGS_SET = "🏷 Nhãn của nhóm: {tags}"
GROUP_TAGS_NONE = "Nhóm chưa có nhãn. Đặt nhãn: <code>/tag khoi-co-quan, khoi-truong-hoc</code>"
ANNOUNCEMENT_TITLE = "Thông báo: {first_line}"

COMMANDS_ADMIN.update({
    "announce": "Gửi thông báo tới các nhóm",
    "schedule": "Hẹn giờ gửi thông báo",
    "scheduled": "Thông báo đang chờ gửi",
    "groups": "Danh sách nhóm",
})
COMMANDS_GROUP_ADMIN = {
    "announcements": "Bật/tắt nhận thông báo chung (on/off)",
    "tag": "Đặt nhãn cho nhóm",
}


def read_reason(code: str) -> str:
    """The Vietnamese sentence for a reading failure's or a note's code."""
    return READ_REASONS.get(str(code), READ_REASON_OTHER)
