"""Plain-text layouts of an :class:`~bot.answer.Answer`, for the console chat and logs.

Pure functions: answer object in, string out. The Telegram (HTML) layouts live next to
the Telegram code and follow the same shape.

Example::

    >>> from bot.answer import Answer
    >>> render_text(Answer("asdfgh", [], 0.0, True), contact="Bí thư chi đoàn").startswith("Xin lỗi")
    True
"""

from __future__ import annotations

from bot import messages
from bot.answer import Answer, Result
from bot.faq import Faq


def format_date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}"


def source_line(result: Result) -> str:
    parts = [messages.SOURCE.format(title=result.title)]
    if result.heading and result.heading not in result.title:
        parts.append(result.heading)
    if result.date:
        parts.append(messages.DATE.format(date=format_date(result.date)))
    parts.append(result.url or result.source)
    line = " · ".join(parts)
    return line + "\n" + messages.REPLACED_BY.format(title=result.replaced_by) if result.replaced_by else line


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
    lines = []
    if answer.restored_question:
        lines.append(messages.RESTORED_NOTE.format(restored=answer.restored_question))
    lines.append(messages.NOT_SURE_HEADER if answer.not_sure else messages.ANSWER_HEADER)
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
