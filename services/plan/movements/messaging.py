"""Movement events as public contracts (`contracts.plan_movements`), each with the movement as it
was right after the event, so a consumer needs no other state."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application

from contracts.plan import UnitRef
from contracts.plan_movements import (
    Criterion,
    DecisionRef,
    MovementConcluded,
    MovementLaunched,
    MovementRegistrationClosed,
    MovementRegistrationOpened,
    MovementReviewed,
    MovementTaskLinked,
    ProposedAward,
    TaskPurpose,
    TaskRef,
    UnitRegisteredForMovement,
    UnitTarget,
)
from services.plan.movements.domainmodel import Movement
from services.plan.translate import aggregate_at, to_contract, unit_refs


def _movement(app: Application[UUID], e: Movement.Event, event_id: UUID) -> tuple[Movement, dict[str, Any]]:
    m = aggregate_at(app, e, Movement)
    return m, {"event_id": event_id, "movement_id": m.id, "movement_version": m.version, "name": m.name,
               "kind": m.kind.value, "scope": m.scope.value, "scope_ref": m.scope_ref,
               "launcher_level": m.launcher_level, "starts_on": m.starts_on, "ends_on": m.ends_on}


def _registered(m: Movement) -> list[UnitRef]:
    return unit_refs([r["unit"] for r in sorted(m.registrations.values(), key=lambda r: r["unit"]["code"])])


@to_contract.register
def _(e: Movement.TaskLinked, event_id: UUID, app: Application[UUID]) -> MovementTaskLinked:
    _, fields = _movement(app, e, event_id)
    return MovementTaskLinked(**fields, occurred_at=e.at, task=TaskRef(**e.task), purpose=cast(TaskPurpose, e.purpose),
                              linked_by=e.by)


@to_contract.register
def _(e: Movement.Launched, event_id: UUID, app: Application[UUID]) -> MovementLaunched:
    m, fields = _movement(app, e, event_id)
    launching = m.tasks_for("phat_dong")
    return MovementLaunched(**fields, occurred_at=e.at, decision=DecisionRef(**e.decision),
                            launched_on=e.launched_on, criteria=[Criterion(**c) for c in m.criteria],
                            launching_task=TaskRef(**launching[0]) if launching else None, launched_by=e.by)


@to_contract.register
def _(e: Movement.RegistrationOpened, event_id: UUID, app: Application[UUID]) -> MovementRegistrationOpened:
    _, fields = _movement(app, e, event_id)
    return MovementRegistrationOpened(**fields, occurred_at=e.at, deadline=e.deadline, extended=e.extended,
                                      opened_by=e.by)


@to_contract.register
def _(e: Movement.UnitRegistered, event_id: UUID, app: Application[UUID]) -> UnitRegisteredForMovement:
    _, fields = _movement(app, e, event_id)
    return UnitRegisteredForMovement(**fields, occurred_at=e.at, unit=UnitRef(**e.unit),
                                     targets=[UnitTarget(**t) for t in e.targets], registered_on=e.registered_on,
                                     amended=e.amended, registered_by=e.by)


@to_contract.register
def _(e: Movement.RegistrationClosed, event_id: UUID, app: Application[UUID]) -> MovementRegistrationClosed:
    m, fields = _movement(app, e, event_id)
    return MovementRegistrationClosed(**fields, occurred_at=e.at, deadline=e.deadline,
                                      registered_units=_registered(m))


@to_contract.register
def _(e: Movement.Reviewed, event_id: UUID, app: Application[UUID]) -> MovementReviewed:
    m, fields = _movement(app, e, event_id)
    return MovementReviewed(**fields, occurred_at=e.at, document_ref=e.document_ref, reviewed_on=e.reviewed_on,
                            summary=e.summary, registered_units=len(m.registrations), reviewed_by=e.by)


@to_contract.register
def _(e: Movement.Concluded, event_id: UUID, app: Application[UUID]) -> MovementConcluded:
    m, fields = _movement(app, e, event_id)
    awards = [ProposedAward(**{**a, "unit": UnitRef(**a["unit"]) if a["unit"] else None})
              for a in e.proposed_awards]
    return MovementConcluded(**fields, occurred_at=e.at, document_ref=e.document_ref,
                             concluded_on=e.concluded_on, summary=e.summary, proposed_awards=awards,
                             registered_units=len(m.registrations), concluded_by=e.by)
