"""What the relay writes on the connection: the bytes nats-py's `publish` writes for the same
message, and the trace context each message of a batch carries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from nats.aio.client import Client
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import servicekit.outbox as outbox
from servicekit.outbox import OutboxRelay, RelayStatus, hpub

HEADERS = {
    "ce-specversion": "1.0",
    "ce-id": "0d5c2b8e-7f61-5a53-9d0c-6e1f2a3b4c5d",
    "ce-source": "/tdkt/plan",
    "ce-type": "vn.gov.tdkt.plan.TaskAssigned.v1",
    "ce-time": "2026-12-01T10:00:00.123456Z",
    "content-type": "application/json",
    "ce-subject": " Nhiệm vụ\r\ncó dòng mới ",
    "Nats-Msg-Id": "plan:42",
    "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
}


@pytest.mark.parametrize("headers", [HEADERS, {"Nats-Msg-Id": "plan:1"}])
def test_a_message_is_the_bytes_nats_py_writes(headers: dict[str, str]) -> None:
    written: list[bytes] = []
    client: Any = Client()

    async def send(command: bytes, priority: bool = False) -> None:
        written.append(command)

    client._send_command = send
    body = '{"title": "Tập huấn"}'.encode()
    asyncio.run(client._send_publish("tdkt.plan.task.assigned", "_INBOX.x.7", body, len(body), headers))
    assert hpub("tdkt.plan.task.assigned", "_INBOX.x.7", headers, body) == written[0]


class _Acks:
    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    async def publish(self, subject: str, body: bytes, headers: dict[str, str]) -> asyncio.Future[Any]:
        self.sent.append(dict(headers))
        return asyncio.get_running_loop().create_future()

    async def flush(self) -> None:
        pass


STORED = ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
          "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]


def _relay(carriers: list[dict[str, str]]) -> tuple[Any, _Acks]:
    relay: Any = OutboxRelay.__new__(OutboxRelay)
    relay.service, relay.status, relay._acks = "plan", RelayStatus(), _Acks()
    relay.messages = lambda n: [(f"tdkt.plan.{n.id}", b"{}", {"Nats-Msg-Id": f"plan:{n.id}"}, carriers[n.id - 1])]
    return relay, relay._acks


class _Note:
    def __init__(self, id: int) -> None:
        self.id = id


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer, outbox.tracer = outbox.tracer, provider.get_tracer("test")
    yield exporter
    outbox.tracer = tracer


def test_one_message_carries_its_publishing_span_in_its_stored_trace(spans: InMemorySpanExporter) -> None:
    relay, acks = _relay([{"traceparent": STORED[0]}])
    asyncio.run(relay._send([_Note(1)]))
    (span,) = spans.get_finished_spans()
    assert span.name == "tdkt.plan.1 publish" and span.kind == trace.SpanKind.PRODUCER
    assert f"{span.context.trace_id:032x}" == STORED[0].split("-")[1]
    assert acks.sent[0]["traceparent"] == f"00-{span.context.trace_id:032x}-{span.context.span_id:016x}-01"


def test_a_batch_is_one_span_linked_to_the_stored_traces_its_messages_carry(spans: InMemorySpanExporter) -> None:
    relay, acks = _relay([{"traceparent": STORED[0]}, {}, {"traceparent": STORED[1]}, {"traceparent": STORED[0]}])
    asyncio.run(relay._send([_Note(n) for n in range(1, 5)]))
    (span,) = spans.get_finished_spans()
    assert span.name == "plan publish" and (span.attributes or {})["messaging.batch.message_count"] == 4
    assert [f"00-{link.context.trace_id:032x}-{link.context.span_id:016x}-01" for link in span.links] == STORED
    own = f"00-{span.context.trace_id:032x}-{span.context.span_id:016x}-{span.context.trace_flags:02x}"
    assert [sent["traceparent"] for sent in acks.sent] == [STORED[0], own, STORED[1], STORED[0]]
    assert [sent["Nats-Msg-Id"] for sent in acks.sent] == ["plan:1", "plan:2", "plan:3", "plan:4"]
