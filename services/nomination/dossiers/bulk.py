"""Submissions in bulk: a unit proposes many nominees at once (the year-end surge), from the
API or from a spreadsheet. Each valid row becomes its own dossier, exactly once (a dossier's
id comes from unit, year, award and nominee, so sending the same rows again adds nothing);
each invalid row is reported with its row number; a file that cannot be read is refused
whole, before anything is saved. The submission groups the dossiers so it can be followed."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event

from services.nomination.dossiers.domainmodel import DossierError
from services.nomination.dossiers.drafting import Drafting, NewDossier
from services.nomination.dossiers.ports import Actor

COLUMNS = ["STT", "Mã danh hiệu/hình thức", "Năm thành tích", "Loại hình", "Đối tượng", "Họ và tên / Tên tập thể",
           "Số định danh cá nhân", "Ngày sinh", "Giới tính", "Chức vụ, đơn vị công tác", "Tóm tắt thành tích",
           "Thủ tục đơn giản", "Truy tặng"]
KINDS = {"cá nhân": "ca_nhan", "tập thể": "tap_the", "hộ gia đình": "ho_gia_dinh", "doanh nghiệp": "doanh_nghiep"}
YES = {"có", "x", "1", "true", "yes"}
BATCH = 500


class Submission(Aggregate):
    """What a unit submitted together: a title (e.g. its Tờ trình) and the dossiers it holds."""

    @staticmethod
    def create_id(unit_code: str, year: int, title: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/submissions/{unit_code}/{year}/{' '.join(title.lower().split())}")

    @event("Opened")
    def __init__(self, *, unit_code: str, year: int, title: str, opened_by: str, opened_at: datetime) -> None:
        self.unit_code, self.year, self.title = unit_code, year, title
        self.dossiers: list[UUID] = []
        self.sources: list[str] = []

    def add(self, dossier_ids: list[UUID], source: str, by: str, at: datetime) -> None:
        new = [d for d in dossier_ids if d not in set(self.dossiers)]
        if new or source not in self.sources:
            self._added(dossier_ids=new, source=source, by=by, at=at)

    @event("DossiersAdded")
    def _added(self, dossier_ids: list[UUID], source: str, by: str, at: datetime) -> None:
        self.dossiers.extend(dossier_ids)
        if source not in self.sources:
            self.sources.append(source)


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

    def submit_rows(self, actor: Actor, unit_code: str, year: int, title: str, rows: list[tuple[int, NewDossier]],
                    source: str, now: datetime) -> Outcome:
        """Open one dossier per row, in batches; rows that break a rule are reported, not saved."""
        submission = self._submission(actor, unit_code, year, title, now)
        outcome = Outcome(submission.id, rows=len(rows))
        for start in range(0, len(rows), BATCH):
            self._batch(actor, submission, rows[start:start + BATCH], source, now, outcome)
        return outcome

    def _batch(self, actor: Actor, submission: Submission, rows: list[tuple[int, NewDossier]], source: str,
               now: datetime, outcome: Outcome) -> None:
        records: dict[UUID, Aggregate] = {}
        dossiers: list[Aggregate] = []
        for row, new in rows:
            try:
                dossier, new_records = self.drafting.prepare(actor, new, now)
            except (DossierError, ValueError, KeyError, LookupError) as error:
                outcome.errors.append({"row": row, "error": str(error)})
                continue
            if self.drafting.exists(dossier.id) or any(d.id == dossier.id for d in dossiers):
                outcome.already_there += 1
                continue
            records.update({r.id: r for r in new_records if r.id not in records})
            dossiers.append(dossier)
        submission.add([d.id for d in dossiers], source, actor.subject, now)
        self.app.save(*records.values(), *dossiers, submission)
        outcome.created += len(dossiers)

    def _submission(self, actor: Actor, unit_code: str, year: int, title: str, now: datetime) -> Submission:
        submission_id = Submission.create_id(unit_code, year, title)
        try:
            return self.app.repository.get(submission_id)
        except AggregateNotFoundError:
            return Submission(unit_code=unit_code, year=year, title=title.strip(), opened_by=actor.subject,
                              opened_at=now)

    def get(self, submission_id: UUID) -> Submission:
        try:
            found: object = self.app.repository.get(submission_id)
        except AggregateNotFoundError:
            raise SubmissionNotFoundError(submission_id) from None
        if not isinstance(found, Submission):
            raise SubmissionNotFoundError(submission_id)
        return found


def read_rows(data: bytes, unit_code: str, year: int) -> tuple[list[tuple[int, NewDossier]], list[dict[str, Any]], str]:
    """The rows of a submission spreadsheet, the errors of the rows that cannot be read, and
    the file's SHA-256; SpreadsheetError when the file itself cannot be read."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SpreadsheetError(f"Không đọc được tệp Excel (.xlsx): {error}") from None
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(lines, ())]
    if header[: len(COLUMNS)] != COLUMNS:
        raise SpreadsheetError(f"Dòng tiêu đề không đúng mẫu. Cần các cột: {', '.join(COLUMNS)}.")
    rows, errors = [], []
    for number, values in enumerate(lines, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        try:
            rows.append((number, _row(dict(zip(COLUMNS, values, strict=False)), unit_code, year)))
        except RowError as error:
            errors.append({"row": number, "column": error.column, "error": str(error)})
    return rows, errors, hashlib.sha256(data).hexdigest()


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
    return NewDossier(unit_code=unit_code, award_code=text("Mã danh hiệu/hình thức", True).upper(), year=achieved,
                      basis=text("Loại hình") or "cong_trang", nominee_kind=kind, nominee=nominee,
                      summary=text("Tóm tắt thành tích"), simplified=text("Thủ tục đơn giản").lower() in YES,
                      posthumous=text("Truy tặng").lower() in YES)


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


def template() -> bytes:
    """An empty submission spreadsheet with its header and one example row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách đề nghị"
    sheet.append(COLUMNS)
    sheet.append([1, "LDTT", 2025, "cong_trang", "Cá nhân", "Nông Thị Hoa", "004190012345", "15/03/1990", "Nữ",
                  "Giáo viên, Trường THPT Cao Bình", "Hoàn thành tốt nhiệm vụ năm học 2024-2025", "", ""])
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
