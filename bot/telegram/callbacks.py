"""Button data: one frozen dataclass per action, encoded to and parsed from Telegram's
64-byte ``callback_data``.

Anyone can send any callback data (a modified client forges it freely), so parsing is
strict: a fixed prefix, bounded numbers, known words. Anything else parses to ``None``
and gets a polite alert, never an exception. Handlers register with :data:`PATTERNS`
and check who pressed (the asker, or an admin) themselves.

Example::

    >>> encode(Vote(qid=12, vote="down"))
    'fb:12:down'
    >>> parse("fb:12:down")
    Vote(qid=12, vote='down')
    >>> parse("fb:99999999999999999999999:up") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from telegram import Update

from bot import messages

_ID = r"(\d{1,15})"  # a database id; larger numbers are forged (and overflow BIGINT)
_CHAT = r"(-?\d{1,15})"


@dataclass(frozen=True)
class More:
    """More results for a logged question."""

    qid: int


@dataclass(frozen=True)
class File:
    """Send the original file of the question's n-th result."""

    qid: int
    n: int


@dataclass(frozen=True)
class Vote:
    qid: int
    vote: Literal["up", "down"]


@dataclass(frozen=True)
class VoteReason:
    qid: int
    reason: Literal["wrong", "outdated", "irrelevant", "skip"]


@dataclass(frozen=True)
class Remove:
    """Confirm removing a document (``key`` is a hash of its id) or cancel."""

    key: str  # 16 hex digits, or "cancel"


@dataclass(frozen=True)
class Upload:
    """An upload whose title matches other documents: replace them, or keep both."""

    token: str  # 8 hex digits
    replace: bool


@dataclass(frozen=True)
class Announcement:
    action: Literal["send", "cancel"]
    ann_id: int


@dataclass(frozen=True)
class GroupDecision:
    """Approve a group someone else added the bot to, or leave it."""

    chat_id: int
    approve: bool


Callback = More | File | Vote | VoteReason | Remove | Upload | Announcement | GroupDecision

# Each form: its strict pattern, and how the matched groups build the action.
_FORMS: list[tuple[re.Pattern[str], Callable[[tuple[str, ...]], Callback]]] = [
    (re.compile(rf"more:{_ID}"), lambda g: More(int(g[0]))),
    (re.compile(rf"file:{_ID}:(\d{{1,2}})"), lambda g: File(int(g[0]), int(g[1]))),
    (re.compile(rf"fb:{_ID}:(up|down)"), lambda g: Vote(int(g[0]), g[1])),
    (re.compile(rf"fbr:{_ID}:(wrong|outdated|irrelevant|skip)"),
     lambda g: VoteReason(int(g[0]), g[1])),
    (re.compile(r"rm:([0-9a-f]{16}|cancel)"), lambda g: Remove(g[0])),
    (re.compile(r"up:([0-9a-f]{8}):(replace|keep)"), lambda g: Upload(g[0], g[1] == "replace")),
    (re.compile(rf"ann:(send|cancel):{_ID}"), lambda g: Announcement(g[0], int(g[1]))),
    (re.compile(rf"grp:{_CHAT}:(ok|leave)"), lambda g: GroupDecision(int(g[0]), g[1] == "ok")),
]

# Handler patterns: a button's prefix routes it; the handler then parses it strictly.
PATTERNS = {
    "answer": r"^(more|file|fb|fbr):",
    "remove": r"^rm:",
    "upload": r"^up:",
    "announcement": r"^ann:",
    "group": r"^grp:",
}


def encode(data: Callback) -> str:
    match data:
        case More(qid):
            return f"more:{qid}"
        case File(qid, n):
            return f"file:{qid}:{n}"
        case Vote(qid, vote):
            return f"fb:{qid}:{vote}"
        case VoteReason(qid, reason):
            return f"fbr:{qid}:{reason}"
        case Remove(key):
            return f"rm:{key}"
        case Upload(token, replace):
            return f"up:{token}:{'replace' if replace else 'keep'}"
        case Announcement(action, ann_id):
            return f"ann:{action}:{ann_id}"
        case GroupDecision(chat_id, approve):
            return f"grp:{chat_id}:{'ok' if approve else 'leave'}"
    raise TypeError(f"not a callback: {data!r}")


def parse(text: str | None) -> Callback | None:
    """The button's action, or None for anything malformed or forged."""
    if not text or len(text) > 64:
        return None
    for pattern, build in _FORMS:
        match = pattern.fullmatch(text)
        if match is not None:
            return build(match.groups())
    return None


T = TypeVar("T")


async def expect(update: Update, kind: type[T]) -> T | None:
    """The pressed button's data when it is a ``kind`` (the press is answered); otherwise a
    polite alert and None."""
    query = update.callback_query
    data = parse(query.data if query else None)
    if query is None:
        return None
    if isinstance(data, kind):
        await query.answer()
        return data
    await query.answer(messages.BUTTON_INVALID, show_alert=True)
    return None
