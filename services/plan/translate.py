"""The plan service's one translator from stored domain events to public contracts.

`to_contract` is a `singledispatch` function: each sub-domain's `messaging` module registers
the events it publishes; internal events (the units registry, ballots) fall to the default
and are not published. A translation may read the aggregate as it was after the event.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from contracts import IntegrationEvent
from contracts.plan import UnitRef

A = TypeVar("A", bound=Aggregate)


@singledispatch
def to_contract(event: Any, event_id: UUID, app: Application[UUID]) -> IntegrationEvent | None:
    """Internal events are not published."""
    return None


def aggregate_at(app: Application[UUID], event: Any, cls: type[A]) -> A:
    """The aggregate the event belongs to, as it was right after the event."""
    found: object = app.repository.get(event.originator_id, version=event.originator_version)
    if not isinstance(found, cls):
        raise TypeError(f"{event.originator_id} is not a {cls.__name__}")
    return found


def unit_refs(units: list[dict[str, str]]) -> list[UnitRef]:
    return [UnitRef(code=u["code"], name=u["name"]) for u in units]
