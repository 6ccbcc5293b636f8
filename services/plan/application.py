"""Use cases of the plan service, on the eventsourcing Application `Plans`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from servicekit.eventstore import ServiceApplication
from services.plan.domainmodel import Plan, PlanDomainError, Task, UnitRegistry
from services.plan.importer import PlanDocument

A = TypeVar("A", bound=Aggregate)


class Plans(ServiceApplication):
    """Plans, their tasks and the units registry."""

    # -- units --------------------------------------------------------------------------
    def register_unit(self, code: str, name: str, kind: str, aliases: list[str], by: str) -> bool:
        registry = self.registry()
        created = registry.register(code, name, kind, aliases, by)
        if created:
            self.save(registry)
        return created

    def list_units(self) -> list[dict[str, Any]]:
        return sorted(self.registry().units.values(), key=lambda u: u["code"])

    def registry(self, *, reading: bool = False) -> UnitRegistry:
        """The units registry; with `reading`, the cached one itself (not a copy), not to be changed."""
        try:
            if reading:
                found: UnitRegistry = self.read(UnitRegistry.create_id())
                return found
            return self.repository.get(UnitRegistry.create_id())
        except AggregateNotFoundError:
            return UnitRegistry()

    # -- plans --------------------------------------------------------------------------
    def issue_plan(self, *, number: str, year: int, title: str, issuer: str, issued_on: date | None,
                   signed_by: str | None, by: str, now: datetime) -> tuple[UUID, bool]:
        plan_id = Plan.create_id(issuer, year, number)
        existing = self.find(Plan, plan_id)
        if existing is not None:
            if (existing.title, existing.issued_on) != (title, issued_on):
                raise PlanExistsError(number, year)
            return plan_id, False
        plan = Plan(number=number, year=year, title=title, issuer=issuer, issued_on=issued_on,
                    signed_by=signed_by, checksum=None, announced={}, listed={}, warnings=[], issued_by=by,
                    issued_at=now)
        self.save(plan)
        return plan.id, True

    def import_plan(self, document: PlanDocument, *, by: str, now: datetime,
                    register_units: bool = False, dry_run: bool = False) -> ImportResult:
        """Create a plan and all its tasks in one transaction; nothing when already imported."""
        plan_id = Plan.create_id(document.issuer, document.year, document.number)
        result = ImportResult(plan_id=plan_id, document=document)
        existing = self.find(Plan, plan_id)
        if existing is not None:
            if existing.checksum != document.checksum():
                raise PlanExistsError(document.number, document.year)
            return result
        registry = self.registry()
        result.registered_units = self._resolve_units(registry, document, register_units, by)
        plan = Plan(number=document.number, year=document.year, title=document.title,
                    issuer=document.issuer, issued_on=document.issued_on, signed_by=document.signed_by,
                    checksum=document.checksum(),
                    announced={str(q.quarter): q.announced for q in document.quarters if q.announced is not None},
                    listed={str(q.quarter): len(q.tasks) for q in document.quarters},
                    warnings=list(document.warnings), issued_by=by, issued_at=now)
        tasks = [self._new_task(plan, registry, row.quarter, row.title,
                                [registry.resolve(n) or "" for n in row.lead_units],
                                [registry.resolve(n) or "" for n in row.coordinating_units],
                                None, by, now)
                 for row in document.tasks]
        result.created = True
        if not dry_run:
            self.save(registry if result.registered_units else None, plan, *tasks)
        return result

    def _resolve_units(self, registry: UnitRegistry, document: PlanDocument, register: bool,
                       by: str) -> list[dict[str, str]]:
        names = {n: None for row in document.tasks for n in (*row.lead_units, *row.coordinating_units)}
        unknown = [name for name in names if registry.resolve(name) is None]
        if unknown and not register:
            raise UnknownUnitNamesError(unknown, document)
        registered = []
        for name in unknown:
            if registry.resolve(name) is not None:  # another spelling of a name just registered
                continue
            code = _free_code(registry, name)
            registry.register(code, name, "khac", [], by)
            registered.append({"code": code, "name": name})
        return registered

    def add_task(self, plan_id: UUID, *, quarter: int, title: str, lead_units: list[str],
                 coordinating_units: list[str], due_date: date | None, by: str, now: datetime) -> UUID:
        plan = self.load(Plan, plan_id, PlanNotFoundError)
        task = self._new_task(plan, self.registry(reading=True), quarter, title, lead_units,
                              coordinating_units, due_date, by, now)
        self.save(plan, task)
        return task.id

    def _new_task(self, plan: Plan, registry: UnitRegistry, quarter: int, title: str,
                  lead: list[str], coordinating: list[str], due_date: date | None,
                  by: str, now: datetime) -> Task:
        number = plan.next_number(quarter)
        task = Task.assign(plan_id=plan.id, plan_number=plan.number, year=plan.year, quarter=quarter,
                           number=number, title=title, lead_units=registry.refs(lead),
                           coordinating_units=registry.refs(coordinating), due_date=due_date,
                           assigned_by=by, assigned_at=now)
        plan.add_task(task.id, quarter, number)
        return task

    def get_plan(self, plan_id: UUID) -> dict[str, Any]:
        plan = self.load(Plan, plan_id, PlanNotFoundError)
        return {"plan_id": plan.id, "version": plan.version, "number": plan.number, "year": plan.year,
                "title": plan.title, "issuer": plan.issuer, "issued_on": plan.issued_on,
                "signed_by": plan.signed_by, "warnings": plan.warnings,
                "quarters": [{"quarter": int(q), "announced": plan.announced.get(q), "listed": len(ids)}
                             for q, ids in plan.tasks.items()]}

    # -- tasks --------------------------------------------------------------------------
    def reassign_task(self, task_id: UUID, *, lead_units: list[str], coordinating_units: list[str],
                      reason: str, due_date: date | None, expected_version: int | None,
                      by: str, now: datetime) -> int:
        task = self._task(task_id, expected_version)
        registry = self.registry(reading=True)
        task.reassign(lead_units=registry.refs(lead_units),
                      coordinating_units=registry.refs(coordinating_units),
                      reason=reason, due_date=due_date, by=by, at=now)
        self.save(task)
        return task.version

    def complete_task(self, task_id: UUID, *, document_ref: str, completed_on: date,
                      expected_version: int | None, by: str, now: datetime) -> int:
        task = self._task(task_id, expected_version)
        if task.complete(document_ref=document_ref, completed_on=completed_on, by=by, at=now):
            self.save(task)
        return task.version

    def mark_overdue(self, task_id: UUID, *, today: date, now: datetime) -> bool:
        task = self.load(Task, task_id, TaskNotFoundError)
        if not task.mark_overdue(today=today, at=now):
            return False
        self.save(task)
        return True

    def get_task(self, task_id: UUID) -> dict[str, Any]:
        return task_details(self.load(Task, task_id, TaskNotFoundError))

    def lead_units_of(self, task_id: UUID) -> list[str]:
        return [u["code"] for u in self.load(Task, task_id, TaskNotFoundError).lead_units]

    def _task(self, task_id: UUID, expected_version: int | None) -> Task:
        task = self.load(Task, task_id, TaskNotFoundError)
        if expected_version is not None and task.version != expected_version:
            raise VersionMismatchError(task.version, expected_version)
        return task

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of that class, or None (the not-found error is the caller's to name)."""
        try:
            found: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def load(self, cls: type[A], aggregate_id: UUID, error: Callable[[UUID], Exception]) -> A:
        found = self.find(cls, aggregate_id)
        if found is None:
            raise error(aggregate_id)
        return found


def task_details(task: Task) -> dict[str, Any]:
    return {"task_id": task.id, "version": task.version, "plan_id": task.plan_id,
            "plan_number": task.plan_number, "year": task.year, "quarter": task.quarter,
            "number": task.number, "title": task.title, "lead_units": task.lead_units,
            "coordinating_units": task.coordinating_units, "due_date": task.due_date,
            "status": task.status.value, "document_ref": task.document_ref,
            "completed_on": task.completed_on}


def _free_code(registry: UnitRegistry, name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    letters = "".join(w[0] for w in ascii_name.encode("ascii", "ignore").decode().split() if w[:1].isalnum())
    base = (letters.upper() or "DV")[:24]
    code, n = base, 1
    while code in registry.units:
        n += 1
        code = f"{base}{n}"
    return code


@dataclass
class ImportResult:
    plan_id: UUID
    document: PlanDocument
    created: bool = False
    registered_units: list[dict[str, str]] = field(default_factory=list)


class PlanNotFoundError(PlanDomainError):
    def __init__(self, plan_id: UUID) -> None:
        super().__init__(f"Không tìm thấy kế hoạch {plan_id}.")


class TaskNotFoundError(PlanDomainError):
    def __init__(self, task_id: UUID) -> None:
        super().__init__(f"Không tìm thấy nhiệm vụ {task_id}.")


class PlanExistsError(PlanDomainError):
    def __init__(self, number: str, year: int) -> None:
        super().__init__(
            f"Kế hoạch {number} năm {year} đã có trong hệ thống với nội dung khác; "
            "không nhập đè. Hãy kiểm tra lại văn bản."
        )


class VersionMismatchError(PlanDomainError):
    def __init__(self, actual: int, expected: int) -> None:
        self.details = {"current_version": actual, "expected_version": expected}
        super().__init__(
            f"Nhiệm vụ đã thay đổi (phiên bản {actual}, bạn sửa từ phiên bản {expected}); "
            "hãy tải lại rồi thực hiện lại."
        )


class UnknownUnitNamesError(PlanDomainError):
    def __init__(self, names: list[str], document: PlanDocument) -> None:
        lines = {n: [f"Quý {r.quarter} nhiệm vụ {r.number} (dòng {r.line})" for r in document.tasks
                     if n in r.lead_units + r.coordinating_units] for n in names}
        self.details = {"unknown_units": [{"name": n, "where": w} for n, w in lines.items()]}
        super().__init__(
            f"Kế hoạch nêu {len(names)} đơn vị chưa có trong danh mục: {'; '.join(names)}. "
            "Thêm các đơn vị này vào danh mục (POST /units) hoặc nhập với register_units=true."
        )
