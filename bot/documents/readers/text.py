"""Plain text and Markdown (any of the encodings offices used, with `key: value` front
matter) and HTML (trafilatura keeps the article, drops the page furniture)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.documents.encodings import decode_bytes, to_unicode
from bot.documents.failures import Failure
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions

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
