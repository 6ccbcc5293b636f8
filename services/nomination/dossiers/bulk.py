"""Submissions in bulk: a unit proposes many nominees at once (the year-end surge), from the
API or from a spreadsheet. Each valid row becomes its own dossier, exactly once (a dossier's
id comes from unit, year, award and nominee, so sending the same rows again adds nothing);
each invalid row is reported with its row number; a file that cannot be read is refused
whole, before anything is saved. The submission groups the dossiers so it can be followed."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from servicekit.auth import Principal
from servicekit.eventstore import stored_aggregates
from services.nomination.dossiers import priority
from services.nomination.dossiers.application import Drafting, NewDossier
from services.nomination.dossiers.base import check_can_read
from services.nomination.dossiers.domainmodel import DossierError, Submission

COLUMNS = ["STT", "Mã danh hiệu/hình thức", "Năm thành tích", "Loại hình", "Đối tượng", "Họ và tên / Tên tập thể",
           "Số định danh cá nhân", "Ngày sinh", "Giới tính", "Chức vụ, đơn vị công tác", "Tóm tắt thành tích",
           "Thủ tục đơn giản", "Truy tặng"]
# The priority groups of the Law (Điều 5), after the columns above; a sheet of the older
# template, without them, is read as before (nothing declared).
GROUP_COLUMNS = {"leadership": "Giữ chức vụ lãnh đạo, quản lý", "leadership_title": "Chức vụ lãnh đạo, quản lý",
                 "direct_labourer": "Người trực tiếp lao động, sản xuất", "ethnicity": "Dân tộc",
                 "ethnic_minority": "Người dân tộc thiểu số", "hard_to_reach": "Vùng sâu, vùng xa, vùng ĐBKK",
                 "leadership_tier": "Cấp lãnh đạo"}
YES_NO_COLUMNS = ("leadership", "direct_labourer", "ethnic_minority", "hard_to_reach")
MOVEMENT = "Mã phong trào"  # khen theo chuyên đề, đột xuất: the movement
# Every column, the optional ones after the required; a sheet of an older template lacks some.
ALL_COLUMNS = [*COLUMNS, *GROUP_COLUMNS.values(), MOVEMENT]
KINDS = {"cá nhân": "ca_nhan", "tập thể": "tap_the", "hộ gia đình": "ho_gia_dinh", "doanh nghiệp": "doanh_nghiep"}
YES = {"có", "x", "1", "true", "yes"}
NO = {"không", "0", "false", "no"}
BATCH = 500
SHEET, SUBMISSION_SHEET, EXAMPLE_SHEET, HELP_SHEET = "Danh sách đề nghị", "Đợt đề nghị", "Ví dụ", "Hướng dẫn"
TITLE_LABEL, YEAR_LABEL = "Tên đợt đề nghị (số, ký hiệu tờ trình)", "Năm đề nghị"
EXAMPLE = [1, "LDTT", 2025, "cong_trang", "Cá nhân", "Nông Thị Hoa", "004190012345", "15/03/1990", "Nữ",
           "Giáo viên, Trường THPT Cao Bình", "Hoàn thành tốt nhiệm vụ năm học 2024-2025", "", "",
           "Không", "", "Có", "Tày", "Có", "Có"]
HELP = {
    "STT": "Số thứ tự (không bắt buộc).",
    "Mã danh hiệu/hình thức": "Bắt buộc. Mã trong danh mục khen thưởng, ví dụ LDTT, CSTDCS, BKT.",
    "Năm thành tích": "Năm đạt thành tích; để trống: lấy năm đề nghị (trang 'Đợt đề nghị').",
    "Loại hình": "cong_trang (thường xuyên), chuyen_de, dot_xuat, doi_ngoai, cong_hien, nien_han, khang_chien. "
                 "Để trống: chuyen_de khi có mã phong trào, loại hình duy nhất của hình thức nếu danh mục chỉ ghi "
                 "một, còn lại cong_trang.",
    "Đối tượng": "Bắt buộc. Cá nhân, Tập thể, Hộ gia đình hoặc Doanh nghiệp.",
    "Họ và tên / Tên tập thể": "Bắt buộc. Có dấu.",
    "Số định danh cá nhân": "12 chữ số, nhập dạng văn bản (cá nhân).",
    "Ngày sinh": "dd/mm/yyyy (cá nhân không có số định danh: bắt buộc).",
    "Giới tính": "Nam hoặc Nữ.",
    "Chức vụ, đơn vị công tác": "Không bắt buộc.",
    "Tóm tắt thành tích": "Không bắt buộc.",
    "Thủ tục đơn giản": "Có hoặc để trống.",
    "Truy tặng": "Có hoặc để trống.",
    "Giữ chức vụ lãnh đạo, quản lý": "Cá nhân: Có hoặc Không (để trống: chưa khai).",
    "Chức vụ lãnh đạo, quản lý": "Khi có giữ chức vụ lãnh đạo, quản lý: ghi chức vụ, ví dụ Hiệu trưởng.",
    "Người trực tiếp lao động, sản xuất": "Cá nhân là công nhân, nông dân, chiến sĩ, người trực tiếp lao động, "
                                          "sản xuất, công tác: Có hoặc Không.",
    "Dân tộc": "Cá nhân: tên dân tộc theo danh mục 54 dân tộc Việt Nam, ví dụ Kinh, Tày, Nùng, Mông.",
    "Người dân tộc thiểu số": "Có hoặc Không; để trống khi đã ghi dân tộc (tự suy ra).",
    "Vùng sâu, vùng xa, vùng ĐBKK": "Cá nhân hoặc tập thể ở vùng sâu, vùng xa, vùng đặc biệt khó khăn "
                                    "(xã khu vực III), biên giới, hải đảo: Có hoặc Không.",
    "Cấp lãnh đạo": "Cá nhân, mã hoặc tên: " + priority.codes_with_labels(priority.LEADERSHIP_TIERS)
                    + ". Để trống: chưa khai (khong khi đã ghi Không giữ chức vụ lãnh đạo, quản lý).",
    MOVEMENT: "Khen theo chuyên đề hoặc đột xuất (Loại hình chuyen_de, dot_xuat): mã phong trào thi đua đã phát "
              "động, dạng 3a5c7e9b-2d4f-5a6c-8e0b-1d3f5a7c9e02 (trang Phong trào thi đua). Khen công trạng: để trống.",
}


@dataclass
class Outcome:
    submission_id: UUID
    rows: int = 0
    created: int = 0
    already_there: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


class BulkSubmissions:
    def __init__(self, app: Application[UUID], drafting: Drafting) -> None:
        self.app, self.drafting = app, drafting

    def submit_rows(self, actor: Principal, unit_code: str, year: int, title: str, rows: list[tuple[int, NewDossier]],
                    source: str, now: datetime) -> Outcome:
        """Open one dossier per row, in batches; rows that break a rule are reported, not saved."""
        submission = self._submission(actor, unit_code, year, title, now)
        outcome = Outcome(submission.id, rows=len(rows))
        for start in range(0, len(rows), BATCH):
            self._batch(actor, submission, rows[start:start + BATCH], source, now, outcome)
        return outcome

    def submit_list(self, actor: Principal, year: int, title: str, rows: list[tuple[int, NewDossier]],
                    now: datetime) -> Outcome:
        """The rows sent as a list (row = position in it), for the acting clerk's unit."""
        unit = _submitting_unit(actor)
        return self.submit_rows(actor, unit, year, title, [(n, replace(new, unit_code=unit)) for n, new in rows],
                                "api", now)

    def submit_sheet(self, actor: Principal, data: bytes, year: int | None, title: str | None,
                     now: datetime) -> Outcome:
        """The rows of a spreadsheet, for the acting clerk's unit; the rows that cannot be read
        are reported beside those that break a rule."""
        unit = _submitting_unit(actor)
        sheet = read_rows(data, unit, year, title)
        outcome = self.submit_rows(actor, unit, sheet.year, sheet.title, sheet.rows, f"xlsx:{sheet.checksum}", now)
        outcome.rows += len(sheet.errors)
        outcome.errors = sorted(sheet.errors + outcome.errors, key=lambda e: e["row"])
        return outcome

    def _batch(self, actor: Principal, submission: Submission, rows: list[tuple[int, NewDossier]], source: str,
               now: datetime, outcome: Outcome) -> None:
        records: dict[UUID, Aggregate] = {}
        dossiers: dict[UUID, Aggregate] = {}
        prepared = []
        ahead = self.drafting.read_ahead([new for _, new in rows])  # the catalogue, the nominees' records: once
        for row, new in rows:
            try:
                prepared.append(self.drafting.prepare(actor, new, now, ahead))
            except (DossierError, ValueError, KeyError, LookupError) as error:
                outcome.errors.append({"row": row, "error": str(error)})
        stored = stored_aggregates(self.app, {dossier.id for dossier, _ in prepared})  # one query for the batch
        for dossier, new_records in prepared:
            if dossier.id in stored or dossier.id in dossiers:
                outcome.already_there += 1
                continue
            records.update({r.id: r for r in new_records if r.id not in records})
            dossiers[dossier.id] = dossier
        submission.add(list(dossiers), source, actor.subject, now)
        self.app.save(*records.values(), *dossiers.values(), submission)
        outcome.created += len(dossiers)

    def _submission(self, actor: Principal, unit_code: str, year: int, title: str, now: datetime) -> Submission:
        submission_id = Submission.create_id(unit_code, year, title)
        try:
            return self.app.repository.get(submission_id)
        except AggregateNotFoundError:
            return Submission(unit_code=unit_code, year=year, title=title.strip(), opened_by=actor.subject,
                              opened_at=now)

    def get(self, submission_id: UUID, actor: Principal) -> Submission:
        """A submission, for those who read its unit's dossiers."""
        submission = self._get(submission_id)
        check_can_read(actor, submission.unit_code)
        return submission

    def _get(self, submission_id: UUID) -> Submission:
        try:
            found: object = self.app.repository.get(submission_id)
        except AggregateNotFoundError:
            raise SubmissionNotFoundError(submission_id) from None
        if not isinstance(found, Submission):
            raise SubmissionNotFoundError(submission_id)
        return found


def _submitting_unit(actor: Principal) -> str:
    if not actor.unit:
        raise DossierError("Tài khoản chưa gắn với đơn vị nào: không trình được danh sách đề nghị.")
    return actor.unit


@dataclass(frozen=True)
class Sheet:
    """A submission spreadsheet as read: its title and year, the rows, and the rows' errors."""

    title: str
    year: int
    rows: list[tuple[int, NewDossier]]
    errors: list[dict[str, Any]]
    checksum: str  # SHA-256 of the file


def read_rows(data: bytes, unit_code: str, year: int | None = None, title: str | None = None) -> Sheet:
    """The rows of a submission spreadsheet, the errors of the rows that cannot be read, and
    the file's SHA-256; SpreadsheetError when the file itself cannot be read. The title and
    year come from the upload's form or else from the file's 'Đợt đề nghị' sheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SpreadsheetError(f"Không đọc được tệp Excel (.xlsx): {error}") from None
    written = _submission_cells(book)
    title = (title or "").strip() or written.get(TITLE_LABEL, "")
    if len(title) < 3:
        raise SpreadsheetError(f"Thiếu tên đợt đề nghị: ghi ở trang '{SUBMISSION_SHEET}' ({TITLE_LABEL}) "
                               "hoặc gửi kèm trường title.")
    year = year or _submission_year(written.get(YEAR_LABEL, ""))
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(lines, ())]
    if header[: len(COLUMNS)] != COLUMNS:
        raise SpreadsheetError(f"Dòng tiêu đề không đúng mẫu. Cần các cột: {', '.join(COLUMNS)}.")
    optional = ALL_COLUMNS[len(COLUMNS):]
    unknown = [name for name in header[len(COLUMNS):] if name and name not in optional]
    if unknown:
        raise SpreadsheetError(f"Cột '{unknown[0]}' không có trong mẫu. Sau cột 'Truy tặng' chỉ có các cột: "
                               f"{', '.join(optional)}.")
    rows, errors = [], []
    for number, values in enumerate(lines, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        if _cells(values) == _cells(EXAMPLE):
            errors.append({"row": number, "column": None,
                           "error": "dòng ví dụ của mẫu (Nông Thị Hoa): không nhập; xóa dòng này"})
            continue
        try:
            rows.append((number, _row(dict(zip(header, values, strict=False)), unit_code, year)))
        except RowError as error:
            errors.append({"row": number, "column": error.column, "error": str(error)})
    return Sheet(title, year, rows, errors, hashlib.sha256(data).hexdigest())


def _cells(values: Any) -> list[str]:
    texts = ["" if v is None else str(v).strip() for v in list(values)[: len(COLUMNS)]]
    return texts[1:] + [""] * (len(COLUMNS) - len(texts))  # the row number (STT) aside


def _submission_cells(book: Any) -> dict[str, str]:
    if SUBMISSION_SHEET not in book.sheetnames:
        return {}
    found = {}
    for values in book[SUBMISSION_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if values and values[0] is not None:
            found[str(values[0]).strip()] = "" if len(values) < 2 or values[1] is None else str(values[1]).strip()
    return found


def _submission_year(value: str) -> int:
    if not value:
        raise SpreadsheetError(f"Thiếu năm đề nghị: ghi ở trang '{SUBMISSION_SHEET}' ({YEAR_LABEL}) "
                               "hoặc gửi kèm trường year.")
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise SpreadsheetError(f"Năm đề nghị '{value}' không hợp lệ (từ 2000 đến 2100).")
    return int(value)


def _row(cells: dict[str, Any], unit_code: str, year: int) -> NewDossier:
    def text(column: str, required: bool = False) -> str:
        value = "" if cells.get(column) is None else str(cells[column]).strip()
        if required and not value:
            raise RowError(column, f"thiếu '{column}'")
        return value

    kind = KINDS.get(text("Đối tượng", True).lower())
    if kind is None:
        raise RowError("Đối tượng", f"'{text('Đối tượng')}' không hợp lệ; dùng: {', '.join(KINDS)}")
    achieved = _year(text("Năm thành tích") or str(year))
    nominee = {"name": text("Họ và tên / Tên tập thể", True), "id_number": text("Số định danh cá nhân") or None,
               "date_of_birth": _date(text("Ngày sinh")), "position": text("Chức vụ, đơn vị công tác") or None,
               "gender": {"nam": "nam", "nữ": "nu", "": None}.get(text("Giới tính").lower(), "?")}
    if nominee["gender"] == "?":
        raise RowError("Giới tính", "giới tính ghi 'Nam' hoặc 'Nữ'")
    nominee |= _groups(cells, kind)
    return NewDossier(unit_code=unit_code, award_code=text("Mã danh hiệu/hình thức", True).upper(), year=achieved,
                      basis=text("Loại hình") or None, nominee_kind=kind, nominee=nominee,
                      summary=text("Tóm tắt thành tích"), simplified=text("Thủ tục đơn giản").lower() in YES,
                      posthumous=text("Truy tặng").lower() in YES, movement_id=_movement(text(MOVEMENT)))


def _movement(value: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise RowError(MOVEMENT, f"mã phong trào '{value}' không đúng dạng: 32 chữ số, chữ a–f và dấu gạch "
                       "ngang, ví dụ 3a5c7e9b-2d4f-5a6c-8e0b-1d3f5a7c9e02") from None


def _groups(cells: dict[str, Any], kind: str) -> dict[str, Any]:
    """The priority facts of a row, checked as the HTTP API checks them."""
    given: dict[str, Any] = {}
    for fact, column in GROUP_COLUMNS.items():
        value = "" if cells.get(column) is None else str(cells[column]).strip()
        if fact not in YES_NO_COLUMNS:
            given[fact] = value or None
        elif value.lower() in YES or value.lower() in NO or not value:
            given[fact] = (value.lower() in YES) if value else None
        else:
            raise RowError(column, f"'{column}' ghi 'Có', 'Không' hoặc để trống, không ghi '{value}'")
    try:
        return {k: v for k, v in priority.checked(kind, given).items() if k != "gender"}
    except priority.PriorityFactError as error:
        raise RowError(GROUP_COLUMNS.get(error.fact, "Giới tính"), str(error)) from None


def _year(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise RowError("Năm thành tích", f"năm '{value}' không hợp lệ")
    return int(value)


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.split(" ")[0], "%d/%m/%Y").date()
    except ValueError:
        try:
            return date.fromisoformat(value.split(" ")[0])
        except ValueError:
            raise RowError("Ngày sinh", f"ngày '{value}' không đúng dạng dd/mm/yyyy") from None


def template(year: int) -> bytes:
    """The submission spreadsheet: an empty list to fill in (header and checked choices), the
    submission's title and year, an example on its own sheet and what each column takes."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    for target in (sheet, book.create_sheet(EXAMPLE_SHEET)):
        target.append(ALL_COLUMNS)
        for index, name in enumerate(ALL_COLUMNS, start=1):
            cell = target.cell(row=1, column=index)
            cell.font = Font(bold=True)
            target.column_dimensions[cell.column_letter].width = max(12, len(name) + 4)
            if name in ("Số định danh cá nhân", "Ngày sinh"):  # typed numbers keep their leading zeros
                target.column_dimensions[cell.column_letter].number_format = "@"
    book[EXAMPLE_SHEET].append(EXAMPLE)
    for column, values in (("Đối tượng", ["Cá nhân", "Tập thể", "Hộ gia đình", "Doanh nghiệp"]),
                           ("Giới tính", ["Nam", "Nữ"]), ("Thủ tục đơn giản", ["Có"]), ("Truy tặng", ["Có"]),
                           *((GROUP_COLUMNS[fact], ["Có", "Không"]) for fact in YES_NO_COLUMNS)):
        letter = get_column_letter(ALL_COLUMNS.index(column) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        check.add(f"{letter}2:{letter}100000")
        sheet.add_data_validation(check)
    submission = book.create_sheet(SUBMISSION_SHEET, 1)
    submission.append([TITLE_LABEL, ""])
    submission.append([YEAR_LABEL, year])
    submission.column_dimensions["A"].width = len(TITLE_LABEL) + 4
    submission.column_dimensions["B"].width = 40
    guide = book.create_sheet(HELP_SHEET)
    guide.append(["Cột", "Cách ghi"])
    for name in ALL_COLUMNS:
        guide.append([name, HELP[name]])
    guide.append([])
    guide.append([f"Ghi danh sách ở trang '{SHEET}' (trang '{EXAMPLE_SHEET}' không được nhập), tên đợt và năm ở "
                  f"trang '{SUBMISSION_SHEET}'. Gửi lại cùng tệp không tạo hồ sơ trùng; dòng lỗi được báo kèm số "
                  "dòng."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class SpreadsheetError(DossierError):
    """Raised when the file itself cannot be read: nothing is saved."""


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


class SubmissionNotFoundError(DossierError):
    def __init__(self, submission_id: UUID) -> None:
        super().__init__(f"Không tìm thấy đợt đề nghị {submission_id}.")
