"""Use cases of emulation movements, on the plan service's event store (`Plans`).

A step of a movement and the plan tasks it fulfils (the directive that launches it fulfils the
task "Chỉ thị phát động…", the conclusion the task "Báo cáo tổng kết…") are saved in one
transaction, so the plan and the movement never disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from servicekit.auth import Principal
from services.plan.application import Plans, TaskNotFoundError
from services.plan.clusters.domainmodel import Cluster
from services.plan.domainmodel import PlanDomainError, Task, TaskStatus
from services.plan.movements.domainmodel import Movement
from services.plan.movements.rules import Kind, Scope
from services.plan.permissions import check_may, planner, planner_or_own_unit

COMMANDS = {
    "draft": planner("soạn phong trào thi đua"),
    "link_task": planner("gắn nhiệm vụ kế hoạch với phong trào"),
    "launch": planner("phát động phong trào"),
    "open_registration": planner("mở đăng ký thi đua"),
    "register": planner_or_own_unit("đăng ký thi đua cho đơn vị"),
    "review": planner("sơ kết phong trào"),
    "conclude": planner("tổng kết phong trào"),
}


class Movements:
    """Draft, launch, registration, interim review and conclusion of movements."""

    def __init__(self, app: Plans) -> None:
        self.app = app

    def draft(self, actor: Principal, *, name: str, kind: Kind, scope: Scope, scope_ref: str | None,
              launcher_level: str, starts_on: date, ends_on: date, criteria: list[dict[str, Any]],
              launching_task_id: UUID | None, now: datetime) -> tuple[UUID, bool]:
        check_may(actor, COMMANDS, "draft")
        existing = self.app.find(Movement, Movement.create_id(name, starts_on))
        if existing is not None:
            if (existing.kind, existing.scope, existing.ends_on, existing.criteria) != (kind, scope, ends_on, criteria):
                raise MovementExistsError(existing.name, starts_on.year)
            return existing.id, False
        self._check_scope_ref(scope, scope_ref, starts_on.year)
        movement = Movement.draft(name=name, kind=kind, scope=scope, scope_ref=scope_ref,
                                  launcher_level=launcher_level, starts_on=starts_on, ends_on=ends_on,
                                  criteria=criteria, by=actor.subject, at=now)
        if launching_task_id is not None:
            movement.link_task(self._task_ref(launching_task_id), "phat_dong", actor.subject, now)
        self.app.save(movement)
        return movement.id, True

    def link_task(self, actor: Principal, movement_id: UUID, *, task_id: UUID, purpose: str,
                  now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "link_task")
        movement = self._get(movement_id)
        changed = movement.link_task(self._task_ref(task_id), purpose, actor.subject, now)
        return self._save(movement, changed)

    def launch(self, actor: Principal, movement_id: UUID, *, decision: dict[str, Any], launched_on: date,
               complete_tasks: bool, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "launch")
        movement = self._get(movement_id)
        changed = movement.launch(decision=decision, launched_on=launched_on, by=actor.subject, at=now)
        if not (changed and complete_tasks):
            return self._save(movement, changed)
        return self._save(movement, changed, *self._fulfil(movement, "phat_dong", launched_on, actor, now))

    def open_registration(self, actor: Principal, movement_id: UUID, *, deadline: date, today: date,
                          now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "open_registration")
        movement = self._get(movement_id)
        changed = movement.open_registration(deadline=deadline, today=today, by=actor.subject, at=now)
        return self._save(movement, changed)

    def register(self, actor: Principal, movement_id: UUID, *, unit_code: str, targets: list[dict[str, Any]],
                 today: date, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "register", unit=unit_code)
        movement = self._get(movement_id)
        unit = self.app.registry().refs([unit_code])[0]
        self._check_in_scope(movement, unit_code, today)
        changed = movement.register(unit=unit, targets=targets, today=today, by=actor.subject, at=now)
        return self._save(movement, changed)

    def close_registration(self, movement_id: UUID, *, today: date, now: datetime) -> bool:
        """Close a registration whose deadline has passed (the deadline timer's use case)."""
        movement = self._get(movement_id)
        return self._save(movement, movement.close_registration(today=today, at=now))[1]

    def review(self, actor: Principal, movement_id: UUID, *, document_ref: str, reviewed_on: date, summary: str,
               complete_tasks: bool, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "review")
        movement = self._get(movement_id)
        changed = movement.review(document_ref=document_ref, reviewed_on=reviewed_on, summary=summary,
                                  by=actor.subject, at=now)
        if not (changed and complete_tasks):
            return self._save(movement, changed)
        return self._save(movement, changed, *self._fulfil(movement, "so_ket", reviewed_on, actor, now))

    def conclude(self, actor: Principal, movement_id: UUID, *, document_ref: str, concluded_on: date, summary: str,
                 proposed_awards: list[dict[str, Any]], complete_tasks: bool, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "conclude")
        movement = self._get(movement_id)
        registry = self.app.registry()
        awards = [{**award, "unit": registry.refs([award["unit"]])[0] if award["unit"] else None}
                  for award in proposed_awards]
        changed = movement.conclude(document_ref=document_ref, concluded_on=concluded_on, summary=summary,
                                    proposed_awards=awards, by=actor.subject, at=now)
        if not (changed and complete_tasks):
            return self._save(movement, changed)
        return self._save(movement, changed, *self._fulfil(movement, "tong_ket", concluded_on, actor, now))

    def get(self, movement_id: UUID) -> dict[str, Any]:
        return movement_details(self._get(movement_id))

    # -- helpers -------------------------------------------------------------------------------
    def _get(self, movement_id: UUID) -> Movement:
        return self.app.load(Movement, movement_id, MovementNotFoundError)

    def _save(self, movement: Movement, changed: bool, *tasks: Task) -> tuple[int, bool]:
        if changed:
            self.app.save(movement, *tasks)
        return movement.version, changed

    def _task_ref(self, task_id: UUID) -> dict[str, Any]:
        task = self.app.load(Task, task_id, TaskNotFoundError)
        return {"task_id": task.id, "plan_id": task.plan_id, "plan_number": task.plan_number, "year": task.year,
                "quarter": task.quarter, "number": task.number, "title": task.title}

    def _fulfil(self, movement: Movement, purpose: str, on: date, actor: Principal, now: datetime) -> list[Task]:
        """Complete the open plan tasks linked for this step with the document just recorded."""
        document_ref = step_document(movement, purpose)
        tasks = [self.app.load(Task, ref["task_id"], TaskNotFoundError) for ref in movement.tasks_for(purpose)]
        open_tasks = [task for task in tasks if task.status is not TaskStatus.COMPLETED]
        for task in open_tasks:
            task.complete(document_ref=document_ref, completed_on=on, by=actor.subject, at=now)
        return open_tasks

    def _check_scope_ref(self, scope: Scope, scope_ref: str | None, year: int) -> None:
        if scope == Scope.DON_VI and scope_ref:
            self.app.registry().refs([scope_ref])
        if scope == Scope.CUM_KHOI and scope_ref and self.app.find(Cluster, Cluster.create_id(year, scope_ref)) is None:
            raise UnitOutsideScopeError(f"Không có cụm, khối {scope_ref} năm {year}.")

    def _check_in_scope(self, movement: Movement, unit_code: str, today: date) -> None:
        if movement.scope == Scope.DON_VI and unit_code != movement.scope_ref:
            raise UnitOutsideScopeError(f"Phong trào chỉ trong phạm vi đơn vị {movement.scope_ref}.")
        if movement.scope == Scope.CUM_KHOI:
            cluster = self.app.find(Cluster, Cluster.create_id(movement.starts_on.year, movement.scope_ref or ""))
            if cluster is None or unit_code not in cluster.members_on(today):
                raise UnitOutsideScopeError(f"Đơn vị {unit_code} không thuộc cụm, khối {movement.scope_ref} "
                                            f"vào ngày {today:%d/%m/%Y}.")


def step_document(movement: Movement, purpose: str) -> str:
    """The document of a step: the launching decision, the last interim review, the conclusion."""
    if purpose == "phat_dong" and movement.decision is not None:
        return str(movement.decision["number"])
    if purpose == "tong_ket" and movement.conclusion is not None:
        return str(movement.conclusion["document_ref"])
    return str(movement.reviews[-1]["document_ref"])


def movement_details(movement: Movement) -> dict[str, Any]:
    return {"movement_id": movement.id, "version": movement.version, "name": movement.name,
            "kind": movement.kind.value, "scope": movement.scope.value, "scope_ref": movement.scope_ref,
            "launcher_level": movement.launcher_level, "starts_on": movement.starts_on, "ends_on": movement.ends_on,
            "status": movement.status.value, "criteria": movement.criteria, "decision": movement.decision,
            "launched_on": movement.launched_on, "tasks": movement.tasks,
            "registration": {"deadline": movement.deadline, "open": movement.registration_open},
            "registrations": sorted(movement.registrations.values(), key=lambda r: r["unit"]["code"]),
            "reviews": movement.reviews, "conclusion": movement.conclusion}


class MovementNotFoundError(PlanDomainError):
    def __init__(self, movement_id: UUID) -> None:
        super().__init__(f"Không tìm thấy phong trào {movement_id}.")


class MovementExistsError(PlanDomainError):
    def __init__(self, name: str, year: int) -> None:
        super().__init__(f"Phong trào '{name}' năm {year} đã có với nội dung khác; không soạn đè.")


class UnitOutsideScopeError(PlanDomainError):
    """Raised when a unit or cluster is outside the movement's scope (the message says why)."""
