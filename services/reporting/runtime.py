"""The running reporting service: its read model, the consumer that keeps it, rebuilds."""

from __future__ import annotations

import asyncio
import logging

from servicekit.consumer import EventConsumer
from servicekit.runtime import ServiceRuntime
from services.reporting import projection
from services.reporting.settings import ReportingSettings

log = logging.getLogger(__name__)
CONSUMER = "reporting-tasks"


class ReportingRuntime(ServiceRuntime):
    def __init__(self, settings: ReportingSettings) -> None:
        super().__init__(settings)
        self.consumer: EventConsumer | None = None
        self._rebuild_lock = asyncio.Lock()

    async def start(self) -> None:
        await self.pool.execute(projection.SCHEMA)
        self.consumer = EventConsumer(
            name=CONSUMER, js=self.js, pool=self.pool, stream=self.settings.stream_name,
            subject_root=self.settings.subject_root, handlers=projection.HANDLERS,
            max_deliver=self.settings.consumer_max_deliver,
        )
        self._start_consumer()

    def _start_consumer(self) -> None:
        assert self.consumer is not None
        consumer = self.consumer
        self.spawn(CONSUMER, consumer.run, stop=asyncio.Event(), status=lambda: consumer.status.last_error)

    async def rebuild(self) -> None:
        """Drop the read model and replay the stream from sequence 1."""
        async with self._rebuild_lock:
            assert self.consumer is not None
            self._stops[CONSUMER].set()
            await self.join(CONSUMER)
            await self.consumer.reset(projection.clear)
            log.info("read model cleared; replaying the stream from the start")
            self._start_consumer()
