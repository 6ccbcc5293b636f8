"""The running plan service: the Application, its view, the outbox relay and the deadline
checker, started and stopped with the HTTP app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from eventsourcing.persistence import RecordConflictError
from eventsourcing.projection import ProjectionRunner
from fastapi import FastAPI
from nats.aio.client import Client

from servicekit import bus
from servicekit.db import ensure_database
from servicekit.eventstore import postgres_env
from servicekit.outbox import OutboxRelay
from services.plan.application import Plans
from services.plan.messaging import translator
from services.plan.settings import PlanSettings
from services.plan.views import PlanProjection, PlanView

log = logging.getLogger(__name__)
T = TypeVar("T")


class PlanRuntime:
    def __init__(self, settings: PlanSettings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self.zone = ZoneInfo(settings.timezone)
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[Any]] = []
        self._app: Plans | None = None
        self._runner: ProjectionRunner[Plans, PlanView] | None = None
        self.nats: Client | None = None
        self.relay: OutboxRelay | None = None

    @property
    def app(self) -> Plans:
        assert self._app is not None, "plan service not started"
        return self._app

    @property
    def view(self) -> PlanView:
        assert self._runner is not None, "plan service not started"
        return self._runner.view

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a synchronous Application or view call off the event loop."""
        return await asyncio.to_thread(function, *args, **kwargs)

    @contextlib.asynccontextmanager
    async def lifespan(self, http: FastAPI) -> AsyncIterator[None]:
        await self.start(http)
        try:
            yield
        finally:
            await self.close()

    async def start(self, http: FastAPI) -> None:
        await ensure_database(self.settings)
        env = postgres_env(self.settings)
        self._app = await asyncio.to_thread(Plans, env)
        self._runner = await asyncio.to_thread(self._start_runner, env)
        self.nats = await bus.connect(self.settings)
        js = self.nats.jetstream()
        await bus.ensure_stream(js, self.settings)
        self.relay = OutboxRelay(app=self.app, translate=translator(self.app), js=js,
                                 dsn=self.settings.dsn_for(), service=self.settings.service,
                                 subject_root=self.settings.subject_root)
        self.tasks = [asyncio.create_task(self.relay.run(self.stop), name="outbox-relay"),
                      asyncio.create_task(self._deadline_loop(), name="deadline-checker"),
                      asyncio.create_task(self._supervise_view(env), name="view-supervisor")]
        readiness = http.state.readiness
        readiness.add("database", self._check_database)
        readiness.add("nats", self._check_nats)
        readiness.add("outbox", self._check_relay)
        readiness.add("view", self._check_view)

    def _start_runner(self, env: dict[str, str]) -> ProjectionRunner[Plans, PlanView]:
        runner = ProjectionRunner(application_class=Plans, projection_class=PlanProjection,
                                  view_class=PlanView, env=env)
        runner.__enter__()
        return runner

    async def close(self) -> None:
        self.stop.set()
        for task in self.tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        if self.nats is not None:
            with contextlib.suppress(Exception):
                await self.nats.drain()
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self._runner.__exit__, None, None, None)
        if self._app is not None:
            await asyncio.to_thread(self._app.close)

    async def wait_for_view(self, timeout: float = 5.0) -> None:
        """Let a command's caller read its own writes in the lists (best effort)."""
        last = await self.call(self.app.recorder.max_notification_id)
        with contextlib.suppress(TimeoutError):
            await self.call(self._runner.wait, last, timeout)  # type: ignore[union-attr]

    async def check_deadlines(self, today: date | None = None) -> int:
        today = today or self.today()
        due = await self.call(self.view.tasks, status="assigned", due_before=today, limit=10_000)
        marked = 0
        for task in due:
            with contextlib.suppress(RecordConflictError):  # another replica marked it at that moment
                marked += await self.call(self.app.mark_overdue, task["task_id"], today=today, now=self.now())
        if marked:
            log.info("marked %d tasks overdue", marked)
            await self.wait_for_view()
        return marked

    async def _deadline_loop(self) -> None:
        while not self.stop.is_set():
            try:
                await self.check_deadlines()
            except Exception:
                log.exception("deadline check failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.settings.deadline_check_interval_s)

    async def _supervise_view(self, env: dict[str, str]) -> None:
        """Restart the projection when its thread stopped on an error (e.g. database restart)."""
        while not self.stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stop.wait(), 1.0)
            runner = self._runner
            if runner is not None and runner.is_interrupted.is_set() and not self.stop.is_set():
                log.error("plan view projection stopped; restarting")
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(runner.__exit__, None, None, None)
                with contextlib.suppress(Exception):
                    self._runner = await asyncio.to_thread(self._start_runner, env)

    async def _check_database(self) -> str | None:
        await self.call(self.app.recorder.max_notification_id)
        return None

    async def _check_nats(self) -> str | None:
        return None if self.nats is not None and self.nats.is_connected else "not connected"

    async def _check_relay(self) -> str | None:
        return self.relay.status.last_error if self.relay else "not started"

    async def _check_view(self) -> str | None:
        runner = self._runner
        return "projection stopped" if runner is None or runner.is_interrupted.is_set() else None
