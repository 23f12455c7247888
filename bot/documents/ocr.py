"""Optical character recognition of scanned pages with Tesseract and its Vietnamese data.

Tesseract is a system program (Debian ``tesseract-ocr`` + ``tesseract-ocr-vie``); it runs
as a child process per page, so a page that takes too long is killed without harming
the reader. Where it is missing, a scanned file is reported ("OCR engine not installed"),
never silently indexed empty.

Example::

    >>> engine = OcrEngine()  # doctest: +SKIP
    >>> engine.available()  # doctest: +SKIP
    True
    >>> engine.image_text(Path("scan.png").read_bytes())  # doctest: +SKIP
    'CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM ...'
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

OCR_DPI = 300
MAX_PAGE_PIXELS = 40_000_000  # a forged 5 m x 5 m page must not render to gigabytes


class OcrError(Exception):
    """A page could not be read by OCR; the message says why (English)."""


@functools.cache
def _languages(binary: str) -> frozenset[str]:
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


@dataclass
class OcrEngine:
    """Runs ``tesseract`` on one page image at a time, within a time budget."""

    language: str = "vie"
    page_timeout: float = 90.0
    binary: str = "tesseract"

    def missing(self) -> str | None:
        """Why OCR cannot run here (English), or None when it can."""
        path = shutil.which(self.binary)
        if path is None:
            return "OCR engine not installed (Debian packages tesseract-ocr and tesseract-ocr-vie)"
        if self.language not in _languages(path):
            return f"Tesseract has no '{self.language}' language data (Debian package tesseract-ocr-{self.language})"
        return None

    def available(self) -> bool:
        return self.missing() is None

    def image_text(self, image: bytes) -> str:
        """Text of one page image (PNG, JPEG or TIFF bytes)."""
        reason = self.missing()
        if reason:
            raise OcrError(reason)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one page per core; no thread oversubscription
        try:
            done = subprocess.run([self.binary, "stdin", "stdout", "-l", self.language, "--psm", "3"],
                                  input=image, capture_output=True, timeout=self.page_timeout, env=env)
        except subprocess.TimeoutExpired as err:
            raise OcrError(f"OCR of a page took over {self.page_timeout:.0f} s") from err
        except OSError as err:
            raise OcrError(f"cannot run Tesseract ({err})") from err
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise OcrError(f"Tesseract failed ({detail[0][:200]})")
        return done.stdout.decode("utf-8", "replace")


def render_scale(width_pt: float, height_pt: float, dpi: int = OCR_DPI) -> float:
    """PDF-points-to-pixels scale for OCR: ``dpi``, lowered so a page stays under MAX_PAGE_PIXELS."""
    scale = dpi / 72
    pixels = max(width_pt, 1.0) * max(height_pt, 1.0) * scale * scale
    if pixels > MAX_PAGE_PIXELS:
        scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5
    return scale
