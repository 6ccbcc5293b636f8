"""The running plan service: the Application, its view, the outbox relay and the deadline
checker, started and stopped with the HTTP app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from eventsourcing.persistence import RecordConflictError
from eventsourcing.projection import ProjectionRunner

from servicekit.eventstore import postgres_env
from servicekit.outbox import OutboxRelay
from servicekit.runtime import ServiceRuntime
from services.plan.application import Plans
from services.plan.messaging import translator
from services.plan.settings import PlanSettings
from services.plan.views import PlanProjection, PlanView

log = logging.getLogger(__name__)
T = TypeVar("T")


class PlanRuntime(ServiceRuntime):
    pool_size = 2  # readiness only: the Application and its view have their own connections
    settings: PlanSettings

    def __init__(self, settings: PlanSettings, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(settings)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.zone = ZoneInfo(settings.timezone)
        self._app: Plans | None = None
        self._runner: ProjectionRunner[Plans, PlanView] | None = None
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

    async def start(self) -> None:
        env = postgres_env(self.settings)
        self._app = await asyncio.to_thread(Plans, env)
        self._runner = await asyncio.to_thread(_start_runner, env)
        relay = self.relay = OutboxRelay(app=self.app, translate=translator(self.app), js=self.js,
                                         dsn=self.settings.dsn_for(), service=self.settings.service,
                                         subject_root=self.settings.subject_root)
        self.spawn("outbox", relay.run, status=lambda: relay.status.last_error)
        self.spawn("deadline-checker", self._deadline_loop)
        self.spawn("view", lambda stop: self._supervise_view(stop, env), status=self._view_problem)

    async def close(self) -> None:
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

    async def _deadline_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check_deadlines()
            except Exception:
                log.exception("deadline check failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.deadline_check_interval_s)

    async def _supervise_view(self, stop: asyncio.Event, env: dict[str, str]) -> None:
        """Restart the projection when its thread stopped on an error (e.g. database restart)."""
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            runner = self._runner
            if runner is not None and runner.is_interrupted.is_set() and not stop.is_set():
                log.error("plan view projection stopped; restarting")
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(runner.__exit__, None, None, None)
                with contextlib.suppress(Exception):
                    self._runner = await asyncio.to_thread(_start_runner, env)

    def _view_problem(self) -> str | None:
        runner = self._runner
        return "projection stopped" if runner is None or runner.is_interrupted.is_set() else None


def _start_runner(env: dict[str, str]) -> ProjectionRunner[Plans, PlanView]:
    runner = ProjectionRunner(application_class=Plans, projection_class=PlanProjection, view_class=PlanView, env=env)
    runner.__enter__()
    return runner
