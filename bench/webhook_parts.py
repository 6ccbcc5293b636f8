"""The parts of the webhook benchmark: the service as a process, the receivers' process, the
backlog on the bus, and the raw HTTP rate."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

import httpx
import nats

from contracts import wrap
from contracts.plan import TaskAssigned, UnitRef
from servicekit.auth import issue_token
from services.notification.http1 import Http1Pool

SECRET = "bench-signing-key-of-the-webhook-benchmark"
PLAN = uuid4()


@contextlib.contextmanager
def receiver_process(ports: dict[str, int], slow_ms: int) -> Iterator[str]:
    specs = [f"fast={ports['fast']}:0", f"slow={ports['slow']}:{slow_ms}", f"down={ports['down']}:0:closed",
             f"raw={ports['raw']}:0"]
    process = subprocess.Popen([sys.executable, "-m", "bench.webhook_receiver", str(ports["control"]), *specs],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{ports['control']}"
    finally:
        process.terminate()
        process.wait(10)


async def stats(client: httpx.AsyncClient, control: str) -> dict[str, Any]:
    return (await client.get(f"{control}/stats")).json()  # type: ignore[no-any-return,unused-ignore]


@dataclass
class Service:
    pg_dsn: str
    nats_url: str
    tag: str
    port: int

    @property
    def root(self) -> str:
        return f"bench{self.tag}"

    @property
    def stream(self) -> str:
        return f"BENCH{self.tag}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "TDKT_PG_DSN": self.pg_dsn, "TDKT_NATS_URL": self.nats_url,
                "TDKT_DB_PREFIX": f"{self.root}_", "TDKT_SUBJECT_ROOT": self.root, "TDKT_STREAM": self.stream,
                "TDKT_JWT_SECRET": SECRET, "TDKT_NOTIFICATION_PORT": str(self.port), "TDKT_LOG_LEVEL": "WARNING",
                "TDKT_NOTIFICATION_WEBHOOK_ALLOW_HTTP": "true",
                "TDKT_NOTIFICATION_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
                "TDKT_NOTIFICATION_DISPATCH_BACKOFF_S": "[0.5, 1, 2]",
                "TDKT_NOTIFICATION_DISPATCH_MAX_ATTEMPTS": "100000",
                "TDKT_NOTIFICATION_CIRCUIT_OPEN_S": "[1, 2]"}

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[int]:
        process = subprocess.Popen([sys.executable, "-m", "services.notification"], env=self.env())  # noqa: ASYNC220
        try:
            await self._ready()
            yield process.pid
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 60)

    async def _ready(self) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"http://127.0.0.1:{self.port}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise RuntimeError("the notification service did not become ready")

    async def subscribe(self, urls: list[str], window: int) -> None:
        token = issue_token(SECRET, subject="bench", roles=["integrator"])
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
            for url in urls:
                response = await client.post(f"http://127.0.0.1:{self.port}/subscriptions",
                                             json={"url": url, "ordering": "subject", "window": window})
                response.raise_for_status()


def event(index: int, subjects: int) -> TaskAssigned:
    task = uuid5(PLAN, str(index % subjects))
    return TaskAssigned(event_id=uuid4(), occurred_at=datetime.now(UTC), task_id=task, plan_id=PLAN,
                        plan_number="157/KH-UBND", year=2026, quarter=1 + index % 4, number=1 + index % subjects,
                        title=f"Nhiệm vụ {index % subjects}", task_version=1 + index // subjects,
                        lead_units=[UnitRef(code="SNV", name="Sở Nội vụ")], due_date=date(2026, 12, 31),
                        assigned_by="bench")


async def fill_backlog(nats_url: str, service: Service, count: int, subjects: int) -> float:
    """Publish `count` events (256 in flight); the publish rate."""
    envelopes = [wrap(event(i, subjects), service.root) for i in range(count)]
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream(publish_async_max_pending=256)
        started = time.perf_counter()
        acks = [await js.publish_async(e.subject, e.body, headers={**e.headers, "Nats-Msg-Id": e.headers["ce-id"]})
                for e in envelopes]
        await asyncio.gather(*acks)
        return count / (time.perf_counter() - started)
    finally:
        await nc.close()


async def raw_http_rate(port: int, window: int, seconds: float) -> float:
    """Calls/s of the webhook HTTP client to a receiver answering at once, `window` calls at a time."""
    body = b'{"task_version": 1}'
    count = 0
    pool = Http1Pool()
    stop_at = time.perf_counter() + seconds

    async def caller() -> None:
        nonlocal count
        while time.perf_counter() < stop_at:
            headers = {"host": f"127.0.0.1:{port}", "ce-id": str(uuid4()), "ce-subject": str(UUID(int=count))}
            await pool.post("http", "127.0.0.1", port, "127.0.0.1", "/raw", headers, body)
            count += 1

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(window)))
    await pool.aclose()
    return count / (time.perf_counter() - started)
