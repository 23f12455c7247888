"""Failure reasons are codes: admins read the sentence of the code, whatever the English says."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages
from bot.documents.failures import Failure, Note
from bot.documents.ingest import Document, IngestError, load_document
from bot.documents.sandbox import SandboxReader


def test_every_code_has_a_vietnamese_sentence() -> None:
    assert set(messages.READ_REASONS) == {code.value for code in Failure}
    assert messages.read_reason(Failure.PASSWORD) == messages.READ_REASONS["password"]


def test_rewording_a_detail_changes_nothing_an_admin_reads() -> None:
    one = IngestError(Failure.SUSPICIOUS_ARCHIVE, "unpacks to 900 MB, over the 200 MB limit")
    other = IngestError(Failure.SUSPICIOUS_ARCHIVE, "an archive that expands far too much")
    assert messages.read_reason(one.code) == messages.read_reason(other.code) == messages.READ_REASONS[
        "suspicious_archive"]


def test_a_code_survives_the_sandbox_and_the_read_cache(tmp_path: Path) -> None:
    (tmp_path / "not-text.txt").write_bytes(bytes(range(256)) * 40)
    with pytest.raises(IngestError) as here:
        load_document(tmp_path / "not-text.txt", tmp_path)
    with SandboxReader() as reader, pytest.raises(IngestError) as there:
        reader.read(tmp_path / "not-text.txt", tmp_path)
    assert here.value.code is there.value.code is Failure.NOT_THIS_TYPE


def test_notes_keep_their_code_through_a_documents_dict() -> None:
    doc = Document("d", "T", "text", "d.pdf", notes=[Note(Failure.OCR_BUDGET, "OCR stopped after 50 of 80")])
    again = Document.from_dict(doc.to_dict())
    assert again.notes == doc.notes and again.notes[0].code is Failure.OCR_BUDGET
