"""The records one use case touches, each loaded once (following aliases and merge links) and
saved together in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import deepcopy
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from servicekit.eventstore import load_aggregates
from services.nomination.history.domainmodel import PersonAlias, Record

MAX_HOPS = 8


class Session:
    """The aggregates one use case loads or creates, each once, saved in one transaction.
    `known`: aggregates read beforehand for many use cases (`Known`), each taken as a copy of
    its own, as `repository.get` gives."""

    def __init__(self, app: Application[UUID], known: Known | None = None) -> None:
        self.app = app
        self.known = known
        self.loaded: dict[UUID, Aggregate | None] = {}

    def find(self, aggregate_id: UUID) -> Aggregate | None:
        if aggregate_id not in self.loaded:
            self.loaded[aggregate_id] = self._get(aggregate_id)
        return self.loaded[aggregate_id]

    def prefetch(self, ids: Iterable[UUID]) -> None:
        """Load many aggregates at once, in one query (a big import)."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self.loaded]
        found = load_aggregates(self.app, wanted)
        for aggregate_id in wanted:
            self.loaded[aggregate_id] = found.get(aggregate_id)

    def _get(self, aggregate_id: UUID) -> Aggregate | None:
        if self.known is not None and aggregate_id in self.known.read:
            found = self.known.read[aggregate_id]
            return None if found is None else deepcopy(found)
        try:
            return self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def follow(self, record_id: UUID) -> Record | None:
        """The record answering to `record_id`, through aliases and merges."""
        for _ in range(MAX_HOPS):
            found = self.find(record_id)
            if isinstance(found, PersonAlias):
                record_id = found.target
            elif isinstance(found, Record) and found.merged_into is not None:
                record_id = found.merged_into
            else:
                return found if isinstance(found, Record) else None
        return None

    def add(self, aggregate: Aggregate) -> None:
        self.loaded[aggregate.id] = aggregate

    def changes(self) -> list[Aggregate]:
        return [a for a in self.loaded.values() if a is not None and a.pending_events]

    def save(self) -> int:
        changed = self.changes()
        if changed:
            self.app.save(*changed)
        return len(changed)


class Known:
    """Aggregates read at once for a batch of use cases (`load_aggregates`: one query for all),
    and those of the ids asked for that are not stored (None)."""

    def __init__(self, app: Application[UUID], ids: Iterable[UUID]) -> None:
        wanted = set(ids)
        found = load_aggregates(app, wanted)
        # what aliases and merged records point to: a second query
        targets = {t for a in found.values() if (t := _target(a)) is not None and t not in wanted}
        found |= load_aggregates(app, targets)
        self.read: Mapping[UUID, Aggregate | None] = {i: found.get(i) for i in wanted | targets}


def _target(aggregate: Aggregate) -> UUID | None:
    if isinstance(aggregate, PersonAlias):
        return aggregate.target
    return aggregate.merged_into if isinstance(aggregate, Record) else None
