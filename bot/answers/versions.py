"""Newest version wins: which documents replace which.

Two documents are versions of one when they have the same kind and the same subject, the
title without what changes between editions: years, numbers, the term ("khóa XII",
"nhiệm kỳ 2022-2027", "năm 2024"). "Điều lệ Công đoàn Việt Nam khóa XII" is replaced by
"... khóa XIII", "Luật Công đoàn 2012" by "Luật Công đoàn 2024", a plan for 2023 by the
plan for 2024. The newer one is known by its date, else by the year or term in its title;
when that cannot tell them apart, nothing is linked (never on a guess).

Admins correct the guess: ``knowledge/versions.tsv`` (written by ``/replace``) holds lines
``OLD_ID<TAB>NEW_ID`` (OLD is replaced by NEW) and ``OLD_ID<TAB>-`` (OLD is replaced by
nothing), and wins over the guess.

Example::

    >>> subject("Điều lệ Công đoàn Việt Nam khóa XIII (toàn văn)")
    'dieu le cong doan viet nam'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from bot.search.index import DocInfo
from bot.text import fold

VERSIONS_FILE = "versions.tsv"
NOT_REPLACED = "-"

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_TERM = re.compile(r"\b(?:khoa|nhiem ky|lan thu|dai hoi)\s+([0-9ivxlc]+)(?:\s*[-–]\s*\d+)?\b")
_EDITION_WORDS = re.compile(r"\b(?:khoa|nhiem ky|lan thu|dai hoi|nam|so)\s+[0-9ivxlc]+(?:\s*[-–]\s*\d+)?\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBERISH = re.compile(r"\b\d[\w/.-]*|\([^)]*\)|[^\w\s]")
MIN_SUBJECT_WORDS = 3  # "quyet dinh" alone is a type, not a subject


def subject(title: str) -> str:
    """The title without what changes between editions (years, numbers, term, parentheses)."""
    text = _EDITION_WORDS.sub(" ", fold(title))
    text = _NUMBERISH.sub(" ", text)
    return " ".join(text.split())


def _roman(text: str) -> int | None:
    if not text or any(c not in _ROMAN for c in text):
        return None
    values = [_ROMAN[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def edition(doc: DocInfo) -> dict[str, object]:
    """What can order editions, as far as the document tells: its date, the term in its title
    ("khóa XIII" -> 13), the newest year in its title."""
    folded = fold(doc.title)
    out: dict[str, object] = {}
    if doc.date:
        out["date"] = doc.date
    terms = [_roman(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() and len(m.group(1)) < 4 else 0)
             for m in _TERM.finditer(folded)]
    if any(terms):
        out["term"] = max(terms)
    years = [int(y) for y in _YEAR.findall(folded)]
    if years:
        out["year"] = max(years)
    return out


def read_overrides(knowledge_dir: Path) -> dict[str, str]:
    """Admins' links from ``knowledge/versions.tsv``: old id -> new id, or "-" for none."""
    path = knowledge_dir / VERSIONS_FILE
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split("\t")
        if len(parts) == 2 and parts[0].strip() and parts[1].strip():
            out[parts[0].strip()] = parts[1].strip()
    return out


def write_override(knowledge_dir: Path, old_id: str, new_id: str | None) -> None:
    """Record that ``old_id`` is replaced by ``new_id`` (None: by nothing); atomic."""
    links = read_overrides(knowledge_dir)
    links[old_id] = new_id or NOT_REPLACED
    path = knowledge_dir / VERSIONS_FILE
    tmp = path.with_name(f".{VERSIONS_FILE}.{os.getpid()}")
    body = "".join(f"{old}\t{new}\n" for old, new in sorted(links.items()))
    tmp.write_text("# replaced document<TAB>replacing document (- : not replaced); see /replace\n" + body,
                   encoding="utf-8")
    os.replace(tmp, path)


def replacements(docs: Iterable[DocInfo], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Old document id -> the id of the newest version that replaces it."""
    docs = list(docs)
    known = {d.doc_id for d in docs}
    groups: dict[tuple[str, str], list[DocInfo]] = {}
    for doc in docs:
        topic = subject(doc.title)
        if len(topic.split()) >= MIN_SUBJECT_WORDS:
            groups.setdefault((doc.kind, topic), []).append(doc)
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        editions = [(edition(d), d) for d in group]
        # The first measure every edition states orders them; none shared: no guess.
        measure = next((m for m in ("date", "term", "year") if all(m in e for e, _ in editions)), None)
        if measure is None:
            continue
        editions.sort(key=lambda ed: ed[0][measure])  # type: ignore[arg-type, return-value]
        newest_edition, newest = editions[-1]
        if sum(1 for e, _ in editions if e[measure] == newest_edition[measure]) > 1:
            continue  # two "newest": cannot tell
        for _, doc in editions[:-1]:
            out[doc.doc_id] = newest.doc_id
    for old, new in (overrides or {}).items():
        if new == NOT_REPLACED:
            out.pop(old, None)
        elif old in known and new in known and old != new:
            out[old] = new
    # A chain (2012 -> 2019 -> 2024 set by hand) points at its end.
    for old in list(out):
        seen = {old}
        while out[old] in out and out[old] not in seen:
            seen.add(out[old])
            out[old] = out[out[old]]
    return out
