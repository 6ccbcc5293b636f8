"""The running notification service: its database, the bus consumer that turns events into
deliveries, and the dispatcher that calls the webhooks; started and stopped with the app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from fastapi import FastAPI
from nats.aio.client import Client

from contracts import IntegrationEvent
from servicekit import bus
from servicekit.consumer import EventConsumer
from servicekit.db import ensure_database, open_pool
from services.notification import store
from services.notification.dispatcher import Dispatcher
from services.notification.settings import NotificationSettings

log = logging.getLogger(__name__)

CONSUMER = "notification-webhooks"
PUBLISHERS = ["plan", "nomination"]


class NotificationRuntime:
    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[Any]] = []
        self._pool: asyncpg.Pool | None = None
        self.nats: Client | None = None
        self.consumer: EventConsumer | None = None
        self.dispatcher: Dispatcher | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "notification service not started"
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
        await store.create_schema(self.pool)
        self.nats = await bus.connect(self.settings)
        js = self.nats.jetstream()
        await bus.ensure_stream(js, self.settings)
        root = self.settings.subject_root
        self.consumer = EventConsumer(
            name=CONSUMER, js=js, pool=self.pool, stream=self.settings.stream_name,
            subject_root=root, handlers={}, subjects=bus.publisher_subjects(root, PUBLISHERS),
            fallback=self._enqueue, max_deliver=self.settings.consumer_max_deliver)
        self.dispatcher = Dispatcher(self.settings, self.pool)
        self.tasks = [
            asyncio.create_task(self.consumer.run(self.stop), name="notification-consumer"),
            asyncio.create_task(self.dispatcher.run(self.stop), name="webhook-dispatcher"),
        ]
        readiness = http.state.readiness
        readiness.add("database", self._check_database)
        readiness.add("nats", self._check_nats)
        readiness.add("consumer", self._check_consumer)
        readiness.add("dispatcher", self._check_dispatcher)

    async def _enqueue(self, conn: asyncpg.Connection, event: IntegrationEvent) -> None:
        await store.enqueue(conn, event, self.settings.subject_root)

    async def close(self) -> None:
        self.stop.set()
        for task in self.tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, self.settings.dispatch_timeout_s + 5)
        if self.dispatcher is not None:
            await self.dispatcher.aclose()
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

    async def _check_consumer(self) -> str | None:
        return self.consumer.status.last_error if self.consumer else "not started"

    async def _check_dispatcher(self) -> str | None:
        return self.dispatcher.status.last_error if self.dispatcher else "not started"
