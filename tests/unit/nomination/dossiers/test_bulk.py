"""A unit's spreadsheet of nominees: valid rows become dossiers once, invalid rows are named."""

from __future__ import annotations

import io

import openpyxl
import pytest

from services.nomination.dossiers.bulk import COLUMNS, BulkSubmissions, SpreadsheetError, read_rows, template
from tests.unit.nomination.dossiers.test_paths import CLERK, NOW, World


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
    rows, errors, _ = read_rows(data, "SGDDT", 2025)
    outcome = bulk.submit_rows(CLERK, "SGDDT", 2025, "Tờ trình 12/TTr-SGDĐT", rows, "xlsx", NOW)
    assert outcome.created == 3
    problems = sorted([(e["row"], e.get("column")) for e in errors] + [(e["row"], None) for e in outcome.errors])
    assert problems == [(4, "Đối tượng"), (5, None), (6, "Ngày sinh"), (7, None)]  # header is row 1
    assert len(world.app.repository.get(outcome.submission_id).dossiers) == 3


def test_the_same_file_twice_adds_nothing() -> None:
    world = World()
    bulk = BulkSubmissions(world.app, world.drafting)
    rows, _, _ = read_rows(spreadsheet([row(n) for n in range(1, 51)]), "SGDDT", 2025)
    first = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 1", rows, "xlsx", NOW)
    before = world.app.recorder.max_notification_id()
    second = bulk.submit_rows(CLERK, "SGDDT", 2025, "Đợt 1", rows, "xlsx", NOW)
    assert (first.created, second.created, second.already_there) == (50, 0, 50)
    assert world.app.recorder.max_notification_id() == before


@pytest.mark.parametrize(("data", "message"), [
    (b"not a spreadsheet", "Không đọc được"),
    (b"PK\x03\x04broken", "Không đọc được"),
    (spreadsheet([row(1)], header=["Họ tên", "Năm"]), "tiêu đề không đúng mẫu"),
])
def test_a_broken_file_is_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(SpreadsheetError, match=message):
        read_rows(data, "SGDDT", 2025)


def test_the_template_reads_back_without_errors() -> None:
    rows, errors, _ = read_rows(template(), "SGDDT", 2025)
    assert errors == [] and [new.award_code for _, new in rows] == ["LDTT"]
