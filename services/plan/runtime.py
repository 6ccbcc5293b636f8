"""The running plan service: the Application and the use cases built on it once, its view, the
outbox relay and the deadline checker (overdue tasks, registrations past their deadline),
started and stopped with the HTTP app."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from eventsourcing.persistence import RecordConflictError

from servicekit.eventstore import postgres_env
from servicekit.outbox import OutboxRelay
from servicekit.runtime import ServiceRuntime
from servicekit.views import ViewRunner
from services.plan.application import Plans
from services.plan.clusters.application import Clusters
from services.plan.exemplary.application import ExemplaryModels
from services.plan.messaging import translator
from services.plan.movements.application import Movements
from services.plan.settings import PlanSettings
from services.plan.translate import unpublished
from services.plan.views import PlanProjection, PlanView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UseCases:
    """The use-case objects of the sub-domains, built once on the service's Application."""

    movements: Movements
    clusters: Clusters
    exemplary: ExemplaryModels


class PlanRuntime(ServiceRuntime):
    pool_size = 2  # readiness only: the Application and its view have their own connections
    settings: PlanSettings

    def __init__(self, settings: PlanSettings, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(settings, clock)
        self._app: Plans | None = None
        self.views: ViewRunner[PlanView] | None = None
        self.relay: OutboxRelay | None = None
        self._use_cases: UseCases | None = None

    @property
    def app(self) -> Plans:
        assert self._app is not None, "plan service not started"
        return self._app

    @property
    def use_cases(self) -> UseCases:
        assert self._use_cases is not None, "plan service not started"
        return self._use_cases


    @property
    def view(self) -> PlanView:
        assert self.views is not None, "plan service not started"
        return self.views.view

    async def start(self) -> None:
        env = postgres_env(self.settings)
        self._app = await self.open_store(Plans, env)
        self._use_cases = UseCases(Movements(self._app), Clusters(self._app), ExemplaryModels(self._app))
        self.views = ViewRunner(Plans, PlanProjection, PlanView, env)
        await self.spawn_views([self.views])  # the projection runs on the elected replica
        relay = self.relay = OutboxRelay(app=self.app, translate=translator(self.app), js=self.js,
                                         dsn=self.settings.dsn_for(), service=self.settings.service,
                                         subject_root=self.settings.subject_root,
                                         skip=functools.partial(unpublished, self.app))
        self.spawn_relay(relay)
        self.spawn("deadline-checker", self._deadline_loop)

    async def close(self) -> None:
        if self.views is not None:
            await self.views.close()
        if self._app is not None:
            await asyncio.to_thread(self._app.close)

    async def wait_for_view(self) -> None:
        """Let a command's caller read its own writes in the lists (best effort)."""
        assert self.views is not None
        await self.views.wait(await self.call(self.app.recorder.max_notification_id))

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

    async def close_registrations(self, today: date | None = None) -> int:
        """Close every movement registration whose deadline has passed (once each)."""
        today = today or self.today()
        due = await self.call(self.view.registrations_past_deadline, today)
        closed, close = 0, self.use_cases.movements.close_registration
        for movement_id in due:
            with contextlib.suppress(RecordConflictError):  # another replica closed it at that moment
                closed += await self.call(close, movement_id, today=today, now=self.now())
        if closed:
            log.info("closed %d movement registrations", closed)
            await self.wait_for_view()
        return closed

    async def _deadline_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check_deadlines()
                await self.close_registrations()
            except Exception:
                log.exception("deadline check failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.deadline_check_interval_s)
