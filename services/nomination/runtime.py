"""The running nomination service: its Application and views (the domain comes module by module)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from servicekit.eventstore import postgres_env
from servicekit.runtime import ServiceRuntime
from servicekit.views import ViewRunner
from services.nomination.application import Nominations
from services.nomination.catalogue.service import open_catalogue
from services.nomination.projections import PROJECTIONS
from services.nomination.settings import NominationSettings


class NominationRuntime(ServiceRuntime):
    pool_size = 4
    settings: NominationSettings

    def __init__(self, settings: NominationSettings, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(settings, clock)
        self._app: Nominations | None = None
        self.views: dict[str, ViewRunner[Any]] = {}

    @property
    def app(self) -> Nominations:
        assert self._app is not None, "nomination service not started"
        return self._app

    def view(self, name: str) -> Any:
        """The view of the projection called `name` (its `Projection.name`)."""
        return self.views[name].view

    async def start(self) -> None:
        env = postgres_env(self.settings)
        self._app = await asyncio.to_thread(Nominations, env)
        self.catalogue = await open_catalogue(self)  # the award catalogue in force (catalogue/service.py)
        for projection, view in PROJECTIONS:
            runner = ViewRunner(Nominations, projection, view, env)
            await runner.open()
            self.views[runner.name] = runner
            self.spawn_view(runner)

    async def close(self) -> None:
        for runner in self.views.values():
            await runner.close()
        if self._app is not None:
            await asyncio.to_thread(self._app.close)

    async def wait_for_views(self) -> None:
        """Let a command's caller read its own writes (best effort)."""
        last = await self.call(self.app.recorder.max_notification_id)
        for runner in self.views.values():
            await runner.wait(last)
