"""The running nomination service: its database and the bus (its domain is still to come)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg
from fastapi import FastAPI
from nats.aio.client import Client

from servicekit import bus
from servicekit.db import ensure_database, open_pool
from services.nomination.settings import NominationSettings


class NominationRuntime:
    def __init__(self, settings: NominationSettings) -> None:
        self.settings = settings
        self.pool: asyncpg.Pool | None = None
        self.nats: Client | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, http: FastAPI) -> AsyncIterator[None]:
        await ensure_database(self.settings)
        self.pool = await open_pool(self.settings, max_size=4)
        self.nats = await bus.connect(self.settings)
        await bus.ensure_stream(self.nats.jetstream(), self.settings)
        http.state.readiness.add("database", self._check_database)
        http.state.readiness.add("nats", self._check_nats)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await self.nats.drain()
            await self.pool.close()

    async def _check_database(self) -> str | None:
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        return None

    async def _check_nats(self) -> str | None:
        return None if self.nats is not None and self.nats.is_connected else "not connected"
