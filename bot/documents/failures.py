"""Why a file was not read, or what an admin should know about one that was: a code per
reason, carried by the exceptions and notes, and an English detail for the logs.

What admins read is chosen by the code (:data:`bot.messages.READ_REASONS`), never from the
English wording, so rewording a detail changes no message.

Example::

    >>> err = ReadFailure(Failure.PASSWORD, "the PDF is password-protected")
    >>> err.code, str(err)
    (<Failure.PASSWORD: 'password'>, 'the PDF is password-protected')
    >>> Note.from_dict({"code": "ocr_budget", "detail": "OCR stopped after 50 of 80 pages"}).code
    <Failure.OCR_BUDGET: 'ocr_budget'>
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Failure(StrEnum):
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_LARGE = "too_large"  # over the size, page or unpacked-size limit
    TOO_LONG = "too_long"  # more text than one document may hold
    PASSWORD = "password"
    BROKEN = "broken"  # damaged, or a reader crashed on it
    SUSPICIOUS_ARCHIVE = "suspicious_archive"  # a zip bomb, thousands of parts
    NOT_THIS_TYPE = "not_this_type"  # the content is not what its name says
    NO_OCR = "no_ocr"  # a picture needs OCR and Tesseract is not installed
    SCAN_NO_OCR = "scan_no_ocr"  # a scanned PDF, and Tesseract is not installed
    NO_DOC_CONVERTER = "no_doc_converter"
    DOC_UNREADABLE = "doc_unreadable"
    NO_TEXT = "no_text"
    TOO_MUCH_MEMORY = "too_much_memory"
    TOO_SLOW = "too_slow"
    FILE_ERROR = "file_error"  # the operating system could not read it
    DUPLICATE_ID = "duplicate_id"
    # Read, with something to say:
    GARBLED = "garbled"  # the text still reads wrong (an unknown font, a poor scan)
    PAGES_NOT_READ = "pages_not_read"  # some scanned pages were not read
    OCR_BUDGET = "ocr_budget"  # OCR stopped at the page budget
    OTHER = "other"


class ReadFailure(Exception):
    """A file could not be read: ``code`` says why, ``str()`` the English detail."""

    def __init__(self, code: Failure, detail: str) -> None:
        super().__init__(detail)
        self.code = Failure(code)
        self.detail = detail


@dataclass(frozen=True)
class Note:
    """What an admin should know about a file that was read."""

    code: Failure
    detail: str  # English

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Note:
        return cls(Failure(data["code"]), data["detail"])
