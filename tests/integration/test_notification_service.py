"""The notification service against a real PostgreSQL, NATS JetStream and a real HTTP receiver."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import nats
import pytest
import yaml

from contracts import IntegrationEvent, wrap
from contracts.plan import TaskAssigned, TaskCompleted, UnitRef
from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from services.plan.main import create_app as create_plan_app
from services.plan.settings import PlanSettings
from tests.support import SAMPLE_PLAN, SAMPLE_UNITS, Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
INTEGRATOR = auth("integrator", subject="eoffice")
ASSIGNED = "vn.gov.tdkt.plan.TaskAssigned.v1"
COMPLETED = "vn.gov.tdkt.plan.TaskCompleted.v1"
PLAN_ID = uuid4()
HANG = -1  # a scripted answer: read the request, never answer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event_id(self) -> str:
        return self.headers["ce-id"]


@dataclass
class Receiver:
    """A minimal real HTTP/1.1 server: records every request and answers with the scripted
    statuses in turn (None: drop the connection at once, HANG: never answer), then 204."""

    script: list[int | None] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            _, path, _ = head[0].split(" ", 2)
            headers = {name.strip().lower(): value.strip()
                       for name, _, value in (line.partition(":") for line in head[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(path, headers, body))
            status = self.script.pop(0) if self.script else 204
            if status == HANG:
                await reader.read()  # until the caller gives up and closes
            elif status is not None:
                writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\n"
                             "connection: close\r\n\r\n".encode())
                await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def receivers() -> AsyncIterator[Any]:
    servers: list[asyncio.Server] = []

    async def start(*script: int | None) -> Receiver:
        receiver = Receiver(list(script))
        server = await asyncio.start_server(receiver._handle, "127.0.0.1", 0)
        servers.append(server)
        receiver.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks/tdkt"
        return receiver

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def notification_app(ns: Namespace, **overrides: Any):
    values = {"dispatch_backoff_s": [0.05, 0.1], "dispatch_poll_interval_s": 1.0,
              "dispatch_timeout_s": 5.0, **overrides}
    return create_app(ns.settings(NotificationSettings, **values))


def assigned(number: int) -> TaskAssigned:
    return TaskAssigned(
        event_id=uuid4(), occurred_at=datetime.now(UTC), task_id=uuid4(), plan_id=PLAN_ID,
        plan_number="157/KH-UBND", year=2026, quarter=1, number=number, title=f"Nhiệm vụ {number}",
        task_version=1, lead_units=[UnitRef(code="SNV", name="Sở Nội vụ")],
        due_date=date(2026, 3, 31), assigned_by="planner")


def completed(number: int) -> TaskCompleted:
    return TaskCompleted(
        event_id=uuid4(), occurred_at=datetime.now(UTC), task_id=uuid4(), plan_id=PLAN_ID,
        plan_number="157/KH-UBND", year=2026, quarter=1, number=number, title=f"Nhiệm vụ {number}",
        task_version=2, document_ref="45/BC-UBND", completed_on=date(2026, 3, 20), late=False,
        lead_units=[UnitRef(code="SNV", name="Sở Nội vụ")], completed_by="clerk")


async def publish(ns: Namespace, events: Sequence[IntegrationEvent], *,
                  msg_ids: Sequence[str] = ()) -> None:
    """Put events on the test stream the way the outbox relay does (CloudEvents headers)."""
    nc = await nats.connect(ns.nats_url)
    try:
        js = nc.jetstream()
        for index, event in enumerate(events):
            envelope = wrap(event, ns.subject_root)
            msg_id = msg_ids[index] if index < len(msg_ids) else f"test:{event.event_id}"
            await js.publish(envelope.subject, envelope.body,
                             headers={**envelope.headers, "Nats-Msg-Id": msg_id})
    finally:
        await nc.close()


async def subscribe(client: httpx.AsyncClient, url: str, *types: str) -> dict[str, Any]:
    body = {"url": url, "event_types": list(types), "description": "e-office"}
    response = await client.post("/subscriptions", headers=INTEGRATOR, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def ids(*events: IntegrationEvent) -> list[str]:
    return [str(event.event_id) for event in events]


def assert_signed(request: Received, secret: str) -> None:
    """Verify the Standard Webhooks signature the way a receiver would."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode()
    digest = hmac.new(key, content + request.body, hashlib.sha256).digest()
    assert request.headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()


async def deliveries(client: httpx.AsyncClient, subscription_id: str,
                     **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"/subscriptions/{subscription_id}/deliveries",
                                params=params, headers=INTEGRATOR)
    assert response.status_code == 200, response.text
    return response.json()


async def test_events_reach_the_webhook_as_signed_cloudevents_in_order(
    ns: Namespace, receivers
) -> None:
    everything, only_completed = await receivers(), await receivers()
    async with serve(notification_app(ns)) as client:
        sub = await subscribe(client, everything.url)
        narrow = await subscribe(client, only_completed.url, COMPLETED)
        assert sub["secret"].startswith("whsec_") and sub["event_types"] == []
        listed = (await client.get("/subscriptions", headers=INTEGRATOR)).json()
        assert [s["id"] for s in listed] == [sub["id"], narrow["id"]]
        assert all("secret" not in s for s in listed)

        events: list[IntegrationEvent] = [assigned(n) for n in range(1, 6)]
        events.insert(3, completed(9))
        await publish(ns, events)

        async def all_received():
            assert len(everything.requests) == len(events)

        await eventually(all_received)
        assert [r.event_id for r in everything.requests] == [str(e.event_id) for e in events]
        for request, event in zip(everything.requests, events, strict=True):
            assert_signed(request, sub["secret"])
            headers = request.headers
            assert request.path == "/hooks/tdkt"
            assert headers["ce-specversion"] == "1.0"
            assert headers["ce-type"] == event.ce_type()
            assert headers["ce-source"] == "/tdkt/plan"
            assert headers["ce-subject"] == f"tasks/{event.task_id}"
            assert headers["ce-time"].endswith("Z")
            assert headers["content-type"] == "application/json"
            assert headers["webhook-id"] == headers["ce-id"]
            assert headers["traceparent"].startswith("00-")
            assert json.loads(request.body)["event_id"] == headers["ce-id"]
        with pytest.raises(AssertionError):
            assert_signed(everything.requests[0], narrow["secret"])

        async def narrow_delivered():
            rows = await deliveries(client, narrow["id"])
            assert [(d["ce_type"], d["status"]) for d in rows] == [(COMPLETED, "delivered")]

        await eventually(narrow_delivered)
        assert [r.headers["ce-type"] for r in only_completed.requests] == [COMPLETED]
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert set(ready.json()["checks"]) == {"database", "nats", "notification-webhooks", "dispatcher"}


async def test_a_failing_webhook_gets_the_event_on_a_later_attempt(
    ns: Namespace, receivers
) -> None:
    flaky = await receivers(None, HANG)  # dropped, then timed out, then 204
    async with serve(notification_app(ns, dispatch_timeout_s=0.5)) as client:
        sub = await subscribe(client, flaky.url, ASSIGNED)
        first, second = assigned(1), assigned(2)
        await publish(ns, [first, second])

        async def both_delivered():
            rows = await deliveries(client, sub["id"])
            assert [d["status"] for d in rows] == ["delivered", "delivered"]
            return rows

        newest, oldest = await eventually(both_delivered)
        # The second event waited for the first: a subscription gets its events in order.
        assert [r.event_id for r in flaky.requests] == ids(first, first, first, second)
        assert len({r.headers["webhook-id"] for r in flaky.requests[:3]}) == 1
        for request in flaky.requests:
            assert_signed(request, sub["secret"])
        assert oldest["event_id"] == str(first.event_id) and oldest["attempts"] == 3
        log = oldest["attempt_log"]
        assert [a["attempt"] for a in log] == [1, 2, 3]
        assert log[0]["status_code"] is None
        assert log[0]["error"].startswith("RemoteProtocolError")
        assert (log[1]["status_code"], log[1]["error"]) == (None, "TimeoutError")
        assert (log[2]["status_code"], log[2]["error"]) == (204, None)
        assert newest["attempts"] == 1 and newest["event"]["number"] == 2
        paged = await deliveries(client, sub["id"], limit=1, offset=1)
        assert [d["event_id"] for d in paged] == [str(first.event_id)]


async def test_a_delivery_gives_up_after_the_last_attempt_and_the_next_event_goes_out(
    ns: Namespace, receivers
) -> None:
    down = await receivers(503, 503)
    async with serve(notification_app(ns, dispatch_max_attempts=2)) as client:
        sub = await subscribe(client, down.url)
        first, second = assigned(1), assigned(2)
        await publish(ns, [first, second])

        async def settled():
            rows = await deliveries(client, sub["id"])
            assert [d["status"] for d in rows] == ["delivered", "failed"]
            return rows

        _, failed = await eventually(settled)
        assert failed["event_id"] == str(first.event_id)
        assert failed["attempts"] == 2 and failed["last_error"] == "HTTP 503"
        assert [r.event_id for r in down.requests] == ids(first, first, second)
        only_failed = await deliveries(client, sub["id"], status="failed")
        assert [d["event_id"] for d in only_failed] == [str(first.event_id)]


async def test_a_duplicated_bus_message_is_delivered_once(ns: Namespace, receivers) -> None:
    receiver = await receivers()
    async with serve(notification_app(ns)) as client:
        sub = await subscribe(client, receiver.url)
        event, marker = assigned(1), assigned(2)
        # Different Nats-Msg-Id: JetStream keeps both copies, the consumer must drop one.
        await publish(ns, [event, event, marker], msg_ids=["dup:1", "dup:2", "dup:3"])

        async def marker_received():
            assert str(marker.event_id) in [r.event_id for r in receiver.requests]

        await eventually(marker_received)
        assert len(await read_stream(ns, f"{ns.subject_root}.plan.>")) == 3
        assert [r.event_id for r in receiver.requests] == ids(event, marker)
        assert len(await deliveries(client, sub["id"])) == 2


async def test_a_deactivated_webhook_receives_nothing_more(ns: Namespace, receivers) -> None:
    gone, other = await receivers(), await receivers()
    async with serve(notification_app(ns)) as client:
        sub = await subscribe(client, gone.url)
        await subscribe(client, other.url)
        deleted = await client.delete(f"/subscriptions/{sub['id']}", headers=INTEGRATOR)
        assert deleted.status_code == 204, deleted.text
        listed = (await client.get("/subscriptions", headers=INTEGRATOR)).json()
        assert [s["active"] for s in listed] == [False, True]
        event = assigned(1)
        await publish(ns, [event])

        async def other_received():
            assert [r.event_id for r in other.requests] == [str(event.event_id)]

        await eventually(other_received)
        assert gone.requests == []
        assert await deliveries(client, sub["id"]) == []


async def test_bad_requests_are_refused_and_store_nothing(ns: Namespace) -> None:
    url = "https://eoffice.example.vn/hooks/tdkt"
    async with serve(notification_app(ns)) as client:
        async def post(body: Any, headers: dict[str, str] = INTEGRATOR) -> httpx.Response:
            return await client.post("/subscriptions", json=body, headers=headers)

        assert (await client.post("/subscriptions", json={"url": url})).status_code == 401
        bad_token = {"Authorization": "Bearer not-a-token"}
        refused = await post({"url": url}, bad_token)
        assert refused.status_code == 401
        assert "không hợp lệ" in refused.json()["error"]["message"]
        assert (await post({"url": url}, auth("planner"))).status_code == 403

        for bad_url in ["ftp://eoffice.example.vn/x", "javascript:alert(1)", "https://", "eoffice",
                        "https://eoffice example.vn/", "http://[::1/x",
                        "https://" + "a" * 2100 + ".vn/"]:
            response = await post({"url": bad_url})
            assert response.status_code == 422, bad_url
            assert response.json()["error"]["code"] == "invalid_input"
        assert "http://" in (await post({"url": "ftp://x.vn/"})).json()["error"]["details"][0]["msg"]

        unknown = await post({"url": url, "event_types": [ASSIGNED, "vn.gov.tdkt.plan.Nope.v1"]})
        assert unknown.status_code == 422
        error = unknown.json()["error"]
        assert error["code"] == "unknown_event_type"
        assert "vn.gov.tdkt.plan.Nope.v1" in error["message"] and ASSIGNED in error["details"]

        oversized = await post({"url": url, "description": "x" * 20_000})
        assert oversized.status_code == 413
        assert oversized.json()["error"]["code"] == "body_too_large"
        malformed = await client.post("/subscriptions", content=b"{", headers={
            **INTEGRATOR, "content-type": "application/json"})
        assert malformed.status_code == 400
        assert (await post({"url": url, "secret": "mine"})).status_code == 422

        missing = await client.delete(f"/subscriptions/{uuid4()}", headers=INTEGRATOR)
        assert missing.status_code == 404
        listed = await client.get("/subscriptions", headers=auth("admin"))
        assert listed.status_code == 200 and listed.json() == []


async def test_integrators_see_only_their_own_webhooks(ns: Namespace, receivers) -> None:
    receiver = await receivers()
    async with serve(notification_app(ns)) as client:
        sub = await subscribe(client, receiver.url)
        stranger = auth("integrator", subject="other-system")
        assert (await client.get("/subscriptions", headers=stranger)).json() == []
        response = await client.get(f"/subscriptions/{sub['id']}/deliveries", headers=stranger)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "subscription_not_found"
        deleted = await client.delete(f"/subscriptions/{sub['id']}", headers=stranger)
        assert deleted.status_code == 404
        admin = (await client.get("/subscriptions", headers=auth("admin"))).json()
        assert [UUID(s["id"]) for s in admin] == [UUID(sub["id"])]


async def test_an_imported_plan_reaches_the_webhook_with_its_trace(
    ns: Namespace, receivers
) -> None:
    receiver = await receivers()
    planner = auth("planner")
    plan_app = create_plan_app(ns.settings(PlanSettings))
    async with serve(notification_app(ns)) as client, serve(plan_app) as plan:
        sub = await subscribe(client, receiver.url)
        for unit in yaml.safe_load(SAMPLE_UNITS.read_text())["units"]:
            assert (await plan.post("/units", json=unit, headers=planner)).status_code in (200, 201)
        imported = await plan.post("/plans/import", content=SAMPLE_PLAN.read_bytes(),
                                   headers={**planner, "content-type": "text/plain"})
        assert imported.status_code == 201, imported.text

        async def all_received():
            assert len(receiver.requests) == 35

        await eventually(all_received)
        on_bus = await read_stream(ns)
        assert [r.event_id for r in receiver.requests] == [m.headers["ce-id"] for m in on_bus]
        assert receiver.requests[0].headers["ce-type"] == "vn.gov.tdkt.plan.PlanIssued.v1"
        for request, message in zip(receiver.requests, on_bus, strict=True):
            assert_signed(request, sub["secret"])
            assert request.body == message.data
            trace_id = message.headers["traceparent"].split("-")[1]
            assert request.headers["traceparent"].split("-")[1] == trace_id
