"""Reply layouts for Telegram: pure functions from core objects to HTML and keyboards.

Every piece of document or user text goes through :func:`html.escape`, so a passage that
contains "<b>" or "&" shows as written. Long replies are split by :func:`split_html` at
Telegram's 4,096-character limit without breaking a tag: tags open at the cut are closed
and opened again in the next part.

Example::

    >>> split_html("<b>" + "a " * 3000 + "</b>", 4096)[1].startswith("<b>")
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import messages
from bot.answers.answer import SHOWN, Answer, Result
from bot.answers.faq import Faq
from bot.answers.render import answer_sentence, brief_source, excerpt, format_date, nearest_sentence
from bot.search.index import DocInfo
from bot.storage.store import Stats, Unanswered
from bot.telegram.callbacks import File, More, Vote, VoteReason, encode

TELEGRAM_LIMIT = 4096
SHOWN_FIRST = SHOWN  # results in the first reply; "Xem thêm" shows the rest

# --- splitting ------------------------------------------------------------------------------
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n|[^<&\s]+|[^\S\n]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


def _closers(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def clip_utf16(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units, never inside a surrogate pair."""
    if utf16_len(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > limit - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + "…"


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut HTML into parts of at most ``limit`` UTF-16 units (as Telegram counts), preferring
    line breaks and never leaving a tag open."""
    if utf16_len(text) <= limit:
        return [text]
    tokens: list[str] = []
    for tok in _TOKEN.findall(text):
        # A word longer than a message (a URL, a table row) is cut by force.
        step = limit // 4  # code points; at most two UTF-16 units each
        tokens.extend([tok[i:i + step] for i in range(0, len(tok), step)] if len(tok) > step else [tok])
    parts: list[str] = []
    cur: list[str] = []
    stack: list[tuple[str, str]] = []
    brk: tuple[int, list[tuple[str, str]]] | None = None  # (position in cur, stack) after a newline

    def length(items: list[str]) -> int:
        return sum(utf16_len(t) for t in items)

    for tok in tokens:
        new_stack = list(stack)
        if tok.startswith("</"):
            if new_stack:
                new_stack.pop()
        elif tok.startswith("<") and len(tok) > 1 and not tok.endswith("/>"):
            match = _TAG_NAME.match(tok)
            if match:
                new_stack.append((match.group(1).lower(), tok))
        if length(cur) + utf16_len(tok) + len(_closers(new_stack)) > limit and cur:
            if brk is not None and brk[0] > 0:
                at, at_stack = brk
                parts.append("".join(cur[:at]) + _closers(at_stack))
                cur = [_openers(at_stack), *cur[at:]]
            else:
                parts.append("".join(cur) + _closers(stack))
                cur = [_openers(stack)]
            brk = None
        cur.append(tok)
        stack = new_stack
        if tok == "\n":
            brk = (len(cur), list(stack))
    rest = "".join(cur)
    if rest.strip():
        parts.append(rest)
    return [p.strip("\n") for p in parts if p.strip()]


# --- answers --------------------------------------------------------------------------------
def _details_html(result: Result) -> str:
    details = []
    if result.heading and result.heading not in result.title:
        details.append(escape(result.heading))
    details.append(messages.KIND_NAMES.get(result.kind, result.kind))
    if result.date:
        details.append(messages.DATE.format(date=format_date(result.date)))
    if result.url:
        details.append(f'<a href="{escape(result.url, quote=True)}">nguồn</a>')
    elif result.path:
        details.append(f"<code>{escape(result.path)}</code>")
    return " · ".join(details)


def passage_html(result: Result) -> str:
    """A passage in an expandable quote (Bot API 7.4+: long passages fold to a few lines on a
    phone), its answering sentence in bold."""
    before, marked, after = excerpt(result.passage, result.highlight)
    body = escape(before) + (f"<b><u>{escape(marked)}</u></b>{escape(after)}" if marked else "")
    return f"<blockquote expandable>{body}</blockquote>"


def result_html(number: int, result: Result, same_source: bool = False) -> str:
    """One result; ``same_source``: the previous result is the same document, so it sits under
    that document's heading with only its own article named."""
    if same_source:
        heading = escape(result.heading) if result.heading and result.heading not in result.title else ""
        return f"<b>{number}.</b> <i>{heading or messages.SAME_SOURCE}</i>\n{passage_html(result)}"
    replaced = ("\n" + messages.REPLACED_BY_HTML.format(title=escape(result.replaced_by))
                if result.replaced_by else "")
    return (f"<b>{number}. {escape(result.title)}</b>\n<i>{_details_html(result)}</i>{replaced}\n"
            f"{passage_html(result)}")


def answer_html(answer: Answer, contact: str, start: int = 0, count: int = SHOWN_FIRST) -> str:
    """The answer to one question (results ``start`` .. ``start + count``), as one HTML text:
    the answering sentence and its source first, then the passages grouped by document."""
    if answer.abstained or not answer.results:
        return messages.NO_ANSWER_HTML.format(contact=escape(contact))
    sentence = answer_sentence(answer) if start == 0 else None
    if sentence:
        lines = [messages.ANSWER_LINE_HTML.format(answer=escape(sentence)),
                 messages.ANSWER_SOURCE_HTML.format(source=escape(brief_source(answer.results[0])))]
    elif start == 0:
        lines = [messages.NOT_SURE_TITLE if answer.not_sure else messages.ANSWER_TITLE]
        if (nearest := nearest_sentence(answer)):
            lines += [messages.NEAREST_LINE_HTML.format(sentence=escape(nearest)),
                      messages.ANSWER_SOURCE_HTML.format(source=escape(brief_source(answer.results[0])))]
    else:
        lines = [messages.MORE_TITLE]
    if start == 0 and answer.restored_question:
        lines.append(messages.RESTORED_HTML.format(restored=escape(answer.restored_question)))
    shown = answer.results[start:start + count]
    if not shown:
        return messages.NO_MORE
    if sentence:
        lines += ["", messages.PASSAGES_TITLE]
    for offset, result in enumerate(shown):
        same = offset > 0 and shown[offset - 1].doc_id == result.doc_id
        if not same:
            lines.append("")
        lines.append(result_html(start + offset + 1, result, same_source=same))
    if answer.not_sure and start == 0:
        lines += ["", messages.NOT_SURE_CONTACT_HTML.format(contact=escape(contact))]
    return "\n".join(lines)


def faq_html(faq: Faq) -> str:
    return f"{messages.FAQ_TITLE}\n\n<b>{escape(faq.question)}</b>\n{escape(faq.answer)}"


def answer_keyboard(question_id: int, results: Sequence[dict[str, Any]], start: int = 0,
                    count: int = SHOWN_FIRST, feedback: bool = True) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: more results, the shown documents' files, 👍/👎."""
    rows: list[list[InlineKeyboardButton]] = []
    if start == 0 and len(results) > count:
        rows.append([InlineKeyboardButton(messages.BUTTON_MORE, callback_data=encode(More(question_id)))])
    files = [InlineKeyboardButton(messages.BUTTON_FILE.format(n=i + 1), callback_data=encode(File(question_id, i)))
             for i in range(start, min(start + count, len(results))) if results[i].get("path")]
    if files:
        rows.append(files)
    if feedback:
        rows.append([InlineKeyboardButton(messages.BUTTON_UP, callback_data=encode(Vote(question_id, "up"))),
                     InlineKeyboardButton(messages.BUTTON_DOWN, callback_data=encode(Vote(question_id, "down")))])
    return InlineKeyboardMarkup(rows) if rows else None


def feedback_reason_keyboard(question_id: int) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=encode(VoteReason(question_id, key)))
               for key, label in messages.FEEDBACK_REASONS.items()]
    skip = InlineKeyboardButton(messages.BUTTON_SKIP, callback_data=encode(VoteReason(question_id, "skip")))
    return InlineKeyboardMarkup([buttons, [skip]])


# --- members' other replies ------------------------------------------------------------------
def welcome_html(documents: int, newest: str | None, bot_username: str, is_admin: bool) -> str:
    examples = "\n".join(f"• <i>{escape(q)}</i>" for q in messages.WELCOME_EXAMPLES)
    text = messages.WELCOME.format(documents=documents, newest=format_date(newest) or messages.NO_DOCUMENTS_DATE,
                                   examples=examples, mention=escape(f"@{bot_username}"))
    return text + (messages.WELCOME_ADMIN if is_admin else "")


# --- admin replies ---------------------------------------------------------------------------
def docs_html(docs: Sequence[DocInfo], replaced_by: Mapping[str, str] | None = None) -> str:
    """The document list; an older version says which document replaces it."""
    if not docs:
        return messages.DOCS_EMPTY
    titles = {d.doc_id: d.title for d in docs}
    lines = [messages.DOCS_TITLE.format(count=len(docs))]
    for d in docs:
        lines.append(messages.DOCS_LINE.format(
            title=escape(d.title), kind=messages.KIND_NAMES.get(d.kind, d.kind),
            number=messages.DOCS_NUMBER.format(number=escape(d.number)) if d.number else "",
            date=format_date(d.date) or messages.DATE_UNKNOWN, passages=d.chunks, doc_id=escape(d.doc_id)))
        newer = (replaced_by or {}).get(d.doc_id)
        if newer in titles:
            lines.append(messages.DOCS_REPLACED.format(title=escape(titles[newer])))
    return "\n".join(lines)


def stats_caption(stats: Stats) -> str:
    top = "\n".join(f"• {escape(clip_utf16(title, 80))} ({n})"
                    for title, n in stats.top_documents) or messages.STATS_NONE
    return messages.STATS_CAPTION.format(days=stats.days, questions=stats.questions, answered=stats.answered,
                                         abstained=stats.abstained, up=stats.thumbs_up, down=stats.thumbs_down,
                                         top=top)


def unanswered_html(items: Sequence[Unanswered]) -> str:
    if not items:
        return messages.UNANSWERED_EMPTY
    lines = [messages.UNANSWERED_TITLE]
    for item in items:
        kind, _, reason = item.why.partition(":")
        why = messages.UNANSWERED_WHY.get(kind, kind)
        if reason:
            why += " " + messages.FEEDBACK_REASONS.get(reason, reason).lower()
        # A question may be 1,000 characters of emoji: keep each line short, in Telegram's units.
        lines.append(f"• {item.created_at:%d/%m %H:%M} — {escape(clip_utf16(item.question, 300))} <i>({why})</i>")
    return "\n".join(lines)


def faq_list_html(faqs: Sequence[Faq]) -> str:
    if not faqs:
        return messages.FAQ_EMPTY
    return "\n\n".join(messages.FAQ_LINE.format(faq_id=f.faq_id, question=escape(f.question),
                                                answer=escape(f.answer)) for f in faqs)
