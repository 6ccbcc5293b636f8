"""The running reporting service: its read model, the consumer that keeps it, rebuilds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from fastapi import FastAPI
from nats.aio.client import Client

from servicekit import bus
from servicekit.consumer import EventConsumer
from servicekit.db import ensure_database, open_pool
from services.reporting import projection
from services.reporting.settings import ReportingSettings

log = logging.getLogger(__name__)
CONSUMER = "reporting-tasks"


class ReportingRuntime:
    def __init__(self, settings: ReportingSettings) -> None:
        self.settings = settings
        self._pool: asyncpg.Pool | None = None
        self.nats: Client | None = None
        self.consumer: EventConsumer | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None
        self._rebuild_lock = asyncio.Lock()

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "reporting service not started"
        return self._pool

    @contextlib.asynccontextmanager
    async def lifespan(self, http: FastAPI) -> AsyncIterator[None]:
        await self.start(http)
        try:
            yield
        finally:
            await self.close()

    async def start(self, http: FastAPI) -> None:
        await ensure_database(self.settings)
        self._pool = await open_pool(self.settings)
        async with self.pool.acquire() as conn:
            await conn.execute(projection.SCHEMA)
        self.nats = await bus.connect(self.settings)
        js = self.nats.jetstream()
        await bus.ensure_stream(js, self.settings)
        self.consumer = EventConsumer(
            name=CONSUMER, js=js, pool=self.pool, stream=self.settings.stream_name,
            subject_root=self.settings.subject_root, handlers=projection.HANDLERS,
            max_deliver=self.settings.consumer_max_deliver,
        )
        self._start_consumer()
        readiness = http.state.readiness
        readiness.add("database", self._check_database)
        readiness.add("nats", self._check_nats)
        readiness.add("consumer", self._check_consumer)

    def _start_consumer(self) -> None:
        assert self.consumer is not None
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.consumer.run(self._stop), name=CONSUMER)

    async def _stop_consumer(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 15)

    async def rebuild(self) -> None:
        """Drop the read model and replay the stream from sequence 1."""
        async with self._rebuild_lock:
            assert self.consumer is not None
            await self._stop_consumer()
            await self.consumer.reset(projection.clear)
            log.info("read model cleared; replaying the stream from the start")
            self._start_consumer()

    async def close(self) -> None:
        await self._stop_consumer()
        if self.nats is not None:
            with contextlib.suppress(Exception):
                await self.nats.drain()
        if self._pool is not None:
            await self._pool.close()

    async def _check_database(self) -> str | None:
        async with self.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        return None

    async def _check_nats(self) -> str | None:
        return None if self.nats is not None and self.nats.is_connected else "not connected"

    async def _check_consumer(self) -> str | None:
        if self._task is None or self._task.done():
            return "consumer stopped"
        return self.consumer.status.last_error if self.consumer else "not started"
