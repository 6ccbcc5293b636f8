"""The records one use case touches, each loaded once (following aliases and merge links) and
saved together in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from services.nomination.history.domainmodel import PersonAlias, Record

MAX_HOPS = 8


class Session:
    """The aggregates one use case loads or creates, each once, saved in one transaction."""

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.loaded: dict[UUID, Aggregate | None] = {}

    def find(self, aggregate_id: UUID) -> Aggregate | None:
        if aggregate_id not in self.loaded:
            self.loaded[aggregate_id] = self._get(aggregate_id)
        return self.loaded[aggregate_id]

    def prefetch(self, ids: Iterable[UUID], workers: int = 8) -> None:
        """Load many aggregates at once, several database reads in flight (a big import)."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self.loaded]
        if not wanted:
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for aggregate_id, found in zip(wanted, pool.map(self._get, wanted), strict=True):
                self.loaded[aggregate_id] = found

    def _get(self, aggregate_id: UUID) -> Aggregate | None:
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
