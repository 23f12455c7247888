"""What every reader shares: the options (budgets), what a reader returns, its error, and
the legacy-font conversion applied to every container's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.documents.encodings import convert, to_unicode
from bot.documents.failures import Note, ReadFailure
from bot.documents.ocr import OcrEngine

Progress = Callable[[int, int], None]


class ReadError(ReadFailure):
    """A file could not be read by its container's reader (``code``, English detail)."""


@dataclass
class ReadOptions:
    """Budgets for one file (set from :class:`bot.settings.Settings`)."""

    ocr: OcrEngine = field(default_factory=OcrEngine)
    max_ocr_pages: int = 50
    max_pages: int = 2000
    max_unzipped_mb: float = 200.0
    max_zip_ratio: float = 150.0  # a member that inflates more than this is a bomb, not a document
    max_chars: int = 5_000_000


@dataclass
class Extraction:
    """What a reader found, before cleaning and metadata."""

    pages: list[str]
    wrapped: bool = False  # lines are layout lines (PDF, OCR) to be joined into paragraphs
    meta: dict[str, str] = field(default_factory=dict)  # only metadata a person wrote on purpose
    page_count: int | None = None
    ocr_pages: int = 0
    encoding: str | None = None  # legacy encoding converted from
    notes: list[Note] = field(default_factory=list)  # what the admin should know


def convert_legacy(extraction: Extraction, skip: set[int] | None = None) -> None:
    """Convert TCVN3/VNI pages to Unicode; OCR output is Unicode already."""
    own = "\n".join(p for i, p in enumerate(extraction.pages) if not skip or i not in skip)
    _, encoding = to_unicode(own[:200_000]) if own.strip() else ("", None)
    if encoding is None:
        return
    extraction.encoding = encoding
    extraction.pages = [p if skip and i in skip else convert(p, encoding) for i, p in enumerate(extraction.pages)]
