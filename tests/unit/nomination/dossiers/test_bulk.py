"""A unit's spreadsheet of nominees: valid rows become dossiers once, invalid rows are named."""

from __future__ import annotations

import io

import openpyxl
import pytest

from services.nomination.dossiers.base import NotAllowedError
from services.nomination.dossiers.bulk import (
    ALL_COLUMNS,
    COLUMNS,
    EXAMPLE_SHEET,
    HELP_SHEET,
    SHEET,
    SUBMISSION_SHEET,
    BulkSubmissions,
    SpreadsheetError,
    read_rows,
    template,
)
from services.nomination.dossiers.domainmodel import Dossier, Submission
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CLERK, NOW, OTHER_CLERK, World


def spreadsheet(rows: list[list[object]], header: list[str] = COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(n: int, award: str = "BKT", kind: str = "Cá nhân", **changes: object) -> list[object]:
    cells = dict(zip(COLUMNS, [n, award, 2025, "cong_trang", kind, f"Giáo viên số {n}", "", "01/02/1985", "Nữ",
                               "Giáo viên", "Dạy giỏi", "", ""], strict=True))
    cells.update(changes)
    return list(cells.values())


def test_every_valid_row_becomes_a_dossier_and_every_invalid_row_is_named() -> None:
    world = World()
    bulk = BulkSubmissions(world.app, world.drafting)
    data = spreadsheet([row(1), row(2), row(3, kind="Con vật"), row(4, award="KHONGCO"),
                        row(5, **{"Ngày sinh": "31/02/1990"}), row(6, award="HCLD3", kind="Tập thể"), row(7)])
    sheet = read_rows(data, "SGDDT", 2025, "Tờ trình 12/TTr-SGDĐT")
    rows, errors = sheet.rows, sheet.errors
    outcome = bulk.submit_rows(CLERK, "SGDDT", 2025, sheet.title, rows, "xlsx", NOW)
    assert outcome.created == 3
    problems = sorted([(e["row"], e.get("column")) for e in errors] + [(e["row"], None) for e in outcome.errors])
    assert problems == [(4, "Đối tượng"), (5, None), (6, "Ngày sinh"), (7, None)]  # header is row 1
    assert len(world.app.repository.get(outcome.submission_id).dossiers) == 3


def test_the_same_file_twice_adds_nothing() -> None:
    world = World()
    bulk = BulkSubmissions(world.app, world.drafting)
    rows = read_rows(spreadsheet([row(n) for n in range(1, 51)]), "SGDDT", 2025, "Đợt 1").rows
    first = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 1", rows, "xlsx", NOW)
    before = world.app.recorder.max_notification_id()
    second = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 1", rows, "xlsx", NOW)
    assert (first.created, second.created, second.already_there) == (50, 0, 50)
    assert world.app.recorder.max_notification_id() == before


def test_batches_keep_the_rows_order_and_a_row_in_error_stops_only_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("services.nomination.dossiers.bulk.BATCH", 4)  # rows read ahead four at a time
    world = World()
    bulk = BulkSubmissions(world.app, world.drafting)
    broken = {3: {"Mã danh hiệu/hình thức": "KHONGCO"}, 6: {"Đối tượng": "Hộ gia đình"}, 9: {"Loại hình": "khong_co"}}
    rows = [row(n, **broken.get(n, {})) for n in range(1, 12)] + [row(2, "CSTDT")]  # row 2's nominee again
    sheet = read_rows(spreadsheet(rows), "SGDDT", 2025, "Đợt 2")
    first = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 2", sheet.rows, "xlsx", NOW)
    assert [e["row"] for e in first.errors] == [4, 7, 10]  # the header is row 1
    submission: Submission = world.app.repository.get(first.submission_id)
    opened: list[Dossier] = [world.app.repository.get(d) for d in submission.dossiers]
    assert [(d.nominee["name"], d.award_code) for d in opened] == [
        (f"Giáo viên số {n}", "BKT") for n in range(1, 12) if n not in broken] + [("Giáo viên số 2", "CSTDT")]
    again = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 2", sheet.rows, "xlsx", NOW)
    assert (again.created, again.already_there, [e["row"] for e in again.errors]) == (0, 9, [4, 7, 10])
    assert world.app.repository.get(first.submission_id).dossiers == submission.dossiers


@pytest.mark.parametrize(("data", "message"), [
    (b"not a spreadsheet", "Không đọc được"),
    (b"PK\x03\x04broken", "Không đọc được"),
    (spreadsheet([row(1)], header=["Họ tên", "Năm"]), "tiêu đề không đúng mẫu"),
])
def test_a_broken_file_is_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(SpreadsheetError, match=message):
        read_rows(data, "SGDDT", 2025, "Đợt 1")


def filled(template_data: bytes, rows: list[list[object]], title: str | None = None) -> bytes:
    """The template as a clerk fills it in: rows on the list sheet, the title on its own sheet."""
    book = openpyxl.load_workbook(io.BytesIO(template_data))
    for values in rows:
        book[SHEET].append(values)
    if title is not None:
        book[SUBMISSION_SHEET]["B1"] = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_template_never_imports_its_own_example() -> None:
    empty = read_rows(template(2026), "SGDDT", title="Đợt 1")
    assert (empty.rows, empty.errors) == ([], [])
    book = openpyxl.load_workbook(io.BytesIO(template(2026)))
    assert book.sheetnames == [SHEET, SUBMISSION_SHEET, EXAMPLE_SHEET, HELP_SHEET]
    example = [c.value for c in book[EXAMPLE_SHEET][2]]
    assert example[:2] == [1, "LDTT"] and book[SHEET].max_row == 1  # the example is only on its own sheet
    copied = read_rows(filled(template(2026), [example, row(2)]), "SGDDT", title="Đợt 1")
    assert [n for n, _ in copied.rows] == [3]  # the example copied into the list is reported, not imported
    assert copied.errors[0]["row"] == 2 and "dòng ví dụ" in copied.errors[0]["error"]


def test_the_template_carries_the_title_and_the_year_the_upload_needs() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template(2026)))
    labels = {r[0].value: r[1].value for r in book[SUBMISSION_SHEET].iter_rows(max_col=2)}
    assert labels == {"Tên đợt đề nghị (số, ký hiệu tờ trình)": None, "Năm đề nghị": 2026}
    assert [c.value for c in book[SHEET][1]] == ALL_COLUMNS  # the priority groups' columns after the others
    assert [r[0].value for r in book[HELP_SHEET].iter_rows(min_row=2, max_row=len(ALL_COLUMNS) + 1)] == ALL_COLUMNS
    no_year = row(1)
    no_year[COLUMNS.index("Năm thành tích")] = None
    sheet = read_rows(filled(template(2026), [no_year], title="Tờ trình 5/TTr-SGDĐT"), "SGDDT")
    assert (sheet.title, sheet.year, sheet.errors) == ("Tờ trình 5/TTr-SGDĐT", 2026, [])
    assert [new.year for _, new in sheet.rows] == [2026]  # an empty achievement year is the submission's
    chosen = read_rows(filled(template(2026), [row(1)], title="Tờ trình 5/TTr-SGDĐT"), "SGDDT", 2025, "Đợt khác")
    assert (chosen.title, chosen.year) == ("Đợt khác", 2025)  # the form, when sent, prevails


def test_a_template_without_its_title_is_refused_whole() -> None:
    with pytest.raises(SpreadsheetError, match="Thiếu tên đợt đề nghị"):
        read_rows(filled(template(2026), [row(1)]), "SGDDT")
    with pytest.raises(SpreadsheetError, match="Thiếu năm đề nghị"):
        read_rows(spreadsheet([row(1)]), "SGDDT", title="Đợt 1")


def test_a_submission_is_read_by_its_unit_and_the_province_only() -> None:
    world = World()
    bulk = BulkSubmissions(world.app, world.drafting)
    rows = read_rows(spreadsheet([row(1)]), "SGDDT", 2025, "Đợt 1").rows
    outcome = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 1", rows, "xlsx", NOW)
    assert bulk.get(outcome.submission_id, CLERK).title == "Đợt 1"
    assert len(bulk.get(outcome.submission_id, APPRAISER).dossiers) == 1
    with pytest.raises(NotAllowedError, match="chính mình"):
        bulk.get(outcome.submission_id, OTHER_CLERK)
