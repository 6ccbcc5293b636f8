"""The plan service's one translator from stored domain events to public contracts.

`to_contract` is a `singledispatch` function: each sub-domain's `messaging` module registers
the events it publishes; internal events (the units registry, ballots) fall to the default
and are not published. A translation may read the aggregate as it was after the event.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import singledispatch
from typing import Any, TypeVar, cast
from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from contracts import IntegrationEvent
from contracts.plan import UnitRef
from servicekit.eventstore import by_topic

A = TypeVar("A", bound=Aggregate)


@singledispatch
def to_contract(event: Any, event_id: UUID, app: Application[UUID]) -> IntegrationEvent | None:
    """Internal events are not published."""
    return None


def unpublished(app: Application[UUID], notification: Notification) -> bool:
    """Whether the relay may pass a stored event by without decoding it: its type has no contract
    (`to_contract`'s default) and no aggregate copy of the translator follows its originator. (A
    copy it did not follow is read again from the store when needed, see `_Replayed.at`.)"""
    return _internal(notification.topic) and not _REPLAYED.follows(app, cast(UUID, notification.originator_id))


# topic → whether its events are not published
_internal = by_topic(lambda cls: to_contract.dispatch(cls) is to_contract.dispatch(object))


def translate(event: Any, event_id: UUID, app: Application[UUID]) -> IntegrationEvent | None:
    """The contract of one stored event (None: not published), events taken in their log's order."""
    _REPLAYED.follow(app, event)
    return to_contract(event, event_id, app)


class _Replayed:
    """The aggregates the translator rebuilt lately, each at the version of its last event.

    The relay translates a service's events in order, so the next event of an aggregate is
    applied to the copy rebuilt for the previous one: each event is decoded once, not once per
    later event of its aggregate (a movement with 300 registrations: 300 events, not 45,000).
    """

    SIZE = 256

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_app: WeakKeyDictionary[Application[UUID], OrderedDict[UUID, Any]] = WeakKeyDictionary()

    def follow(self, app: Application[UUID], event: Any) -> None:
        """Apply an event (published or not) to its aggregate's copy, when there is one."""
        with self.lock:
            known = self.by_app.get(app, {}).get(event.originator_id)
            if known is not None and known.version == event.originator_version - 1:
                event.mutate(known)

    def follows(self, app: Application[UUID], originator_id: UUID) -> bool:
        with self.lock:
            return originator_id in self.by_app.get(app, {})

    def at(self, app: Application[UUID], event: Any) -> object:
        with self.lock:
            recent = self.by_app.setdefault(app, OrderedDict())
            known = recent.pop(event.originator_id, None)
            if known is None or known.version != event.originator_version:
                known = app.repository.get(event.originator_id, version=event.originator_version)
            recent[event.originator_id] = known
            if len(recent) > self.SIZE:
                recent.popitem(last=False)
            return known


_REPLAYED = _Replayed()


def aggregate_at(app: Application[UUID], event: Any, cls: type[A]) -> A:
    """The aggregate the event belongs to, as it was right after the event."""
    found = _REPLAYED.at(app, event)
    if not isinstance(found, cls):
        raise TypeError(f"{event.originator_id} is not a {cls.__name__}")
    return found


def unit_refs(units: list[dict[str, str]]) -> list[UnitRef]:
    return [UnitRef(code=u["code"], name=u["name"]) for u in units]
