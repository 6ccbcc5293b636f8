"""Importing the province's XLSX lists: checked rows with row-numbered errors, broken files
refused whole, and the same list imported twice adds nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from services.nomination.application import Nominations
from services.nomination.history.application import History
from services.nomination.history.columns import LABELS
from services.nomination.history.config import history_config
from services.nomination.history.identity import collective_id, key_id, number_id
from services.nomination.history.importer import ImportFileError, read_sheet
from services.nomination.history.loader import ImportReport
from services.nomination.history.template import SAMPLE, write_template
from tests.unit.nomination.history.support import HEADER, NOW, TODAY, row, xlsx

GOOD = [
    row(stt=1, personal_number="004085000123", full_name="Nguyễn Văn A", born_on="05/03/1985", sex="Nam",
        unit_code="SNV", year=2023, rating="HTXSNV"),
    row(stt=2, personal_number="004085000123", full_name="Nguyễn Văn A", born_on="05/03/1985", unit_code="SNV",
        year=2024, rating="Hoàn thành xuất sắc nhiệm vụ", award="Chiến sĩ thi đua cơ sở", decision_ref="163/QĐ-UBND",
        decided_on="15/01/2025"),
    row(stt=3, full_name="Hoàng Thị Bích", born_on=date(1990, 11, 20), sex="Nữ", unit_code="snv", year=2024,
        award="Bằng khen tỉnh", decision_ref="201/QĐ-UBND", basis="Chuyên đề"),
    row(stt=4, subject="Tập thể", full_name="Phòng Thi đua - Khen thưởng", unit_code="SNV-TDKT", year=2024,
        rating="HTXSNV", award="TTLDXS"),
]


def load(history: History, data: bytes, name: str = "ds-2024.xlsx", **options: object) -> ImportReport:
    sheet = read_sheet(data, name, history_config(), TODAY)
    return history.import_sheet(sheet, by="appraiser", now=NOW, **options)


def events(app: Nominations) -> int:
    return app.recorder.max_notification_id() or 0


def test_a_good_file_creates_the_records_and_their_facts(history: History) -> None:
    report = load(history, xlsx(GOOD))
    assert (report.rows, report.valid_rows, report.errors) == (4, 4, [])
    assert (report.people_created, report.collectives_created, report.facts_added) == (2, 1, 6)
    a = history.get(number_id("004085000123"))
    assert sorted(a.facts) == ["rating/2023", "rating/2024", "title/2024/CSTDCS"]
    source = a.facts["title/2024/CSTDCS"]["source"]
    assert (source["kind"], source["file"], source["row"], len(source["checksum"])) == ("import", "ds-2024.xlsx", 3, 64)
    b = history.get(key_id("Hoàng Thị Bích", date(1990, 11, 20), "SNV"))
    assert b.facts["award/BKT/2024/201/QĐ-UBND"]["basis"] == "chuyen_de"
    assert sorted(history.get(collective_id("SNV-TDKT")).facts) == ["rating/2024", "title/2024/TTLDXS"]


def test_the_same_file_twice_adds_nothing(history: History, app: Nominations) -> None:
    load(history, xlsx(GOOD))
    before = events(app)
    again = load(history, xlsx(GOOD))
    assert (again.facts_added, again.facts_unchanged, again.people_created, again.collectives_created) == (0, 6, 0, 0)
    assert events(app) == before


def test_the_same_rows_reordered_in_another_file_add_nothing(history: History, app: Nominations) -> None:
    load(history, xlsx(GOOD))
    before = events(app)
    report = load(history, xlsx(list(reversed(GOOD))), name="ds-2024-sap-xep-lai.xlsx")
    assert (report.facts_added, report.errors) == (0, [])
    assert events(app) == before


def test_every_invalid_row_is_reported_with_its_row_and_column_and_valid_rows_are_saved(history: History) -> None:
    rows = [
        GOOD[0],
        row(personal_number="00408500012A", full_name="Lê Văn C", unit_code="SNV", year=2024, rating="HTNV"),
        row(personal_number="004086000123", full_name="Lê Văn D", born_on="05/03/1985", unit_code="SNV", year=2024,
            rating="HTNV"),
        row(full_name="Lê Văn E", born_on="31/02/1990", unit_code="SNV", year=2024, rating="HTNV"),
        row(full_name="Lê Văn G", born_on="01/01/1990", unit_code="SNV", year=2030, rating="Giỏi"),
        row(full_name="Lê Văn H", born_on="01/01/1990", unit_code="SNV", year=2024, award="Huy hiệu tỉnh"),
        row(full_name="Lê Văn I", unit_code="SNV", year=2024, rating="HTNV"),
        row(full_name="Lê Văn K", born_on="01/01/1990", unit_code="SNV", year=2024),
    ]
    report = load(history, xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [
        (3, LABELS["personal_number"]), (4, LABELS["personal_number"]), (5, LABELS["born_on"]),
        (6, LABELS["year"]), (6, LABELS["rating"]), (7, LABELS["award"]), (8, LABELS["personal_number"]),
        (9, LABELS["rating"]),
    ]
    messages = [str(e) for e in report.errors]
    assert messages[0] == "Dòng 3, cột 'Số định danh cá nhân': Ký tự thứ 12 ('A') của số định danh cá nhân " \
                          "không phải chữ số."
    assert "Chữ số thứ 5–6 (86)" in messages[1]
    assert "'31/02/1990' không phải ngày hợp lệ dạng dd/mm/yyyy" in messages[2]
    assert "'Huy hiệu tỉnh' không có trong danh mục" in messages[5]
    assert (report.valid_rows, report.facts_added) == (1, 1)
    assert "rating/2023" in history.get(number_id("004085000123")).facts


def test_a_row_contradicting_the_record_is_an_error_naming_the_earlier_source(history: History) -> None:
    load(history, xlsx(GOOD[:1]), name="ds-2023.xlsx")
    changed = row(personal_number="004085000123", full_name="Nguyễn Văn A", unit_code="SNV", year=2023, rating="HTNV")
    report = load(history, xlsx([changed]), name="ds-khac.xlsx")
    [error] = report.errors
    assert (error.row, error.column) == (2, LABELS["rating"])
    assert "xếp loại HTXSNV năm 2023 (nguồn: tệp ds-2023.xlsx dòng 2)" in error.message


def test_a_known_number_under_another_name_is_an_error_of_the_name_column(history: History) -> None:
    load(history, xlsx(GOOD[:1]))
    other = row(personal_number="004085000123", full_name="Trần Văn B", unit_code="SNV", year=2024, rating="HTNV")
    [error] = load(history, xlsx([other])).errors
    assert (error.row, error.column) == (2, LABELS["full_name"])


def test_strict_mode_saves_nothing_when_a_row_is_invalid(history: History, app: Nominations) -> None:
    bad = row(full_name="Lê Văn K", born_on="01/01/1990", unit_code="SNV", year=2024)
    report = load(history, xlsx([*GOOD, bad]), strict=True)
    assert (report.saved, len(report.errors)) == (False, 1)
    assert events(app) == 0


def test_a_dry_run_counts_without_saving(history: History, app: Nominations) -> None:
    report = load(history, xlsx(GOOD), dry_run=True)
    assert (report.saved, report.facts_added, report.people_created) == (False, 6, 2)
    assert events(app) == 0


@pytest.mark.parametrize("data", [b"not a spreadsheet", b"PK\x03\x04broken zip", xlsx([])[:200]])
def test_a_file_that_is_not_a_readable_xlsx_is_refused_whole(data: bytes) -> None:
    with pytest.raises(ImportFileError, match=r"không phải bảng tính Excel \(.xlsx\) đọc được"):
        read_sheet(data, "x.xlsx", history_config(), TODAY)


def test_a_wrong_header_is_refused_whole_naming_what_is_wrong() -> None:
    header = [h for h in HEADER if h != LABELS["unit_code"]] + ["Chức vụ"]
    with pytest.raises(ImportFileError) as error:
        read_sheet(xlsx([], header=header), "x.xlsx", history_config(), TODAY)
    assert error.value.details == ["thiếu cột: Mã đơn vị", "cột không có trong mẫu: Chức vụ"]


def test_headers_match_without_case_diacritics_or_the_format_hint() -> None:
    header = [h.upper().split(" (")[0] for h in HEADER]
    sheet = read_sheet(xlsx(GOOD, header=header), "x.xlsx", history_config(), TODAY)
    assert (len(sheet.rows), sheet.errors) == (4, [])


def test_a_number_typed_as_a_number_gets_its_leading_zeros_back() -> None:
    typed = row(personal_number=4085000123, full_name="Nguyễn Văn A", unit_code="SNV", year=2024, rating="HTNV")
    [parsed] = read_sheet(xlsx([typed]), "x.xlsx", history_config(), TODAY).rows
    assert parsed.personal_number == "004085000123"


def test_big_files_are_saved_in_batches_with_progress(history: History) -> None:
    rows = [row(full_name=f"Người Thứ {chr(65 + i)}", born_on="01/01/1990", unit_code="SNV", year=2024,
                rating="HTTNV") for i in range(5)]
    seen: list[int] = []
    report = load(history, xlsx(rows), batch_size=2, progress=lambda r: seen.append(r.rows_done))
    assert (report.batches, seen, report.people_created) == (3, [2, 4, 5], 5)


def test_the_template_has_the_header_the_importer_expects() -> None:
    sheet = read_sheet(write_template(), "mau.xlsx", history_config(), TODAY)
    assert (sheet.rows, sheet.errors) == ([], [])
    examples = load_workbook(io.BytesIO(write_template()))["Ví dụ"]
    assert [c.value for c in examples[1]] == HEADER


def test_the_shipped_sample_is_the_template_the_code_writes() -> None:
    shipped, written = load_workbook(SAMPLE), load_workbook(io.BytesIO(write_template()))
    assert shipped.sheetnames == written.sheetnames == ["Danh sách", "Ví dụ", "Hướng dẫn", "Mã"]
    for name in written.sheetnames:
        assert [[c.value for c in r] for r in shipped[name].iter_rows()] == \
               [[c.value for c in r] for r in written[name].iter_rows()]
