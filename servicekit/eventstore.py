"""The event store of a service: eventsourcing on PostgreSQL, with the trace context of the
command that caused each event stored beside it (so the relay can continue the trace)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from copy import deepcopy
from datetime import date
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository, project_aggregate
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.utils import get_topic, resolve_topic
from opentelemetry import propagate
from psycopg.sql import SQL, Identifier

from servicekit.settings import ServiceSettings

TRACE_KEY = "__trace__"


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TracingMapper(Mapper[UUID]):
    """A Mapper that keeps the W3C trace context of the current span with each event."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        if carrier:
            state[TRACE_KEY] = carrier
        stored = self.transcoder.encode(state)
        if self.compressor:
            stored = self.compressor.compress(stored)
        if self.cipher:
            stored = self.cipher.encrypt(stored)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=stored,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self.to_domain_event_with_trace(stored_event)[0]

    def to_domain_event_with_trace(
        self, stored_event: StoredEvent
    ) -> tuple[DomainEventProtocol[UUID], dict[str, str]]:
        event = super().to_domain_event(stored_event)
        carrier = event.__dict__.pop(TRACE_KEY, None) or {}
        return event, carrier


class CopyLockedRepository(Repository[UUID]):
    """The library's repository, with each cached `get()` done under a lock per aggregate, and
    `read()` for a command that only reads an aggregate.

    eventsourcing 9.5.6 fast-forwards a cached aggregate under a lock but deep-copies it after
    releasing that lock, so the copy can race with another thread fast-forwarding the same
    aggregate (a dict growing while it is copied raises). Striped locks keep their number fixed.

    `read()` returns the cached aggregate itself, fast-forwarded, without the deep copy `get()`
    makes (for the units registry, a copy of every unit at every command). So that a reader never
    sees it change, a cached aggregate once read is not fast-forwarded in place: the next
    fast-forward that finds newer events applies them to a copy, which replaces it in the cache.
    """

    STRIPES = 64

    def __init__(self, configured: Repository[UUID]) -> None:  # adopts a configured repository
        self.__dict__.update(configured.__dict__)
        self._copy_locks = [threading.Lock() for _ in range(self.STRIPES)]
        self._read: set[UUID] = set()  # cached aggregates handed out by read(), not to change in place

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, **kwargs)
        with self._copy_locks[hash(aggregate_id) % self.STRIPES]:
            return self._cached(aggregate_id, **kwargs)

    def read(self, aggregate_id: UUID) -> Any:
        """The aggregate as `get()` finds it, for reading only: not a copy, so the caller must not
        change it (nor trigger its events); it does not change under the caller either."""
        if self.cache is None:
            return super().get(aggregate_id)
        with self._copy_locks[hash(aggregate_id) % self.STRIPES]:
            found = self._cached(aggregate_id, deepcopy_from_cache=False)
            self._read.add(aggregate_id)
            return found

    def _cached(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        project = kwargs.pop("projector_func", project_aggregate)

        def fast_forward(aggregate: Any, events: Iterable[Any]) -> Any:
            if aggregate is None or aggregate_id not in self._read:
                return project(aggregate, events)
            newer = list(events)
            if not newer:
                return aggregate
            updated = project(deepcopy(aggregate), newer)  # the one read stays as it was
            self._read.discard(aggregate_id)
            if updated is not None and self.cache is not None:
                self.cache.put(aggregate_id, updated)
            return updated

        return super().get(aggregate_id, projector_func=fast_forward, **kwargs)


class ServiceApplication(Application[UUID]):
    """Base of every service's Application: tracing mapper, date transcoding, aggregate cache.

    The cache keeps recently used aggregates in memory; every `repository.get()` still reads
    the aggregate's newer events from the database (fast-forward) and returns a deep copy, so
    a replica never acts on stale state and the optimistic version check on save is unchanged.
    Without it, each command replays the whole history of its aggregate (a plan with 200 tasks:
    200 events decoded per added task). The environment can override both values.
    """

    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "1000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=TracingMapper
        )

    def construct_repository(self) -> Repository[UUID]:
        return CopyLockedRepository(super().construct_repository())

    def read(self, aggregate_id: UUID) -> Any:
        """An aggregate for reading only: not a copy, not to be changed (`CopyLockedRepository.read`)."""
        if isinstance(self.repository, CopyLockedRepository):
            return self.repository.read(aggregate_id)
        return self.repository.get(aggregate_id)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def stored_aggregates(app: Application[UUID], ids: Collection[UUID]) -> set[UUID]:
    """Which of `ids` have events in the store: one query on PostgreSQL (the events' primary
    key starts with the aggregate's id), one read per id on another recorder."""
    recorder = app.recorder
    if not ids:
        return set()
    if not isinstance(recorder, PostgresAggregateRecorder):
        return {i for i in ids if recorder.select_events(i, limit=1)}
    statement = SQL("SELECT DISTINCT originator_id FROM {schema}.{table} WHERE originator_id = ANY(%s)").format(
        schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
    with recorder.datastore.transaction(commit=False) as curs:
        curs.execute(statement, (list(ids),))
        return {UUID(str(row["originator_id"])) for row in curs.fetchall()}


def load_aggregates(app: Application[UUID], ids: Collection[UUID]) -> dict[UUID, Any]:
    """The aggregates of `ids` that are stored, each made from all its events: one query on
    PostgreSQL, `repository.get` per id on another recorder. (The same state as
    `repository.get`, which may start from its cache; not for an aggregate whose events were
    snapshotted and removed.)"""
    recorder = app.recorder
    if not ids:
        return {}
    if not isinstance(recorder, PostgresAggregateRecorder):
        found: dict[UUID, Any] = {}
        for aggregate_id in ids:
            try:
                found[aggregate_id] = app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                continue
        return found
    statement = SQL("SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
                    "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version").format(
        schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
    with recorder.datastore.transaction(commit=False) as curs:
        curs.execute(statement, (list(ids),))
        rows = curs.fetchall()
    events: dict[UUID, list[Any]] = {}
    for row in rows:
        stored = StoredEvent(originator_id=row["originator_id"], originator_version=row["originator_version"],
                             topic=row["topic"], state=bytes(row["state"]))
        events.setdefault(UUID(str(row["originator_id"])), []).append(app.mapper.to_domain_event(stored))
    made = {aggregate_id: project_aggregate(None, each) for aggregate_id, each in events.items()}
    return {aggregate_id: aggregate for aggregate_id, aggregate in made.items() if aggregate is not None}


def postgres_env(settings: ServiceSettings, *, pool_size: int = 10) -> dict[str, str]:
    """eventsourcing's environment for the service's own database (`servicekit.pgstore`: the
    hash chain and the time budget of a command)."""
    if settings.audit_key is None:
        raise ValueError("TDKT_AUDIT_KEY chưa đặt: chuỗi băm của kho sự kiện cần khóa này")
    parts = urlsplit(settings.dsn_for())
    budget = settings.command_budget_s
    encryption = {"CIPHER_TOPIC": "servicekit.crypto:RotatingCipher",
                  "CIPHER_KEYS": settings.cipher_keys.get_secret_value()} if settings.cipher_keys else {}
    return {
        **encryption,
        "PERSISTENCE_MODULE": "servicekit.pgstore:Factory",
        "AUDIT_KEY": settings.audit_key.get_secret_value(),
        "COMMAND_BUDGET_S": str(budget),
        "POSTGRES_DBNAME": settings.database_name,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        "POSTGRES_CONNECT_TIMEOUT": str(max(1, round(budget * 0.3))),  # also the wait for a pooled connection
        "POSTGRES_LOCK_TIMEOUT": str(max(1, round(budget * 0.3))),
    }


def memory_env() -> dict[str, Any]:
    """For pure domain and application unit tests only."""
    return {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def by_topic(rule: Callable[[type], bool]) -> Callable[[str], bool]:
    """A rule of an event class asked once per stored topic (which events a relay or a view may
    pass by undecoded); False for a topic that names no class (the event is decoded as usual,
    which says what is wrong)."""
    known: dict[str, bool] = {}

    def answer(topic: str) -> bool:
        found = known.get(topic)
        if found is None:
            try:
                cls = resolve_topic(topic)
            except Exception:
                return False
            found = known[topic] = rule(cls)
        return found

    return answer
