"""The running reporting service: its read models, the consumers that keep them, rebuilds."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

import asyncpg
from nats.js.errors import NotFoundError

from servicekit.consumer import BatchHandler, EventConsumer, Handler
from servicekit.db import create_schema
from servicekit.runtime import ServiceRuntime
from services.reporting import (
    blocks,
    dossiers,
    outcomes,
    priority_groups,
    projection,
    publications,
    snapshots,
    store,
    tallies,
    wider,
)
from services.reporting.settings import ReportingSettings
from services.reporting.snapshots import Snapshots

log = logging.getLogger(__name__)
CONSUMER = "reporting-tasks"
DOSSIER_CONSUMER = "reporting-dossiers"
WIDER_CONSUMER = "reporting-wider"
OUTCOME_CONSUMER = "reporting-outcomes"
Clear = Callable[[asyncpg.Connection], Awaitable[None]]
_COUNTS = ("processed", "duplicates", "retried", "dead_lettered")


class ReportingRuntime(ServiceRuntime):
    def __init__(self, settings: ReportingSettings) -> None:
        super().__init__(settings)
        self.consumers: dict[str, EventConsumer] = {}
        self._clears: dict[str, Clear] = {}
        self._rebuild_lock = asyncio.Lock()
        self.snapshots = Snapshots()  # period reports by position: built once while nothing changes
        self.months = blocks.AwardMonths()  # the awards of each month, counted again once they change

    async def start(self) -> None:
        await create_schema(self.pool, projection.SCHEMA, dossiers.SCHEMA, priority_groups.SCHEMA, tallies.SCHEMA,
                            blocks.SCHEMA, wider.SCHEMA, outcomes.SCHEMA, store.SCHEMA)
        await store.move_column_entries(self.pool)  # entries of the forms' first layout (store.py)
        self._add(CONSUMER, projection.HANDLERS, projection.clear, projection.BATCH_HANDLERS)
        rows = dossiers.DossierProjection(self.zone)
        self._add(DOSSIER_CONSUMER, {**rows.handlers, **priority_groups.handlers(rows.apply_many)}, tallies.clear,
                  {**rows.batch_handlers, **priority_groups.batch_handlers(rows.apply_many)})
        self._add(WIDER_CONSUMER, wider.HANDLERS, wider.clear)
        self._add(OUTCOME_CONSUMER, outcomes.OutcomeProjection(self.zone).handlers, outcomes.clear)
        for name in self.consumers:
            self._start_consumer(name)
        self.spawn("reporting-publications", lambda stop: publications.announce_pending(self, stop))
        self.spawn("reporting-reports-ahead", lambda stop: snapshots.refresh(self, stop))
        # What is loaded by now lives as long as the process: out of the collector's way, so a
        # full collection while a report of thousands of rows is built walks only that report.
        gc.freeze()

    def _add(self, name: str, handlers: dict[Any, Handler], clear: Clear,
             batch_handlers: dict[Any, BatchHandler] | None = None) -> None:
        self.consumers[name] = EventConsumer(
            name=name, js=self.js, pool=self.pool, stream=self.settings.stream_name,
            subject_root=self.settings.subject_root, handlers=self._noted(handlers),
            batch_handlers=self._noted(batch_handlers or {}),
            max_deliver=self.settings.consumer_max_deliver,
        )
        self._clears[name] = clear

    def _noted(self, handlers: dict[Any, Any]) -> dict[Any, Any]:
        """`handlers`, each telling the kept reports that the read models change (`snapshots.refresh`);
        one wrapper per handler, so the events one batch handler takes still run together."""
        wrapped: dict[int, Any] = {}

        def noted(handler: Any) -> Any:
            async def apply(conn: asyncpg.Connection, events: Any) -> None:
                await handler(conn, events)
                self.snapshots.changed.set()

            return wrapped.setdefault(id(handler), apply)

        return {cls: noted(handler) for cls, handler in handlers.items()}

    def _start_consumer(self, name: str) -> None:
        self.spawn_consumer(self.consumers[name], stop=asyncio.Event())

    def consumer_status(self) -> dict[str, Any]:
        """Totals over the consumers (they read disjoint subjects), and each one's own status."""
        each = {name: asdict(consumer.status) for name, consumer in self.consumers.items()}
        errors = [f"{name}: {status['last_error']}" for name, status in each.items() if status["last_error"]]
        return {**{count: sum(status[count] for status in each.values()) for count in _COUNTS},
                "last_error": "; ".join(errors) or None, "consumers": each}

    async def position(self) -> dict[str, Any]:
        """Up to which stream sequence every read model is complete: the stream's last sequence
        when each consumer has nothing pending, else the lowest sequence a lagging consumer has
        acknowledged (every event of its subjects up to there is applied)."""
        try:
            last = (await self.js.stream_info(self.settings.stream_name)).state.last_seq
        except NotFoundError:
            return {"complete_through": 0, "stream_last": 0, "consumers": dict.fromkeys(self.consumers, 0)}
        names = list(self.consumers)
        infos = await asyncio.gather(*(self.js.consumer_info(self.settings.stream_name, name) for name in names),
                                     return_exceptions=True)
        each = {}
        for name, info in zip(names, infos, strict=True):
            if isinstance(info, NotFoundError):  # not created yet: nothing applied
                each[name] = 0
            elif isinstance(info, BaseException):
                raise info
            else:
                caught_up = not info.num_pending and not info.num_ack_pending
                each[name] = last if caught_up else (info.ack_floor.stream_seq if info.ack_floor else 0) or 0
        return {"complete_through": min(each.values(), default=last), "stream_last": last, "consumers": each}

    async def rebuild(self) -> None:
        """Drop every read model and replay the stream from sequence 1."""
        async with self._rebuild_lock:
            for name in self.consumers:
                self._stops[name].set()
            for name in self.consumers:
                await self.join(name)
            try:
                for name, consumer in self.consumers.items():
                    await consumer.reset(self._clears[name])
                log.info("read models cleared; replaying the stream from the start")
            finally:  # even after a failed reset: a consumer retries until the bus and database are back
                for name in self.consumers:
                    self._start_consumer(name)
