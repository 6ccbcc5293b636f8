"""The yearly TĐKT plan, its tasks per quarter, and the registry of units they are assigned to.

Pure domain: imports only `eventsourcing.domain` and the standard library.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

Unit = dict[str, str]  # {"code": "SNV", "name": "Sở Nội vụ"}: as recorded at the time


class TaskStatus(StrEnum):
    ASSIGNED = "assigned"
    COMPLETED = "completed"
    OVERDUE = "overdue"


STATUS_LABELS = {
    TaskStatus.ASSIGNED: "đang thực hiện",
    TaskStatus.COMPLETED: "đã hoàn thành",
    TaskStatus.OVERDUE: "quá hạn",
}

UNIT_KINDS = {
    "co_quan": "cơ quan, sở, ban, ngành",
    "dia_phuong": "xã, phường",
    "doanh_nghiep": "doanh nghiệp, hợp tác xã",
    "hoi_dong": "hội đồng",
    "nhom": "nhóm đơn vị (ví dụ: các đơn vị liên quan)",
    "khac": "khác",
}

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")


def normalize_name(name: str) -> str:
    """The key under which a unit's name or alias is looked up."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = re.sub(r"\s+", " ", text).strip(" .;,:")
    return text.removeprefix("các ").strip()


def end_of_quarter(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


class UnitRegistry(Aggregate):
    """The units of the province that tasks are assigned to (one registry per system)."""

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/units")

    @event("Opened")
    def __init__(self) -> None:
        self.units: dict[str, dict[str, Any]] = {}
        self.index: dict[str, str] = {}

    def register(self, code: str, name: str, kind: str, aliases: list[str], by: str) -> bool:
        """Register a unit; False when the same unit is already registered as given."""
        check_unit(code, name, kind)
        existing = self.units.get(code)
        wanted = {"code": code, "name": name, "kind": kind, "aliases": sorted(set(aliases))}
        if existing is not None:
            if {k: existing[k] for k in wanted} == wanted:
                return False
            raise UnitCodeTakenError(code, existing["name"])
        for key in [normalize_name(name), *map(normalize_name, aliases)]:
            if key in self.index:
                raise UnitNameTakenError(key, self.index[key])
        self._registered(code=code, name=name, kind=kind, aliases=sorted(set(aliases)), by=by)
        return True

    @event("Registered")
    def _registered(self, code: str, name: str, kind: str, aliases: list[str], by: str) -> None:
        self.units[code] = {"code": code, "name": name, "kind": kind, "aliases": aliases, "active": True}
        for key in [normalize_name(name), *map(normalize_name, aliases)]:
            self.index[key] = code

    def resolve(self, name: str) -> str | None:
        return self.index.get(normalize_name(name))

    def refs(self, codes: list[str]) -> list[Unit]:
        unknown = [code for code in codes if code not in self.units]
        if unknown:
            raise UnknownUnitError(unknown)
        return [{"code": c, "name": self.units[c]["name"]} for c in codes]


class Plan(Aggregate):
    """A yearly plan (kế hoạch), identified by issuer, year and document number."""

    @staticmethod
    def create_id(issuer: str, year: int, number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/plans/{normalize_name(issuer)}/{year}/{number.upper()}")

    class Issued(Aggregate.Created):
        number: str
        year: int
        title: str
        issuer: str
        issued_on: date | None
        signed_by: str | None
        checksum: str | None
        announced: dict[str, int]
        listed: dict[str, int]
        warnings: list[str]
        issued_by: str
        issued_at: datetime

    class TaskAdded(Aggregate.Event):
        task_id: UUID
        quarter: int
        number: int

    @event(Issued)
    def __init__(
        self, *, number: str, year: int, title: str, issuer: str, issued_on: date | None,
        signed_by: str | None, checksum: str | None, announced: dict[str, int],
        listed: dict[str, int], warnings: list[str], issued_by: str, issued_at: datetime,
    ) -> None:
        self.number = number
        self.year = year
        self.title = title
        self.issuer = issuer
        self.issued_on = issued_on
        self.signed_by = signed_by
        self.checksum = checksum
        self.announced = announced
        self.listed = listed
        self.warnings = warnings
        self.issued_by = issued_by
        self.tasks: dict[str, list[str]] = {str(q): [] for q in range(1, 5)}

    def next_number(self, quarter: int) -> int:
        check_quarter(quarter)
        return len(self.tasks[str(quarter)]) + 1

    def add_task(self, task_id: UUID, quarter: int, number: int) -> None:
        check_quarter(quarter)
        if number != self.next_number(quarter):
            raise TaskNumberError(quarter, number, self.next_number(quarter))
        self._task_added(task_id=task_id, quarter=quarter, number=number)

    @event(TaskAdded)
    def _task_added(self, task_id: UUID, quarter: int, number: int) -> None:
        self.tasks[str(quarter)].append(str(task_id))


class Task(Aggregate):
    """One task of a plan's quarter, led by one or more units, with coordinating units."""

    @staticmethod
    def create_id(plan_id: UUID, quarter: int, number: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"/plans/{plan_id}/tasks/{quarter}/{number}")

    class Assigned(Aggregate.Created):
        plan_id: UUID
        plan_number: str
        year: int
        quarter: int
        number: int
        title: str
        lead_units: list[Unit]
        coordinating_units: list[Unit]
        due_date: date
        assigned_by: str
        assigned_at: datetime

    class Reassigned(Aggregate.Event):
        lead_units: list[Unit]
        coordinating_units: list[Unit]
        previous_lead_units: list[Unit]
        previous_coordinating_units: list[Unit]
        due_date: date
        reason: str
        by: str
        at: datetime

    class Completed(Aggregate.Event):
        document_ref: str
        completed_on: date
        late: bool
        by: str
        at: datetime

    class BecameOverdue(Aggregate.Event):
        due_date: date
        at: datetime

    @event(Assigned)
    def __init__(
        self, *, plan_id: UUID, plan_number: str, year: int, quarter: int, number: int,
        title: str, lead_units: list[Unit], coordinating_units: list[Unit], due_date: date,
        assigned_by: str, assigned_at: datetime,
    ) -> None:
        self.plan_id = plan_id
        self.plan_number = plan_number
        self.year = year
        self.quarter = quarter
        self.number = number
        self.title = title
        self.lead_units = lead_units
        self.coordinating_units = coordinating_units
        self.due_date = due_date
        self.status = TaskStatus.ASSIGNED
        self.document_ref: str | None = None
        self.completed_on: date | None = None
        self.history: list[dict[str, Any]] = []

    @classmethod
    def assign(cls, *, plan_id: UUID, plan_number: str, year: int, quarter: int, number: int,
               title: str, lead_units: list[Unit], coordinating_units: list[Unit],
               due_date: date | None, assigned_by: str, assigned_at: datetime) -> Task:
        check_quarter(quarter)
        check_title(title)
        check_units(lead_units, coordinating_units)
        return cls(
            plan_id=plan_id, plan_number=plan_number, year=year, quarter=quarter, number=number,
            title=title, lead_units=lead_units, coordinating_units=coordinating_units,
            due_date=due_date or end_of_quarter(year, quarter),
            assigned_by=assigned_by, assigned_at=assigned_at,
        )

    def reassign(self, *, lead_units: list[Unit], coordinating_units: list[Unit], reason: str,
                 due_date: date | None, by: str, at: datetime) -> None:
        check_allowed(self.status, "reassign")
        check_units(lead_units, coordinating_units)
        if not reason.strip():
            raise ReasonRequiredError()
        due = due_date or self.due_date
        if (lead_units, coordinating_units, due) == (self.lead_units, self.coordinating_units, self.due_date):
            raise NothingToChangeError()
        self._reassigned(
            lead_units=lead_units, coordinating_units=coordinating_units,
            previous_lead_units=self.lead_units, previous_coordinating_units=self.coordinating_units,
            due_date=due, reason=reason.strip(), by=by, at=at,
        )

    @event(Reassigned)
    def _reassigned(self, lead_units: list[Unit], coordinating_units: list[Unit],
                    previous_lead_units: list[Unit], previous_coordinating_units: list[Unit],
                    due_date: date, reason: str, by: str, at: datetime) -> None:
        self.lead_units = lead_units
        self.coordinating_units = coordinating_units
        if self.status is TaskStatus.OVERDUE and due_date > self.due_date:
            self.status = TaskStatus.ASSIGNED  # a new deadline reopens an overdue task
        self.due_date = due_date

    def complete(self, *, document_ref: str, completed_on: date, by: str, at: datetime) -> bool:
        """Complete with the document that fulfils the task; False when already done so."""
        document_ref = check_document_ref(document_ref)
        if self.status is TaskStatus.COMPLETED and self.document_ref == document_ref:
            return False
        check_allowed(self.status, "complete")
        self._completed(document_ref=document_ref, completed_on=completed_on,
                        late=completed_on > self.due_date, by=by, at=at)
        return True

    @event(Completed)
    def _completed(self, document_ref: str, completed_on: date, late: bool, by: str, at: datetime) -> None:
        self.status = TaskStatus.COMPLETED
        self.document_ref = document_ref
        self.completed_on = completed_on

    def mark_overdue(self, *, today: date, at: datetime) -> bool:
        """Mark the task overdue once its due date has passed; False when not (or already)."""
        if self.status is not TaskStatus.ASSIGNED or today <= self.due_date:
            return False
        self._became_overdue(due_date=self.due_date, at=at)
        return True

    @event(BecameOverdue)
    def _became_overdue(self, due_date: date, at: datetime) -> None:
        self.status = TaskStatus.OVERDUE


ALLOWED = {
    TaskStatus.ASSIGNED: {"reassign", "complete"},
    TaskStatus.OVERDUE: {"reassign", "complete"},
    TaskStatus.COMPLETED: set(),
}
COMMAND_LABELS = {"reassign": "giao lại", "complete": "hoàn thành"}
_DOCUMENT_REF = re.compile(r"^\d+/[A-ZĐ]+(-[A-ZĐ0-9]+)+$")


def check_allowed(status: TaskStatus, command: str) -> None:
    if command not in ALLOWED[status]:
        raise IllegalTransitionError(status, command)


def check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise InvalidQuarterError(quarter)


def check_title(title: str) -> None:
    if not title.strip() or len(title) > 2000:
        raise InvalidTitleError()


def check_units(lead: list[Unit], coordinating: list[Unit]) -> None:
    if not lead:
        raise NoLeadUnitError()
    both = {u["code"] for u in lead} & {u["code"] for u in coordinating}
    if both:
        raise UnitInBothRolesError(sorted(both))
    codes = [u["code"] for u in lead + coordinating]
    if len(codes) != len(set(codes)):
        raise DuplicateUnitError(sorted({c for c in codes if codes.count(c) > 1}))


def check_unit(code: str, name: str, kind: str) -> None:
    if not _CODE.match(code):
        raise InvalidUnitError(f"Mã đơn vị '{code}' không hợp lệ: chữ in hoa, số, '_', '.', '-', tối đa 32 ký tự.")
    if not name.strip() or len(name) > 300:
        raise InvalidUnitError("Tên đơn vị phải có từ 1 đến 300 ký tự.")
    if kind not in UNIT_KINDS:
        raise InvalidUnitError(f"Loại đơn vị '{kind}' không hợp lệ; dùng một trong: {', '.join(UNIT_KINDS)}.")


def check_document_ref(ref: str) -> str:
    ref = re.sub(r"\s+", "", unicodedata.normalize("NFC", ref)).upper()
    if not _DOCUMENT_REF.match(ref):
        raise InvalidDocumentRefError(ref)
    return ref


class PlanDomainError(Exception):
    """Base of the plan service's rule violations."""


class IllegalTransitionError(PlanDomainError):
    """Raised when a command is not allowed in the task's current state."""

    def __init__(self, status: TaskStatus, command: str) -> None:
        allowed = sorted(ALLOWED[status])
        self.details = {"state": status.value, "command": command, "allowed_commands": allowed}
        names = ", ".join(COMMAND_LABELS[c] for c in allowed) or "không có"
        super().__init__(
            f"Nhiệm vụ đang ở trạng thái '{STATUS_LABELS[status]}': không thể "
            f"{COMMAND_LABELS[command]}. Lệnh được phép: {names}."
        )


class InvalidQuarterError(PlanDomainError):
    def __init__(self, quarter: object) -> None:
        super().__init__(f"Quý phải từ 1 đến 4 (nhận được {quarter}).")


class InvalidTitleError(PlanDomainError):
    def __init__(self) -> None:
        super().__init__("Nội dung nhiệm vụ không được để trống và không quá 2000 ký tự.")


class NoLeadUnitError(PlanDomainError):
    def __init__(self) -> None:
        super().__init__("Nhiệm vụ phải có ít nhất một đơn vị chủ trì.")


class UnitInBothRolesError(PlanDomainError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"Đơn vị vừa chủ trì vừa phối hợp: {', '.join(codes)}.")


class DuplicateUnitError(PlanDomainError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"Đơn vị bị lặp: {', '.join(codes)}.")


class ReasonRequiredError(PlanDomainError):
    def __init__(self) -> None:
        super().__init__("Giao lại nhiệm vụ phải nêu lý do.")


class NothingToChangeError(PlanDomainError):
    def __init__(self) -> None:
        super().__init__("Không có thay đổi nào so với phân công hiện tại.")


class InvalidDocumentRefError(PlanDomainError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"Số văn bản '{ref}' không đúng dạng 'số/LOẠI-CƠQUAN' (ví dụ 45/BC-UBND).")


class TaskNumberError(PlanDomainError):
    def __init__(self, quarter: int, number: int, expected: int) -> None:
        super().__init__(f"Quý {quarter}: số thứ tự tiếp theo là {expected}, không phải {number}.")


class InvalidUnitError(PlanDomainError):
    """Raised when a unit's code, name or kind is malformed."""


class UnknownUnitError(PlanDomainError):
    def __init__(self, codes: list[str]) -> None:
        self.details = {"unknown_units": codes}
        super().__init__(f"Đơn vị không có trong danh mục: {', '.join(codes)}.")


class UnitCodeTakenError(PlanDomainError):
    def __init__(self, code: str, name: str) -> None:
        super().__init__(f"Mã đơn vị {code} đã dùng cho '{name}'.")


class UnitNameTakenError(PlanDomainError):
    def __init__(self, name: str, code: str) -> None:
        super().__init__(f"Tên '{name}' đã thuộc về đơn vị {code}.")
