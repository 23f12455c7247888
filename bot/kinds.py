"""The closed vocabularies that several modules share: the file types the bot reads, what
a file really contains, the kinds of document, and the states stored in the database.
Each is defined once, here; the readers, the settings, the store and the chat layer use
these names, never their own strings.

Example::

    >>> FileType("docx").suffix, Kind("plan") is Kind.PLAN
    ('.docx', True)
    >>> ".tiff" in SUPPORTED_SUFFIXES and ".exe" not in SUPPORTED_SUFFIXES
    True
"""

from __future__ import annotations

from enum import StrEnum


class FileType(StrEnum):
    """A file name's type (its suffix) that the bot can read; admins may upload a subset
    (``HOIDOAN_UPLOAD_TYPES``)."""

    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"
    RTF = "rtf"
    TXT = "txt"
    MD = "md"
    HTML = "html"
    HTM = "htm"
    PNG = "png"
    JPG = "jpg"
    JPEG = "jpeg"
    TIF = "tif"
    TIFF = "tiff"

    @property
    def suffix(self) -> str:
        return "." + self.value


SUPPORTED_SUFFIXES = tuple(t.suffix for t in FileType)


class Container(StrEnum):
    """What a file really is, from its first bytes (a ".doc" saved as RTF is RTF)."""

    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"
    RTF = "rtf"
    HTML = "html"
    IMAGE = "image"
    TXT = "txt"
    MD = "md"
    ZIP = "zip"  # not a document: refused


class Kind(StrEnum):
    """What a document is, as its type line says ("KẾ HOẠCH" is a plan)."""

    ARTICLE = "article"
    RESOLUTION = "resolution"
    CHARTER = "charter"
    ANNOUNCEMENT = "announcement"
    FAQ = "faq"
    LAW = "law"
    GUIDE = "guide"
    PLAN = "plan"
    DECISION = "decision"
    DIRECTIVE = "directive"
    REPORT = "report"
    LETTER = "letter"
    REGULATION = "regulation"
    MINUTES = "minutes"
    CONTRACT = "contract"


class Approval(StrEnum):
    """A group's standing for announcements: a stranger's group waits for a bot admin."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DeliveryState(StrEnum):
    """One announcement's delivery to one group, in the outbox."""

    PENDING = "pending"
    SENDING = "sending"  # claimed; recorded before the Bot API call
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # the group opted out


class AnnouncementStatus(StrEnum):
    DRAFT = "draft"  # previewed, not confirmed
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    SENDING = "sending"
    DONE = "done"
