"""The import template (XLSX) the province fills in with its existing lists.

`python -m services.nomination.history.template [PATH]` writes it (by default to
`samples/mau-nhap-lich-su-thi-dua-khen-thuong.xlsx`, the sample shipped with the code).
"""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from services.nomination.history import factkinds as kinds
from services.nomination.history.columns import LABELS, ONE_OF, REQUIRED, SHEET
from services.nomination.history.config import HistoryConfig, history_config

SAMPLE = Path(__file__).with_name("samples") / "mau-nhap-lich-su-thi-dua-khen-thuong.xlsx"
TEXT_COLUMNS = ("personal_number", "born_on", "unit_code", "decision_ref", "decided_on")
HELP = {
    "stt": "Số thứ tự (không bắt buộc, không dùng khi nhập).",
    "subject": "Cá nhân (mặc định) hoặc Tập thể.",
    "personal_number": "12 chữ số, nhập dạng văn bản. Bắt buộc với cá nhân nếu không có Ngày sinh.",
    "full_name": "Họ và tên đầy đủ, có dấu (tập thể: tên tập thể).",
    "born_on": "dd/mm/yyyy. Bắt buộc với cá nhân nếu không có Số định danh cá nhân.",
    "sex": "Nam hoặc Nữ (không bắt buộc; nếu có, phải khớp chữ số thứ 4 của số định danh).",
    "unit_code": "Mã đơn vị trong danh mục đơn vị (ví dụ SNV).",
    "year": "Năm của thành tích (năm được xếp loại, năm đạt danh hiệu).",
    "rating": "HTXSNV, HTTNV, HTNV, KHTNV hoặc tên đầy đủ (Hoàn thành xuất sắc nhiệm vụ …).",
    "award": "Mã hoặc tên danh hiệu, hình thức khen thưởng (xem trang 'Mã').",
    "decision_ref": "Ví dụ 163/QĐ-UBND.",
    "decided_on": "dd/mm/yyyy.",
    "basis": "Công trạng (mặc định), chuyên đề, đột xuất, quá trình cống hiến, niên hạn, đối ngoại.",
    "movement": "Khen chuyên đề, đột xuất: tên phong trào thi đua đã khen (không tính vào chuỗi khen công trạng).",
    "note": "Không dùng khi nhập.",
}
EXAMPLES = [
    ["1", "Cá nhân", "004085000123", "Nguyễn Văn A", "05/03/1985", "Nam", "SNV", 2024, "HTXSNV",
     "Chiến sĩ thi đua cơ sở", "163/QĐ-UBND", "15/01/2025", "Công trạng", "", ""],
    ["2", "Cá nhân", "", "Hoàng Thị Bích", "20/11/1990", "Nữ", "SNV", 2024, "HTTNV", "LDTT", "12/QĐ-SNV",
     "10/01/2025", "", "", "Chưa có số định danh"],
    ["3", "Tập thể", "", "Phòng Thi đua - Khen thưởng", "", "", "SNV", 2024, "HTXSNV", "TTLDXS", "", "", "", "", ""],
]


def write_template(config: HistoryConfig | None = None) -> bytes:
    config = config or history_config()
    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = datetime(2026, 1, 1)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    _header(sheet)
    _validations(sheet)
    examples = workbook.create_sheet("Ví dụ")
    _header(examples)
    for row in EXAMPLES:
        examples.append(row)
    _help(workbook.create_sheet("Hướng dẫn"))
    _codes(workbook.create_sheet("Mã"), config)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet: Worksheet) -> None:
    sheet.append(list(LABELS.values()))
    for index, name in enumerate(LABELS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(LABELS[name]) + 4)
        if name in TEXT_COLUMNS:  # typed numbers keep their leading zeros
            sheet.column_dimensions[letter].number_format = "@"


def _validations(sheet: Worksheet) -> None:
    names = list(LABELS)
    for field, values in (("subject", ["Cá nhân", "Tập thể"]), ("sex", ["Nam", "Nữ"]),
                          ("rating", list(kinds.RATINGS))):
        letter = chr(ord("A") + names.index(field))
        check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        check.add(f"{letter}2:{letter}100000")
        sheet.add_data_validation(check)


def _help(sheet: Worksheet) -> None:
    sheet.append(["Cột", "Bắt buộc", "Cách ghi"])
    one_of = {n for group in ONE_OF for n in group}
    for name, label in LABELS.items():
        needed = "Có" if name in REQUIRED else ("Một trong hai" if name in one_of else "Không")
        sheet.append([label, needed, HELP[name]])
    sheet.append([])
    sheet.append(["Nhập lại cùng một tệp không làm trùng dữ liệu. Dòng lỗi được báo kèm số dòng; "
                  "các dòng đúng vẫn được ghi, sửa dòng lỗi rồi nhập lại cả tệp."])


def _codes(sheet: Worksheet, config: HistoryConfig) -> None:
    sheet.append(["Mã", "Tên", "Loại"])
    for code in sorted(config.award_codes):
        kind = "Danh hiệu thi đua" if config.is_title(code) else "Hình thức khen thưởng"
        sheet.append([code, "; ".join(config.award_labels.get(code, ())), kind])
    for code, label in kinds.RATINGS.items():
        sheet.append([code, label, "Xếp loại"])


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    target.write_bytes(write_template())
    print(f"Đã ghi mẫu nhập lịch sử thi đua, khen thưởng: {target}")
