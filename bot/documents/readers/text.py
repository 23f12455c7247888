"""Plain text and Markdown (any of the encodings offices used, with `key: value` front
matter) and HTML (trafilatura keeps the article, drops the page furniture)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bot.documents.encodings import decode_bytes, to_unicode
from bot.documents.failures import Failure
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions
from bot.text import fold

# --- text, HTML ----------------------------------------------------------------------------------
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter (no nesting); the rest of the text."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end():]


def read_text(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    text, encoding = decode_bytes(path.read_bytes())
    if "\x00" in text:
        raise ReadError(Failure.NOT_THIS_TYPE, "not a text file (binary data)")
    meta, body = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    if encoding is None:
        body, encoding = to_unicode(body)
    return Extraction([body], meta=meta, encoding=encoding)


# Markdown markup that is not text: emphasis runs ("**QUYẾT ĐỊNH**", "*Hà Nội, ngày ...*"),
# heading marks, table rules, links and images (their text is kept).
_EMPHASIS = re.compile(r"(\*{1,3}|(?<!_)_{2,3}(?!_))")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", re.MULTILINE)
# Emphasis that a converter opened inside a word ("**V****ề việc s****ắp xếp"): the letters
# before it have no vowel, so they are not a syllable of their own.
_IN_WORD = re.compile(r"(?<=\w)(?:\*{1,3}|(?<!_)_{2,3}(?!_))+(?=\w)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _in_word(match: re.Match[str]) -> str:
    start = match.start()
    letters = re.search(r"[^\W\d_]*$", match.string[max(0, start - 8):start])
    syllable = fold(letters.group(0)) if letters else ""
    return "" if syllable and not re.search(r"[aeiouy]", syllable) else " "


def plain_markdown(text: str) -> str:
    r"""Markdown as the words a reader sees: the letterhead reading and the passages members
    are shown must not carry "**" and "#".

    >>> plain_markdown("**QUYẾT / ĐỊNH**\n## Điều 1\n|---|---|\n[Tải về](http://x)")
    'QUYẾT / ĐỊNH\nĐiều 1\n\nTải về'
    >>> plain_markdown("**V****ề việc s****ắp xếp**")
    'Về việc sắp xếp'
    """
    text = _IN_WORD.sub(_in_word, text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _TABLE_RULE.sub("", text)
    text = _HEADING.sub("", text)
    return "\n".join(" ".join(_EMPHASIS.sub(" ", line).split()) if _EMPHASIS.search(line) else line
                     for line in text.split("\n"))


def read_markdown(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    extraction = read_text(path, options, progress)
    return replace(extraction, pages=[plain_markdown(page) for page in extraction.pages])


def read_html(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    import trafilatura
    from bs4 import BeautifulSoup

    raw, _ = decode_bytes(path.read_bytes())
    text = trafilatura.extract(raw, include_comments=False, include_tables=True, favor_recall=True)
    meta: dict[str, str] = {}
    extracted = trafilatura.extract_metadata(raw)
    if extracted is not None:
        for key in ("title", "date", "url"):
            value = getattr(extracted, key, None)
            if value:
                meta[key] = str(value)
    if not text:  # very short pages: fall back to all visible text
        soup = BeautifulSoup(raw, "html.parser")
        for tag in soup(["script", "style", "nav", "header", "footer"]):
            tag.decompose()
        text = soup.get_text("\n")
        if soup.title and soup.title.string and "title" not in meta:
            meta["title"] = soup.title.string
    body, encoding = to_unicode(text or "")
    return Extraction([body], meta=meta, encoding=encoding)
