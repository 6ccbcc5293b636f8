"""Helpers shared by the integration and end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import nats
from fastapi import FastAPI
from nats.js.api import ConsumerConfig, DeliverPolicy

from servicekit.auth import issue_token

TEST_SECRET = "test-signing-key-of-the-tdkt-suite"
TEST_AUDIT_KEY = "test-audit-key-of-the-tdkt-suite-0123"
TEST_RECORD_KEY = "test-record-key-of-the-tdkt-suite-0123"
SAMPLE_PLAN = Path(__file__).resolve().parents[1] / "services" / "plan" / "samples" / "157-KH-UBND-2026.txt"
SAMPLE_UNITS = SAMPLE_PLAN.with_name("units-caobang.yaml")
T = TypeVar("T")


@dataclass(frozen=True)
class Namespace:
    """Where one test keeps its data: its own databases, subjects and stream."""

    pg_dsn: str
    nats_url: str
    db_prefix: str
    subject_root: str
    stream: str

    def settings(self, cls: type[T], **overrides: Any) -> T:
        values: dict[str, Any] = {
            "pg_dsn": self.pg_dsn, "nats_url": self.nats_url, "db_prefix": self.db_prefix,
            "subject_root": self.subject_root, "stream_name": self.stream, "jwt_secret": TEST_SECRET,
            "audit_key": TEST_AUDIT_KEY, "record_key": TEST_RECORD_KEY,
            "deadline_check_interval_s": 3600,
        }
        values.update(overrides)
        return cls(**{k: v for k, v in values.items() if k in cls.model_fields})  # type: ignore[attr-defined]

    def env(self) -> dict[str, str]:
        return {"TDKT_PG_DSN": self.pg_dsn, "TDKT_NATS_URL": self.nats_url, "TDKT_DB_PREFIX": self.db_prefix,
                "TDKT_SUBJECT_ROOT": self.subject_root, "TDKT_STREAM": self.stream,
                "TDKT_JWT_SECRET": TEST_SECRET, "TDKT_AUDIT_KEY": TEST_AUDIT_KEY,
                "TDKT_NOMINATION_RECORD_KEY": TEST_RECORD_KEY}


def token(*roles: str, unit: str | None = None, subject: str = "tester") -> str:
    return issue_token(TEST_SECRET, subject=subject, roles=roles, unit=unit, name=subject)


def auth(*roles: str, unit: str | None = None, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(*roles, unit=unit, subject=subject)}"}


@contextlib.asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan (its database, bus and workers) and talk to it in process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client:
            yield client


@contextlib.asynccontextmanager
async def serve_on_port(app: FastAPI) -> AsyncIterator[str]:
    """Run an app with uvicorn on a free port of this machine (for clients outside the process:
    the CLI, schemathesis, a browser) until it is ready; its base URL."""
    import uvicorn

    from tdkt.embedded import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                if server.started and (await client.get(f"{url}/readyz")).status_code == 200:
                    break
                assert not task.done(), "the service stopped while starting"
                await asyncio.sleep(0.1)
        yield url
    finally:
        server.should_exit = True
        await task


async def eventually(check: Callable[[], Awaitable[T]], *, timeout: float = 60.0, interval: float = 0.05) -> T:
    """Poll until `check` returns without AssertionError; re-raise its last failure."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(interval)


async def read_stream(ns: Namespace, subject: str | None = None, *, settle: float = 0.3) -> list[Any]:
    """Every message of the test's stream (optionally of one subject), from sequence 1."""
    nc = await nats.connect(ns.nats_url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            subject or f"{ns.subject_root}.>", stream=ns.stream,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=30),
        )
        messages: list[Any] = []
        while True:
            try:
                batch = await sub.fetch(500, timeout=settle)
            except TimeoutError:
                return messages
            for message in batch:
                await message.ack()
            messages.extend(batch)
    finally:
        await nc.close()
