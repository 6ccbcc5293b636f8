"""A service's own materialised view: an eventsourcing Projection over the service's event
store, run in a thread, restarted when it stops on an error, with a read-your-writes wait."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Generic, TypeVar

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL

log = logging.getLogger(__name__)
V = TypeVar("V", bound=PostgresTrackingRecorder)


class TableView(PostgresTrackingRecorder):
    """A view's own tables beside its tracking table: `tables` are created with it, `write`
    applies one event and records its tracking in one transaction, `query` reads."""

    tables: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.extend(SQL(statement) for statement in self.tables)  # type: ignore[arg-type]

    def write(self, tracking: Tracking, sql: str, params: dict[str, Any]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(sql, params)  # type: ignore[arg-type]
            self._insert_tracking(curs, tracking)

    def query(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(sql, params)  # type: ignore[arg-type]
            return [dict(row) for row in curs.fetchall()]


class ViewRunner(Generic[V]):
    def __init__(self, application_class: type[Application[Any]], projection_class: type[Projection[V]],
                 view_class: type[V], env: dict[str, str]) -> None:
        self.application_class = application_class
        self.projection_class = projection_class
        self.view_class = view_class
        self.env = {**env, "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "4"}
        self._runner: ProjectionRunner[Any, V] | None = None

    @property
    def name(self) -> str:
        return self.projection_class.name

    @property
    def view(self) -> V:
        assert self._runner is not None, f"view {self.name} not started"
        return self._runner.view

    def problem(self) -> str | None:
        runner = self._runner
        return "projection stopped" if runner is None or runner.is_interrupted.is_set() else None

    async def open(self) -> None:
        self._runner = await asyncio.to_thread(self._start)

    def _start(self) -> ProjectionRunner[Any, V]:
        runner = ProjectionRunner(application_class=self.application_class, projection_class=self.projection_class,
                                  view_class=self.view_class, env=self.env)
        runner.__enter__()
        return runner

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(runner.__exit__, None, None, None)

    async def supervise(self, stop: asyncio.Event) -> None:
        """Restart the projection when its thread stopped on an error (e.g. a database restart)."""
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            if self._runner is not None and self._runner.is_interrupted.is_set() and not stop.is_set():
                log.error("view %s stopped; restarting", self.name)
                await self.close()
                with contextlib.suppress(Exception):
                    await self.open()

    async def wait(self, notification_id: int | None, timeout: float = 5.0) -> None:
        """Until the view has applied `notification_id` (best effort: returns on timeout)."""
        if self._runner is None or notification_id is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.to_thread(self._runner.wait, notification_id, timeout)
