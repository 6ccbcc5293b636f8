"""Exemplary model events as public contracts (`contracts.plan_exemplary`), each with the model as
it was right after the event. The private contact of a model is never part of them."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application

from contracts.plan import UnitRef
from contracts.plan_exemplary import (
    ExemplaryModelAdvanced,
    ExemplaryModelCovered,
    ExemplaryModelPublished,
    ExemplaryModelRecognised,
    ExemplaryModelUnpublished,
)
from contracts.plan_exemplary import Stage as StageName
from services.plan.exemplary.domainmodel import ExemplaryModel
from services.plan.translate import aggregate_at, to_contract


def _model(app: Application[UUID], e: ExemplaryModel.Event, event_id: UUID) -> dict[str, Any]:
    m = aggregate_at(app, e, ExemplaryModel)
    movement = m.movement or {}
    return {"event_id": event_id, "model_id": m.id, "model_version": m.version, "name": m.name,
            "subject_kind": m.subject_kind, "unit": UnitRef(**m.unit), "field": m.field,
            "movement_id": movement.get("movement_id"), "movement_name": movement.get("name"),
            "stage": m.stage.value}


@to_contract.register
def _(e: ExemplaryModel.Recognised, event_id: UUID, app: Application[UUID]) -> ExemplaryModelRecognised:
    return ExemplaryModelRecognised(**_model(app, e, event_id), occurred_at=e.recognised_at,
                                    achievement=e.achievement, found_by_unit=UnitRef(**e.found_by_unit),
                                    found_on=e.found_on, recognised_by=e.recognised_by)


@to_contract.register
def _(e: ExemplaryModel.Advanced, event_id: UUID, app: Application[UUID]) -> ExemplaryModelAdvanced:
    previous = cast(StageName, str(e.previous_stage))
    return ExemplaryModelAdvanced(**_model(app, e, event_id), occurred_at=e.at, previous_stage=previous,
                                  advanced_on=e.on, note=e.note, advanced_by=e.by)


@to_contract.register
def _(e: ExemplaryModel.Covered, event_id: UUID, app: Application[UUID]) -> ExemplaryModelCovered:
    return ExemplaryModelCovered(**_model(app, e, event_id), occurred_at=e.at, outlet=e.outlet, title=e.title,
                                 url=e.url, published_on=e.published_on, recorded_by=e.by)


@to_contract.register
def _(e: ExemplaryModel.Published, event_id: UUID, app: Application[UUID]) -> ExemplaryModelPublished:
    return ExemplaryModelPublished(**_model(app, e, event_id), occurred_at=e.at, public_summary=e.public_summary,
                                   published_by=e.by)


@to_contract.register
def _(e: ExemplaryModel.Unpublished, event_id: UUID, app: Application[UUID]) -> ExemplaryModelUnpublished:
    return ExemplaryModelUnpublished(**_model(app, e, event_id), occurred_at=e.at, reason=e.reason,
                                     unpublished_by=e.by)
