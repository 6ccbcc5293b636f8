"""Working days with Vietnamese holidays, and documents checked by their content."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import pytest

from services.nomination.calendar import WorkingCalendar, YearNotConfiguredError
from services.nomination.documents import DocumentMissingError, DocumentRejectedError, FileStore, check_upload, sniff

CALENDAR = WorkingCalendar.from_file()
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


def word_file() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def test_ten_working_days_skip_weekends_and_tet() -> None:
    # from Friday 13/02/2026: Tết 16–20/02 and two weekends are not counted
    assert CALENDAR.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 6)
    assert CALENDAR.working_days_between(date(2026, 2, 13), date(2026, 3, 6)) == 10


def test_national_day_and_labour_day_are_not_working_days() -> None:
    assert not CALENDAR.is_working_day(date(2026, 9, 2))
    assert not CALENDAR.is_working_day(date(2026, 5, 1))
    assert CALENDAR.is_working_day(date(2026, 5, 4))


def test_a_year_without_a_holiday_list_is_refused_not_guessed() -> None:
    with pytest.raises(YearNotConfiguredError, match="2031"):
        CALENDAR.add_working_days(date(2031, 3, 2), 5)


def test_unverified_years_are_visible() -> None:
    assert 2026 in CALENDAR.unverified


@pytest.mark.parametrize(("data", "filename", "declared", "expected"), [
    (PDF, "to-trinh.pdf", "application/pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n0000", "anh.png", None, "image/png"),
    (b"\xff\xd8\xff\xe0jpeg", "anh.JPG", "image/jpeg", "image/jpeg"),
])
def test_accepted_uploads(data: bytes, filename: str, declared: str | None, expected: str) -> None:
    assert check_upload(data, filename, declared, 1024) == expected


def test_a_word_document_is_recognised_inside_its_zip() -> None:
    data = word_file()
    assert sniff(data) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert check_upload(data, "bao-cao.docx", None, 10**6).endswith("document")


@pytest.mark.parametrize(("data", "filename", "declared", "message"), [
    (b"", "trong.pdf", None, "rỗng"),
    (PDF * 100, "lon.pdf", None, "vượt giới hạn"),
    (b"MZ\x90\x00 windows program", "bao-cao.pdf", "application/pdf", "không phải PDF"),
    (b"PK\x03\x04 not a real zip", "bao-cao.docx", None, "không phải PDF"),
    (PDF, "bao-cao.docx", None, "đổi đuôi"),
    (PDF, "bao-cao.pdf", "image/png", "đổi đuôi"),
])
def test_refused_uploads_say_why(data: bytes, filename: str, declared: str | None, message: str) -> None:
    with pytest.raises(DocumentRejectedError, match=message):
        check_upload(data, filename, declared, 1024)


def test_the_store_keeps_one_copy_per_content_and_detects_corruption(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    first, second = store.put(PDF), store.put(PDF)
    assert first == second and store.has(first) and store.get(first) == PDF
    assert len(list(tmp_path.rglob("*"))) == 3  # two folders and one file
    store.path(first).write_bytes(b"tampered")
    with pytest.raises(DocumentMissingError, match="hỏng"):
        store.get(first)
    with pytest.raises(DocumentMissingError, match="không còn"):
        store.get("0" * 64)
