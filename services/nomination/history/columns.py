"""The columns of the import template, and the checking of one row's cells.

Every error names the row and the column (as the template labels it), in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from services.nomination.history import factkinds as kinds
from services.nomination.history.config import HistoryConfig
from services.nomination.history.identity import HistoryError, check_name, check_unit_code
from services.nomination.history.names import clean_name, fold
from services.nomination.history.pid import PersonalNumberError, check_personal_number

SHEET = "Danh sách"
LABELS = {
    "stt": "STT",
    "subject": "Đối tượng",
    "personal_number": "Số định danh cá nhân",
    "full_name": "Họ và tên",
    "born_on": "Ngày sinh (dd/mm/yyyy)",
    "sex": "Giới tính",
    "unit_code": "Mã đơn vị",
    "year": "Năm",
    "rating": "Xếp loại",
    "award": "Danh hiệu/Hình thức",
    "decision_ref": "Số quyết định",
    "decided_on": "Ngày quyết định (dd/mm/yyyy)",
    "basis": "Loại hình khen thưởng",
    "movement": "Phong trào thi đua",
    "note": "Ghi chú",
}
REQUIRED = ("full_name", "unit_code", "year")
ONE_OF = (("personal_number", "born_on"), ("rating", "award"))
SUBJECTS = {"ca nhan": "ca_nhan", "tap the": "tap_the"}
SEXES = {"nam": "nam", "nu": "nu"}
RATING_NAMES = {fold(label): code for code, label in kinds.RATINGS.items()} | {fold(c): c for c in kinds.RATINGS}
BASIS_NAMES = {fold(label): code for code, label in kinds.BASES.items()} | {fold(c): c for c in kinds.BASES} | {
    "theo dot": "chuyen_de", "chuyen de, theo dot": "chuyen_de", "cong hien": "cong_hien", "thuong xuyen": "cong_trang"}
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột '{self.column}': {self.message}"


@dataclass(frozen=True)
class ImportRow:
    row: int
    subject: str  # "ca_nhan" | "tap_the"
    personal_number: str | None
    full_name: str
    born_on: date | None
    sex: str | None
    unit_code: str
    year: int
    rating: str | None
    award_code: str | None
    decision_ref: str | None
    decided_on: date | None
    basis: str
    movement: str | None = None  # the emulation movement a thematic or ad hoc award was for (its name)


def header_key(text: str) -> str:
    """"Ngày sinh (dd/mm/yyyy)", "ngay sinh", "NGÀY SINH" -> "ngaysinh…": letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


class Cells:
    """One row's values by field, and the errors found in them."""

    def __init__(self, row: int, values: dict[str | None, Any]) -> None:
        self.row, self.values = row, values
        self.errors: list[RowError] = []

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = clean_name(str(value)) if value is not None else ""
        return text or None

    def error(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.row, LABELS[name], message))

    def check(self, name: str, function: Callable[..., T], *args: Any) -> T | None:
        """`function(*args)`, or None with its error message recorded against the column."""
        try:
            return function(*args)
        except (HistoryError, kinds.FactError, PersonalNumberError) as error:
            self.error(name, str(error))
            return None

    def choice(self, name: str, table: dict[str, str], default: str | None) -> str | None:
        text = self.text(name)
        if text is None:
            return default
        if fold(text) not in table:
            self.error(name, f"Giá trị '{text}' không hợp lệ.")
        return table.get(fold(text), default)

    def day(self, name: str) -> date | None:
        value = self.values.get(name)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(name)
        match = _DATE.match(text or "")
        if text is None:
            return None
        if match:
            try:
                return date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                pass
        self.error(name, f"'{text}' không phải ngày hợp lệ dạng dd/mm/yyyy.")
        return None

    def year(self, name: str, today: date) -> int | None:
        text = self.text(name)
        if text is None:
            self.error(name, "Thiếu năm.")
        elif not text.isdigit() or not 1945 <= int(text) <= today.year:
            self.error(name, f"Năm '{text}' không hợp lệ (từ 1945 đến {today.year}).")
        else:
            return int(text)
        return None


class RowParser:
    def __init__(self, config: HistoryConfig, today: date) -> None:
        self.config, self.today = config, today

    def parse(self, number: int, values: dict[str | None, Any]) -> tuple[ImportRow | None, list[RowError]]:
        cells = Cells(number, values)
        subject = cells.choice("subject", SUBJECTS, "ca_nhan") or "ca_nhan"
        fields = {
            "row": number, "subject": subject, "full_name": self._name(cells, subject == "ca_nhan"),
            **self._identity(cells, subject == "ca_nhan"), "unit_code": self._unit(cells),
            "year": cells.year("year", self.today), "rating": cells.choice("rating", RATING_NAMES, None),
            "award_code": self._award(cells), "decided_on": cells.day("decided_on"),
            "decision_ref": cells.check("decision_ref", kinds.clean_ref, cells.text("decision_ref")),
            "basis": cells.choice("basis", BASIS_NAMES, "cong_trang"), "movement": cells.text("movement"),
        }
        if fields["movement"] and fields["basis"] not in kinds.MOVEMENT_BASES:
            cells.error("movement", "Chỉ khen theo chuyên đề hoặc đột xuất mới ghi phong trào thi đua; để trống "
                        "hoặc sửa Loại hình khen thưởng.")
        if fields["rating"] is None and fields["award_code"] is None and not cells.errors:
            cells.error("rating", "Dòng phải có Xếp loại hoặc Danh hiệu/Hình thức.")
        return (None if cells.errors else ImportRow(**fields)), cells.errors

    def _identity(self, cells: Cells, person: bool) -> dict[str, Any]:
        if not person:
            return {"personal_number": None, "born_on": None, "sex": None}
        born_on, sex = cells.day("born_on"), cells.choice("sex", SEXES, None)
        if born_on is not None and not date(1900, 1, 1) <= born_on <= self.today:
            cells.error("born_on", "Ngày sinh phải từ năm 1900 đến hôm nay.")
        number = _digits(cells.values.get("personal_number"))
        if number:
            number = cells.check("personal_number", check_personal_number, number, self.config.pid, born_on, sex)
        elif cells.text("born_on") is None and cells.values.get("born_on") is None:
            cells.error("personal_number", "Cần số định danh cá nhân, hoặc ngày sinh để nhận ra người này.")
        return {"personal_number": number, "born_on": born_on, "sex": sex}

    def _name(self, cells: Cells, person: bool) -> str:
        text = cells.text("full_name") or ""
        checked = cells.check("full_name", check_name, text) if person else \
            cells.check("full_name", kinds.check_text, text, "Tên tập thể", 300)
        return checked or ""

    def _unit(self, cells: Cells) -> str:
        return cells.check("unit_code", check_unit_code, cells.text("unit_code") or "") or ""

    def _award(self, cells: Cells) -> str | None:
        text = cells.text("award")
        if text is None:
            return None
        code = self.config.award_code(text)
        if code is None:
            cells.error("award", f"'{text}' không có trong danh mục danh hiệu, hình thức khen thưởng.")
        return code


def _digits(value: Any) -> str | None:
    """The personal number as text; a number cell lost its leading zeros, so they are restored."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value < 10**12:
        return f"{value:012d}"
    return "".join(str(value).split())
