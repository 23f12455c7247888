"""Plain-text layouts of an :class:`~bot.answers.answer.Answer`, for the console chat and logs.

Pure functions: answer object in, string out. The Telegram (HTML) layouts live next to
the Telegram code and follow the same shape.

Example::

    >>> from bot.answers.answer import Answer
    >>> render_text(Answer("asdfgh", [], 0.0, True), contact="Bí thư chi đoàn").startswith("Xin lỗi")
    True
    >>> from bot.answers.answer import Result
    >>> hit = Result("d", "Điều lệ Đoàn", "2022-12-15", "charter", "dieu-le.md", None, "Điều 1",
    ...              "Thanh niên từ đủ 16 đến 30 tuổi được xét kết nạp.", "Thanh niên từ đủ 16 đến 30 tuổi", 1.0)
    >>> print(render_text(Answer("mấy tuổi được vào Đoàn?", [hit], 0.9, False), "BCH").splitlines()[0])
    Trả lời: Thanh niên từ đủ 16 đến 30 tuổi
"""

from __future__ import annotations

from bot import messages
from bot.answers.answer import Answer, Result
from bot.answers.faq import Faq


def format_date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}"


def _source_parts(result: Result) -> list[str]:
    """Title, the article when the title does not name it, and the date."""
    parts = [result.title]
    if result.heading and result.heading not in result.title:
        parts.append(result.heading)
    if result.date:
        parts.append(messages.DATE.format(date=format_date(result.date)))
    return parts


def source_line(result: Result) -> str:
    title, *rest = _source_parts(result)
    line = " · ".join([messages.SOURCE.format(title=title), *rest, result.url or result.source])
    return line + "\n" + messages.REPLACED_BY.format(title=result.replaced_by) if result.replaced_by else line


def brief_source(result: Result) -> str:
    """The answer's source on one line: title · article · date."""
    return " · ".join(_source_parts(result))


def _first_highlight(answer: Answer) -> str | None:
    if answer.abstained or not answer.results:
        return None
    return " ".join(answer.results[0].highlight.split()) or None


def answer_sentence(answer: Answer) -> str | None:
    """The sentence shown as the answer: the first passage's highlight, when the band is
    confident and there is one (a "not sure" reply asserts nothing)."""
    return None if answer.not_sure else _first_highlight(answer)


def nearest_sentence(answer: Answer) -> str | None:
    """A "not sure" reply's nearest sentence, shown under its label: what a member would look
    for in the passages (a collapsed quote may hide it), asserted as nothing more."""
    return _first_highlight(answer) if answer.not_sure else None


def excerpt(passage: str, highlight: str, max_chars: int = 600) -> tuple[str, str, str]:
    """(before, highlight, after) of the passage, trimmed to about ``max_chars`` around it."""
    start = passage.find(highlight) if highlight else -1
    if start < 0:
        text = passage if len(passage) <= max_chars else passage[:max_chars].rsplit(" ", 1)[0] + " …"
        return text, "", ""
    before, after = passage[:start], passage[start + len(highlight):]
    room = max(max_chars - len(highlight), 0)
    if len(before) > room // 2:
        before = "… " + before[len(before) - room // 2:].split(" ", 1)[-1]
    if len(after) > room - len(before):
        cut = max(room - len(before), 0)
        after = after[:cut].rsplit(" ", 1)[0] + " …" if cut else " …"
    return before, highlight, after


def render_text(answer: Answer, contact: str, max_results: int = 3) -> str:
    if not answer.question.strip():
        return messages.EMPTY_QUESTION
    if answer.abstained:
        return messages.NO_ANSWER.format(contact=contact)
    # The same order as the Telegram reply: the answer and its source, how the question was
    # read, then the passages.
    lines = []
    sentence = answer_sentence(answer)
    if sentence:
        lines += [messages.ANSWER_LINE.format(answer=sentence), f"({brief_source(answer.results[0])})"]
    else:
        lines.append(messages.NOT_SURE_HEADER if answer.not_sure else messages.ANSWER_HEADER)
    if (nearest := nearest_sentence(answer)):
        lines += [messages.NEAREST_LINE.format(sentence=nearest), f"({brief_source(answer.results[0])})"]
    if answer.restored_question:
        lines.append(messages.RESTORED_NOTE.format(restored=answer.restored_question))
    if sentence:
        lines += ["", messages.PASSAGES_HEADER]
    shown = answer.results[:max_results]
    for number, result in enumerate(shown, 1):
        lines.append("")
        before, marked, after = excerpt(result.passage, result.highlight)
        text = f"{before}»{marked}«{after}" if marked else before
        lines.append(f"{number}. " + text.replace("\n", "\n   "))
        if number > 1 and shown[number - 2].doc_id == result.doc_id:  # grouped under the source above
            heading = f" · {result.heading}" if result.heading and result.heading not in result.title else ""
            lines.append(f"   ({messages.SAME_SOURCE}{heading})")
        else:
            lines.append(f"   {source_line(result)}")
    if answer.not_sure:
        lines += ["", messages.NOT_SURE_CONTACT.format(contact=contact)]
    return "\n".join(lines)


def render_faq(faq: Faq) -> str:
    return f"{messages.FAQ_TITLE_TEXT}\n{faq.question}\n{faq.answer}"
