"""Webhook receivers for the notification tests: minimal real HTTP/1.1 servers on 127.0.0.1
that record every request and answer as scripted; and the service set up to call them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import nats
import pytest
from fastapi import FastAPI

from contracts import IntegrationEvent, wrap
from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from tests.support import Namespace, auth

HANG = -1  # a scripted answer: read the request, never answer
INTEGRATOR = auth("integrator", subject="eoffice")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event_id(self) -> str:
        return self.headers.get("ce-id") or self.headers["webhook-id"]


@dataclass
class Receiver:
    """Answers with the scripted statuses in turn (None: drop the connection at once, HANG:
    never answer), then 204; `delay` seconds before each answer."""

    script: list[int | None] = field(default_factory=list)
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    port: int = 0
    in_flight: int = 0
    most_in_flight: int = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            _, path, _ = head[0].split(" ", 2)
            headers = {name.strip().lower(): value.strip()
                       for name, _, value in (line.partition(":") for line in head[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(path, headers, body))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            status = self.script.pop(0) if self.script else 204
            await asyncio.sleep(self.delay)
            self.in_flight -= 1
            if status == HANG:
                await reader.read()  # until the caller gives up and closes
            elif status is not None:
                writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\nlocation: http://127.0.0.1:1/\r\n"
                             "connection: close\r\n\r\n".encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


Start = Callable[..., Awaitable[Receiver]]


@pytest.fixture
async def receivers() -> AsyncIterator[Start]:
    servers: list[asyncio.Server] = []

    async def start(*script: int | None, delay: float = 0.0, port: int = 0) -> Receiver:
        receiver = Receiver(list(script), delay)
        server = await asyncio.start_server(receiver._handle, "127.0.0.1", port)
        servers.append(server)
        receiver.port = server.sockets[0].getsockname()[1]
        receiver.url = f"http://127.0.0.1:{receiver.port}/hooks/tdkt"
        return receiver

    yield start
    for server in servers:
        server.close()
        with contextlib.suppress(Exception):
            await server.wait_closed()


def notification_app(ns: Namespace, *, resolver: Any = None, clock: Any = None, **overrides: Any) -> FastAPI:
    """The service allowed to call the test's receivers on 127.0.0.1 over http."""
    values = {"dispatch_backoff_s": [0.05, 0.1], "dispatch_poll_interval_s": 1.0, "dispatch_timeout_s": 5.0,
              "webhook_allow_http": True, "webhook_allowed_hosts": ["127.0.0.1"], "circuit_open_s": [0.2],
              **overrides}
    return create_app(ns.settings(NotificationSettings, **values), resolver=resolver, clock=clock)


async def publish(ns: Namespace, events: Sequence[IntegrationEvent], *, msg_ids: Sequence[str] = ()) -> None:
    """Put events on the test stream the way the outbox relay does (CloudEvents headers)."""
    nc = await nats.connect(ns.nats_url)
    try:
        js = nc.jetstream()
        for index, event in enumerate(events):
            envelope = wrap(event, ns.subject_root)
            msg_id = msg_ids[index] if index < len(msg_ids) else f"test:{event.event_id}"
            await js.publish(envelope.subject, envelope.body, headers={**envelope.headers, "Nats-Msg-Id": msg_id})
    finally:
        await nc.close()


async def subscribe(client: httpx.AsyncClient, url: str, *types: str, **options: Any) -> dict[str, Any]:
    body = {"url": url, "event_types": list(types), "description": "e-office", **options}
    response = await client.post("/subscriptions", headers=INTEGRATOR, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(client: httpx.AsyncClient, subscription_id: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"/subscriptions/{subscription_id}/deliveries", params=params, headers=INTEGRATOR)
    assert response.status_code == 200, response.text
    return response.json()
