"""What the plan service tells the others: its domain events as public contracts.

A task event after the first is translated with the task's state at that version (read
from the event store), so every public task event says which task it is about. Movements,
clusters and exemplary models register their own translations (`<sub-domain>/messaging.py`)
on the same `translate.to_contract`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from contracts.plan import (
    PlanIssued,
    QuarterCount,
    TaskAssigned,
    TaskCompleted,
    TaskOverdue,
    TaskReassigned,
)
from services.plan.clusters import messaging as clusters
from services.plan.domainmodel import Plan, Task
from services.plan.exemplary import messaging as exemplary
from services.plan.movements import messaging as movements
from services.plan.translate import aggregate_at, to_contract, translate
from services.plan.translate import unit_refs as _units

SUB_DOMAINS = (movements, clusters, exemplary)  # imported for the translations they register


def translator(app: Application[UUID]) -> Any:
    return lambda event, event_id: translate(event, event_id, app)


def _task_fields(task: Task, version: int) -> dict[str, Any]:
    return {"task_id": task.id, "plan_id": task.plan_id, "plan_number": task.plan_number,
            "year": task.year, "quarter": task.quarter, "number": task.number, "title": task.title,
            "task_version": version}


def _task_at(app: Application[UUID], event: Task.Event) -> Task:
    return aggregate_at(app, event, Task)


@to_contract.register
def _(e: Plan.Issued, event_id: UUID, app: Application[UUID]) -> PlanIssued:
    quarters = [QuarterCount(quarter=q, listed=e.listed.get(str(q), 0), announced=e.announced.get(str(q)))
                for q in range(1, 5)]
    return PlanIssued(
        event_id=event_id, occurred_at=e.issued_at, plan_id=e.originator_id, number=e.number,
        year=e.year, title=e.title, issuer=e.issuer, issued_on=e.issued_on, signed_by=e.signed_by,
        quarters=quarters, warnings=e.warnings, issued_by=e.issued_by,
    )


@to_contract.register
def _(e: Task.Assigned, event_id: UUID, app: Application[UUID]) -> TaskAssigned:
    return TaskAssigned(
        event_id=event_id, occurred_at=e.assigned_at, task_id=e.originator_id, plan_id=e.plan_id,
        plan_number=e.plan_number, year=e.year, quarter=e.quarter, number=e.number, title=e.title,
        task_version=e.originator_version, lead_units=_units(e.lead_units),
        coordinating_units=_units(e.coordinating_units), due_date=e.due_date, assigned_by=e.assigned_by,
    )


@to_contract.register
def _(e: Task.Reassigned, event_id: UUID, app: Application[UUID]) -> TaskReassigned:
    task = _task_at(app, e)
    return TaskReassigned(
        event_id=event_id, occurred_at=e.at, **_task_fields(task, e.originator_version),
        lead_units=_units(e.lead_units), coordinating_units=_units(e.coordinating_units),
        previous_lead_units=_units(e.previous_lead_units),
        previous_coordinating_units=_units(e.previous_coordinating_units),
        due_date=e.due_date, reason=e.reason, reassigned_by=e.by,
    )


@to_contract.register
def _(e: Task.Completed, event_id: UUID, app: Application[UUID]) -> TaskCompleted:
    task = _task_at(app, e)
    return TaskCompleted(
        event_id=event_id, occurred_at=e.at, **_task_fields(task, e.originator_version),
        document_ref=e.document_ref, completed_on=e.completed_on, late=e.late,
        lead_units=_units(task.lead_units), completed_by=e.by,
    )


@to_contract.register
def _(e: Task.BecameOverdue, event_id: UUID, app: Application[UUID]) -> TaskOverdue:
    task = _task_at(app, e)
    return TaskOverdue(
        event_id=event_id, occurred_at=e.at, **_task_fields(task, e.originator_version),
        due_date=e.due_date, lead_units=_units(task.lead_units),
        coordinating_units=_units(task.coordinating_units),
    )
