"""Emulation movements (phong trào thi đua): drafted, launched by a decision, joined by units
(đăng ký thi đua) until a registration deadline, reviewed midway (sơ kết) and concluded
(tổng kết) with a summary and the awards they propose.

Pure domain: `eventsourcing.domain`, the standard library and the plan's own domain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.plan.domainmodel import Unit, check_document_ref, normalize_name
from services.plan.movements.rules import (
    TASK_PURPOSES,
    InvalidMovementError,
    Kind,
    RegistrationClosedError,
    RegistrationNotOpenError,
    Scope,
    Status,
    check_allowed,
    check_awards,
    check_criteria,
    check_name,
    check_period,
    check_report,
    check_scope,
    check_targets,
)


class Movement(Aggregate):
    """A movement, identified by its name and the year it starts."""

    @staticmethod
    def create_id(name: str, starts_on: date) -> UUID:
        return uuid5(NAMESPACE_URL, f"/movements/{starts_on.year}/{normalize_name(name)}")

    class Drafted(Aggregate.Created):
        name: str
        kind: Kind
        scope: Scope
        scope_ref: str | None
        launcher_level: str
        starts_on: date
        ends_on: date
        criteria: list[dict[str, Any]]
        drafted_by: str
        drafted_at: datetime

    class Step(Aggregate.Event):
        """Every later event says who took the step and when."""

        by: str
        at: datetime

    class TaskLinked(Step):
        task: dict[str, Any]
        purpose: str

    class Launched(Step):
        decision: dict[str, Any]
        launched_on: date

    class RegistrationOpened(Step):
        deadline: date
        extended: bool

    class UnitRegistered(Step):
        unit: Unit
        targets: list[dict[str, Any]]
        registered_on: date
        amended: bool

    class RegistrationClosed(Aggregate.Event):
        deadline: date
        at: datetime

    class Reviewed(Step):
        document_ref: str
        reviewed_on: date
        summary: str

    class Concluded(Step):
        document_ref: str
        concluded_on: date
        summary: str
        proposed_awards: list[dict[str, Any]]

    @event(Drafted)
    def __init__(self, *, name: str, kind: Kind, scope: Scope, scope_ref: str | None, launcher_level: str,
                 starts_on: date, ends_on: date, criteria: list[dict[str, Any]], drafted_by: str,
                 drafted_at: datetime) -> None:
        self.name, self.kind, self.scope, self.scope_ref = name, Kind(kind), Scope(scope), scope_ref
        self.launcher_level, self.starts_on, self.ends_on = launcher_level, starts_on, ends_on
        self.criteria = criteria
        self.status = Status.DRAFTED
        self.tasks: list[dict[str, Any]] = []
        self.decision: dict[str, Any] | None = None
        self.launched_on: date | None = None
        self.deadline: date | None = None
        self.registration_open = False
        self.registrations: dict[str, dict[str, Any]] = {}
        self.reviews: list[dict[str, Any]] = []
        self.conclusion: dict[str, Any] | None = None

    @classmethod
    def draft(cls, *, name: str, kind: Kind, scope: Scope, scope_ref: str | None, launcher_level: str,
              starts_on: date, ends_on: date, criteria: list[dict[str, Any]], by: str, at: datetime) -> Movement:
        check_name(name)
        check_scope(scope, scope_ref, launcher_level)
        check_period(starts_on, ends_on)
        check_criteria(criteria)
        return cls(name=name.strip(), kind=kind, scope=scope, scope_ref=scope_ref, launcher_level=launcher_level,
                   starts_on=starts_on, ends_on=ends_on, criteria=criteria, drafted_by=by, drafted_at=at)

    @property
    def criterion_codes(self) -> set[str]:
        return {c["code"] for c in self.criteria}

    def tasks_for(self, purpose: str) -> list[dict[str, Any]]:
        return [link["task"] for link in self.tasks if link["purpose"] == purpose]

    def link_task(self, task: dict[str, Any], purpose: str, by: str, at: datetime) -> bool:
        """Link a task of the plan to this movement; False when it is linked so already."""
        check_allowed(self.status, "link_task")
        if purpose not in TASK_PURPOSES:
            raise InvalidMovementError(f"Mục đích '{purpose}' không hợp lệ; dùng: {', '.join(TASK_PURPOSES)}.")
        if any(link["task"]["task_id"] == task["task_id"] and link["purpose"] == purpose for link in self.tasks):
            return False
        self._task_linked(task=task, purpose=purpose, by=by, at=at)
        return True

    @event(TaskLinked)
    def _task_linked(self, task: dict[str, Any], purpose: str, by: str, at: datetime) -> None:
        self.tasks.append({"task": task, "purpose": purpose})

    def launch(self, *, decision: dict[str, Any], launched_on: date, by: str, at: datetime) -> bool:
        """Launch by a decision; False when it was launched by this decision already."""
        number = check_document_ref(decision["number"])
        if self.decision is not None and self.decision["number"] == number:
            return False
        check_allowed(self.status, "launch")
        if decision["signed_on"] > launched_on or not str(decision["authority"]).strip():
            raise InvalidMovementError("Văn bản phát động phải có cấp ban hành và ngày ký không sau ngày phát động.")
        self._launched(decision={**decision, "number": number}, launched_on=launched_on, by=by, at=at)
        return True

    @event(Launched)
    def _launched(self, decision: dict[str, Any], launched_on: date, by: str, at: datetime) -> None:
        self.status, self.decision, self.launched_on = Status.LAUNCHED, decision, launched_on

    def open_registration(self, *, deadline: date, today: date, by: str, at: datetime) -> bool:
        """Open (or extend) the registration until `deadline`; False when open until then already."""
        check_allowed(self.status, "open_registration")
        if self.registration_open and deadline == self.deadline:
            return False
        if deadline < today or deadline > self.ends_on:
            raise InvalidMovementError(f"Hạn đăng ký phải từ hôm nay ({today:%d/%m/%Y}) đến ngày kết thúc "
                                       f"phong trào ({self.ends_on:%d/%m/%Y}).")
        if self.registration_open and self.deadline is not None and deadline < self.deadline:
            raise InvalidMovementError(f"Đăng ký đang mở đến {self.deadline:%d/%m/%Y}: chỉ có thể gia hạn.")
        self._registration_opened(deadline=deadline, extended=self.deadline is not None, by=by, at=at)
        return True

    @event(RegistrationOpened)
    def _registration_opened(self, deadline: date, extended: bool, by: str, at: datetime) -> None:
        self.deadline, self.registration_open = deadline, True

    def register(self, *, unit: Unit, targets: list[dict[str, Any]], today: date, by: str, at: datetime) -> bool:
        """Register a unit with its own targets; False when registered with these targets already."""
        check_allowed(self.status, "register")
        if self.deadline is None:
            raise RegistrationNotOpenError(self.name)
        if not self.registration_open or today > self.deadline:
            raise RegistrationClosedError(self.deadline)
        check_targets(targets, self.criterion_codes)
        existing = self.registrations.get(unit["code"])
        if existing is not None and existing["targets"] == targets:
            return False
        self._unit_registered(unit=unit, targets=targets, registered_on=today, amended=existing is not None,
                              by=by, at=at)
        return True

    @event(UnitRegistered)
    def _unit_registered(self, unit: Unit, targets: list[dict[str, Any]], registered_on: date, amended: bool,
                         by: str, at: datetime) -> None:
        self.registrations[unit["code"]] = {"unit": unit, "targets": targets, "registered_on": registered_on}

    def close_registration(self, *, today: date, at: datetime) -> bool:
        """Close the registration once its deadline has passed; False when not (or already)."""
        if not self.registration_open or self.deadline is None or today <= self.deadline:
            return False
        self._registration_closed(deadline=self.deadline, at=at)
        return True

    @event(RegistrationClosed)
    def _registration_closed(self, deadline: date, at: datetime) -> None:
        self.registration_open = False

    def review(self, *, document_ref: str, reviewed_on: date, summary: str, by: str, at: datetime) -> bool:
        """Record an interim review (sơ kết); False when this report was recorded already."""
        document_ref = check_document_ref(document_ref)
        if any(r["document_ref"] == document_ref for r in self.reviews):
            return False
        check_allowed(self.status, "review")
        check_report(summary, reviewed_on, self.launched_on)
        self._reviewed(document_ref=document_ref, reviewed_on=reviewed_on, summary=summary.strip(), by=by, at=at)
        return True

    @event(Reviewed)
    def _reviewed(self, document_ref: str, reviewed_on: date, summary: str, by: str, at: datetime) -> None:
        self.status = Status.REVIEWED
        self.reviews.append({"document_ref": document_ref, "reviewed_on": reviewed_on, "summary": summary})

    def conclude(self, *, document_ref: str, concluded_on: date, summary: str,
                 proposed_awards: list[dict[str, Any]], by: str, at: datetime) -> bool:
        """Conclude (tổng kết) with the awards proposed; False when concluded by this report already."""
        document_ref = check_document_ref(document_ref)
        if self.conclusion is not None and self.conclusion["document_ref"] == document_ref:
            return False
        check_allowed(self.status, "conclude")
        check_report(summary, concluded_on, self.launched_on)
        check_awards(proposed_awards)
        if self.registration_open and self.deadline is not None:
            self._registration_closed(deadline=self.deadline, at=at)
        self._concluded(document_ref=document_ref, concluded_on=concluded_on, summary=summary.strip(),
                        proposed_awards=proposed_awards, by=by, at=at)
        return True

    @event(Concluded)
    def _concluded(self, document_ref: str, concluded_on: date, summary: str, proposed_awards: list[dict[str, Any]],
                   by: str, at: datetime) -> None:
        self.status = Status.CONCLUDED
        self.conclusion = {"document_ref": document_ref, "concluded_on": concluded_on, "summary": summary,
                           "proposed_awards": proposed_awards}


