"""What a running service holds — its database pool, the bus, its background workers — opened
and closed with the HTTP app, each part reported by `/readyz`. A service subclasses
`ServiceRuntime` and fills in `start()` and `close()`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

import asyncpg
import uvicorn
from eventsourcing.application import Application
from fastapi import APIRouter, FastAPI
from nats.aio.client import Client
from nats.js import JetStreamContext

from servicekit import audit, bus, deadletters, idempotency, metrics, reconcile
from servicekit.consumer import EventConsumer
from servicekit.db import create_schema, ensure_database, open_pool, replicas_one_at_a_time
from servicekit.health import Check, Readiness
from servicekit.http import ErrorTable, create_service_app
from servicekit.leader import Leadership
from servicekit.logs import configure_logging
from servicekit.metrics import Metrics, MetricsMiddleware
from servicekit.outbox import OutboxRelay
from servicekit.settings import ServiceSettings, load_settings
from servicekit.telemetry import setup_telemetry
from servicekit.views import ViewRunner

log = logging.getLogger(__name__)
Worker = Callable[[asyncio.Event], Awaitable[None]]
Status = Callable[[], str | Awaitable[str | None] | None]
T = TypeVar("T")
A = TypeVar("A", bound=Application[Any])
SWITCH_INTERVAL_S = 0.0005


class ServiceRuntime:
    pool_size: ClassVar[int] = 10
    shutdown_timeout: float = 15.0

    def __init__(self, settings: ServiceSettings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self.zone = ZoneInfo(settings.timezone)
        self.stop = asyncio.Event()
        self.workers: dict[str, asyncio.Task[Any]] = {}
        self._stops: dict[str, asyncio.Event] = {}
        self.readiness = Readiness(settings.service)
        self.dead_letters = deadletters.DeadLetters()
        self.event_stores: dict[str, Application[Any]] = {}
        self.leaderships: dict[str, Leadership] = {}
        self.metrics = Metrics(settings.service)
        self._gauges: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
        self._observed: dict[str, EventConsumer] = {}
        self.relay_running: OutboxRelay | None = None  # for the reconciliation (servicekit.reconcile)
        self.reconcilers: list[Callable[[], Awaitable[list[reconcile.Finding]]]] = []  # what else it compares
        self.view_runners: list[ViewRunner[Any]] = []
        self._observe_consumers()
        self._pool: asyncpg.Pool | None = None
        self.nats: Client | None = None
        self.idempotency_holder = idempotency.Holder()  # this replica's name on the keys it executes

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, f"{self.settings.service} service not started"
        return self._pool

    @property
    def opened_pool(self) -> asyncpg.Pool | None:
        """The pool once the runtime has opened it (for middleware that may run before)."""
        return self._pool

    @property
    def js(self) -> JetStreamContext:
        assert self.nats is not None, f"{self.settings.service} service not started"
        return self.nats.jetstream()

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The date in the province (Asia/Ho_Chi_Minh by default)."""
        return self.clock().astimezone(self.zone).date()

    async def open_store(self, application_class: type[A], env: dict[str, str]) -> A:
        """The service's Application on its event store, known to the auditor's routes."""
        app = await asyncio.to_thread(application_class, env)
        self.event_stores[app.name] = app
        return app

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a synchronous Application or view call off the event loop."""
        return await asyncio.to_thread(function, *args, **kwargs)

    async def spawn_views(self, runners: Sequence[ViewRunner[Any]]) -> None:
        """Open the views for reading on this replica; run their projections on the one replica
        elected among the service's replicas (`servicekit.leader`). `/readyz` reports each view,
        degraded by its dead letters, and this replica's role."""
        self.view_runners.extend(runners)
        for runner in runners:
            await runner.open_reader()
            self.dead_letters.register(runner.name, runner)
            self.check(f"view:{runner.name}", self._or_dead_letters(runner.name, runner.problem))

        async def work(stop: asyncio.Event) -> None:
            await asyncio.gather(*(runner.lead(stop) for runner in runners))

        self.spawn_elected("views", work)

    def spawn_elected(self, name: str, work: Worker, *, stop: asyncio.Event | None = None,
                      status: Status | None = None) -> Leadership:
        """Run `work` on one replica at a time (lock `<service>:<name>`); the others stand by."""
        leadership = self.leaderships[name] = Leadership(
            self.settings.dsn_for(), f"{self.settings.service}:{name}", self.settings.leader_interval_s)
        self.spawn(name, functools.partial(leadership.run, work), stop=stop, status=status)
        return leadership

    def spawn_consumer(self, consumer: EventConsumer, stop: asyncio.Event | None = None) -> None:
        """Run a bus consumer on one replica at a time (replicas competing for one durable consumer
        would apply a subject's events out of order; the service's consumers spread over the
        replicas instead); `/readyz` reports its errors, degraded by its dead letters."""
        self.dead_letters.register(consumer.name, consumer)
        self._observed[consumer.name] = consumer
        self.spawn_elected(consumer.name, consumer.run, stop=stop,
                           status=self._or_dead_letters(consumer.name, lambda: consumer.status.last_error))

    def spawn_relay(self, relay: OutboxRelay) -> None:
        """Run the outbox relay (elected by its own lock); count what it publishes and how far
        the bus is behind the store (`/metrics`)."""
        self.relay_running = relay
        self.spawn("outbox", relay.run, status=relay.problem)
        self.metrics.observe("tdkt_events_published", "Events this replica's outbox relay put on the bus",
                             lambda: [({"service": self.settings.service}, relay.status.published)], monotonic=True)

        async def lag() -> None:
            position = await self.pool.fetchval(
                "SELECT notification_id FROM outbox_position WHERE relay = $1", relay.service) if (
                await self.pool.fetchval("SELECT to_regclass('outbox_position') IS NOT NULL")) else 0
            stored = await self.call(relay.app.recorder.max_notification_id) or 0
            self.set_gauge("relay_lag", {"store": relay.app.name}, stored - int(position or 0))

        self.metrics.refresh(lag)
        self.metrics.observe("tdkt_relay_lag_events", "Events stored and not yet published on the bus",
                             self.gauge_reader("relay_lag"))

    def _observe_consumers(self) -> None:
        consumers = self._observed

        def counts() -> list[tuple[dict[str, str], float]]:
            return [({"consumer": c.name, "outcome": outcome}, value)
                    for c in consumers.values() for outcome, value in (
                        ("processed", c.status.processed), ("duplicate", c.status.duplicates),
                        ("retried", c.status.retried), ("dead_lettered", c.status.dead_lettered))]

        async def lag() -> None:
            for consumer in list(consumers.values()):
                info = await self.js.consumer_info(consumer.stream, consumer.name)
                self.set_gauge("consumer_lag", {"consumer": consumer.name},
                            (info.num_pending or 0) + (info.num_ack_pending or 0))

        self.metrics.observe("tdkt_consumer_events", "Events each durable consumer took from the bus on this "
                             "replica, by outcome", counts, monotonic=True)
        self.metrics.refresh(lag)
        self.metrics.observe("tdkt_consumer_lag_messages", "Messages a durable consumer has not acknowledged yet",
                             self.gauge_reader("consumer_lag"))

    def set_gauge(self, family: str, labels: dict[str, str], value: float) -> None:
        self._gauges.setdefault(family, {})[tuple(sorted(labels.items()))] = value

    def gauge_reader(self, family: str) -> Callable[[], list[tuple[dict[str, str], float]]]:
        return lambda: [(dict(key), value) for key, value in self._gauges.get(family, {}).items()]

    def _observe_dead_letters(self) -> None:
        async def count() -> None:
            rows = await self.pool.fetch("SELECT source, count(*) AS n FROM dead_letters "
                                         "WHERE replayed_at IS NULL GROUP BY source")
            self._gauges["dead_letters"] = {(("source", r["source"]),): float(r["n"]) for r in rows}

        self.metrics.refresh(count)
        self.metrics.observe("tdkt_dead_letters", "Dead letters waiting for an operator, by source",
                             self.gauge_reader("dead_letters"))

    @property
    def consumers_observed(self) -> list[EventConsumer]:
        return list(self._observed.values())

    def roles(self) -> dict[str, str]:
        """What this replica leads and what it stands by for."""
        return {name: leadership.role for name, leadership in self.leaderships.items()}

    def _or_dead_letters(self, source: str, problem: Callable[[], str | None]) -> Check:
        degraded = self.dead_letters.status(source)

        async def status() -> str | None:
            return problem() or await degraded()

        return status

    @contextlib.asynccontextmanager
    async def lifespan(self, http: FastAPI) -> AsyncIterator[None]:
        self.readiness = http.state.readiness
        self.readiness.roles = self.roles
        try:
            async with replicas_one_at_a_time(self.settings, "start-up"):
                await self._open()
                await self.start()
            yield
        finally:
            await self._shutdown()

    async def start(self) -> None:
        """Open what the service needs beyond its database and the bus; spawn its workers."""

    async def close(self) -> None:
        """Release what `start` opened; the workers have stopped by now."""

    def check(self, name: str, check: Check) -> None:
        self.readiness.add(name, check)

    def spawn(self, name: str, worker: Worker, *, stop: asyncio.Event | None = None,
              status: Status | None = None, checked: bool = True) -> asyncio.Task[Any]:
        """Run a background worker until `stop` (the runtime's own by default) is set; `/readyz`
        reports it unless `checked` is False (a helper the service works without)."""
        self._stops[name] = stop or self.stop
        task: asyncio.Task[None] = asyncio.ensure_future(worker(self._stops[name]))
        task.set_name(name)
        self.workers[name] = task

        async def alive() -> str | None:
            current = self.workers.get(name)
            if current is None or current.done():
                return "stopped"
            result = status() if status else None
            return await result if inspect.isawaitable(result) else result

        if checked:
            self.check(name, alive)
        return task

    async def join(self, name: str) -> None:
        task = self.workers.get(name)
        if task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, self.shutdown_timeout)

    async def _open(self) -> None:
        await ensure_database(self.settings)
        self._pool = await open_pool(self.settings, max_size=self.pool_size)
        await self.dead_letters.open(self._pool)
        self._observe_dead_letters()
        await create_schema(self._pool, idempotency.SCHEMA)
        # Without its lock, claims wait the lease: not a reason to take the replica out of service.
        self.spawn("idempotency-holder", functools.partial(self.idempotency_holder.run, self.settings.dsn_for()),
                   checked=False)
        self.nats = await bus.connect(self.settings)
        await bus.ensure_stream(self.js, self.settings)
        self.check("database", self._check_database)
        self.check("nats", self._check_nats)

    async def _shutdown(self) -> None:
        self.stop.set()
        for stop in self._stops.values():
            stop.set()
        for name in list(self.workers):
            await self.join(name)
        with contextlib.suppress(Exception):
            await self.close()
        if self.nats is not None:
            with contextlib.suppress(Exception):
                await self.nats.drain()
        if self._pool is not None:
            await self._pool.close()

    async def _check_database(self) -> str | None:
        await self.pool.fetchval("SELECT 1")
        return None

    async def _check_nats(self) -> str | None:
        return None if self.nats is not None and self.nats.is_connected else "not connected"


def build_service_app(runtime: ServiceRuntime, *, title: str, description: str, errors: ErrorTable,
                      routers: Sequence[APIRouter], body_limits: dict[str, int] | None = None) -> FastAPI:
    """The composition of every service: HTTP conventions, the runtime's lifespan, routes, traces."""
    app = create_service_app(runtime.settings, title=title, description=description, errors=errors,
                             lifespan=runtime.lifespan, body_limits=body_limits)
    app.state.runtime = runtime
    app.state.metrics = runtime.metrics
    app.add_middleware(MetricsMiddleware, metrics=runtime.metrics)
    for router in [*routers, deadletters.router, audit.router, metrics.router, reconcile.router]:
        app.include_router(router)
    setup_telemetry(runtime.settings, app)
    return app


def run_service(app: Callable[[Any], FastAPI], settings_class: type[ServiceSettings]) -> None:
    """`python -m services.<name>`: its settings (a wrong one stops here, saying which), structured
    logs, then uvicorn on the configured port."""
    settings = load_settings(settings_class)
    configure_logging(settings.service, settings.log_level, settings.log_format)
    # A thread back from the database waits for the GIL up to this long while the event loop
    # runs: at the default 5 ms, a command's transaction held the event-store table lock for
    # several such waits, and every other command queued behind it.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    uvicorn.run(app(settings), host=settings.host, port=settings.port, log_config=None)
