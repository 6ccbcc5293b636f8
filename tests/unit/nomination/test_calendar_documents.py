"""Working days with Vietnamese holidays, and documents checked by their content."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest

from services.nomination.calendar import DEFAULT_FILE, WorkingCalendar, YearNotConfiguredError
from services.nomination.documents import DocumentMissingError, DocumentRejectedError, FileStore, check_upload, sniff
from services.nomination.yamlconfig import ConfigError

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
    assert [CALENDAR.is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [
        True, False, False, False, False, False, False, False, False, False, True]  # 13/2 … 23/2


def test_national_day_and_labour_day_are_not_working_days() -> None:
    assert not CALENDAR.is_working_day(date(2026, 9, 2))
    assert not CALENDAR.is_working_day(date(2026, 5, 1))
    assert CALENDAR.is_working_day(date(2026, 5, 4))
    assert not CALENDAR.is_working_day(date(2026, 4, 27))  # Giỗ Tổ on Sunday 26/4, observed on Monday


def test_a_day_swapped_with_a_weekend_is_worked_on_the_saturday() -> None:
    assert not CALENDAR.is_working_day(date(2026, 8, 31))  # Monday off ...
    assert CALENDAR.is_working_day(date(2026, 8, 22))  # ... for Saturday 22/8 worked (TB 9441/TB-BNV)
    assert CALENDAR.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_the_province_adds_days_off_and_working_days_of_its_own(tmp_path: Path) -> None:
    text = (DEFAULT_FILE.read_text(encoding="utf-8") + "  2028:\n    verified: true\n"
            "    source: \"Quyết định của tỉnh\"\n    days_off: [2028-03-10]\n    working_days: [2028-01-03]\n")
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    province = WorkingCalendar.from_file(path)
    assert CALENDAR.is_working_day(date(2028, 3, 10)) and not province.is_working_day(date(2028, 3, 10))
    assert not CALENDAR.is_working_day(date(2028, 1, 3)) and province.is_working_day(date(2028, 1, 3))
    assert 2028 not in province.unverified and 2028 in CALENDAR.unverified


def test_an_override_outside_its_year_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text(DEFAULT_FILE.read_text(encoding="utf-8") + "  2028:\n    verified: true\n    source: \"x\"\n"
                    "    days_off: [2029-03-10]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="10/03/2029 thuộc năm khác"):
        WorkingCalendar.from_file(path)


def test_a_year_outside_the_calendar_is_refused_not_guessed() -> None:
    with pytest.raises(YearNotConfiguredError, match="2031"):
        CALENDAR.add_working_days(date(2031, 3, 2), 5)


def test_unverified_years_and_days_are_visible() -> None:
    assert 2026 not in CALENDAR.unverified and 2027 in CALENDAR.unverified
    assert CALENDAR.unverified_days == [date(2026, 11, 24)]
    assert not CALENDAR.is_working_day(date(2026, 11, 24))  # kept as the package gives it


@pytest.mark.parametrize(("moment", "day"), [
    (datetime(2026, 2, 12, 16, 59, tzinfo=UTC), date(2026, 2, 12)),  # 23:59 in the province
    (datetime(2026, 2, 12, 17, 0, tzinfo=UTC), date(2026, 2, 13)),  # midnight in the province, still 12/2 in UTC
    (datetime(2026, 2, 13, 0, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), date(2026, 2, 13)),
])
def test_the_day_of_an_instant_is_the_provinces_calendar_day(moment: datetime, day: date) -> None:
    assert CALENDAR.day_of(moment) == day


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
