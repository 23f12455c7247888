"""A photo or scan of a page (PNG, JPEG, TIFF): OCR."""

from __future__ import annotations

from pathlib import Path

from bot.documents.failures import Failure
from bot.documents.ocr import OcrError
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions


# --- images --------------------------------------------------------------------------------------
def read_image(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    reason = options.ocr.missing()
    if reason:
        raise ReadError(Failure.NO_OCR, f"a picture needs OCR and {reason}")
    try:
        text = options.ocr.image_text(path.read_bytes())
    except OcrError as err:
        raise ReadError(Failure.BROKEN, str(err)) from err
    if progress:
        progress(1, 1)
    return Extraction([text], wrapped=True, page_count=1, ocr_pages=1)
