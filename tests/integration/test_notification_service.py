# ruff: noqa: F811 (the fixture `receivers` is imported by name)
"""The notification service against a real PostgreSQL, NATS JetStream and real HTTP receivers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
import yaml
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from contracts import IntegrationEvent
from contracts.plan import TaskAssigned, TaskCompleted, UnitRef
from services.plan.main import create_app as create_plan_app
from services.plan.settings import PlanSettings
from tests.integration.webhook_receivers import (  # noqa: F401
    HANG,
    INTEGRATOR,
    Received,
    deliveries,
    notification_app,
    publish,
    receivers,
    subscribe,
)
from tests.support import SAMPLE_PLAN, SAMPLE_UNITS, Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
ASSIGNED = "vn.gov.tdkt.plan.TaskAssigned.v1"
COMPLETED = "vn.gov.tdkt.plan.TaskCompleted.v1"
PLAN_ID = uuid4()


def assigned(number: int, task_id: UUID | None = None, version: int = 1) -> TaskAssigned:
    return TaskAssigned(
        event_id=uuid4(), occurred_at=datetime.now(UTC), task_id=task_id or uuid4(), plan_id=PLAN_ID,
        plan_number="157/KH-UBND", year=2026, quarter=1, number=number, title=f"Nhiệm vụ {number}",
        task_version=version, lead_units=[UnitRef(code="SNV", name="Sở Nội vụ")],
        due_date=date(2026, 3, 31), assigned_by="planner")


def completed(number: int) -> TaskCompleted:
    return TaskCompleted(
        event_id=uuid4(), occurred_at=datetime.now(UTC), task_id=uuid4(), plan_id=PLAN_ID,
        plan_number="157/KH-UBND", year=2026, quarter=1, number=number, title=f"Nhiệm vụ {number}",
        task_version=2, document_ref="45/BC-UBND", completed_on=date(2026, 3, 20), late=False,
        lead_units=[UnitRef(code="SNV", name="Sở Nội vụ")], completed_by="clerk")


def ids(*events: IntegrationEvent) -> list[str]:
    return [str(event.event_id) for event in events]


def verify(request: Received, secret: str) -> Any:
    """What a receiver built on the Standard Webhooks package does with the call."""
    return Webhook(secret).verify(request.body, request.headers)


async def test_events_reach_the_webhook_as_signed_cloudevents_in_order(ns: Namespace, receivers) -> None:
    everything, only_completed, documents = await receivers(), await receivers(), await receivers()
    async with serve(notification_app(ns)) as client:
        sub = await subscribe(client, everything.url)
        narrow = await subscribe(client, only_completed.url, COMPLETED)
        whole = await subscribe(client, documents.url, content_mode="structured")
        assert sub["secret"].startswith("whsec_") and sub["event_types"] == []
        assert (sub["content_mode"], sub["ordering"], sub["window"]) == ("binary", "subscriber", 1)
        listed = (await client.get("/subscriptions", headers=INTEGRATOR)).json()
        assert [s["id"] for s in listed] == [sub["id"], narrow["id"], whole["id"]]
        assert all("secret" not in s for s in listed)

        events: list[TaskAssigned | TaskCompleted] = [assigned(n) for n in range(1, 6)]
        events.insert(3, completed(9))
        await publish(ns, events)

        async def all_received():
            assert len(everything.requests) == len(documents.requests) == len(events)

        await eventually(all_received)
        assert [r.event_id for r in everything.requests] == ids(*events)
        for request, event in zip(everything.requests, events, strict=True):
            assert verify(request, sub["secret"])["event_id"] == str(event.event_id)
            headers = request.headers
            assert request.path == "/hooks/tdkt"
            assert (headers["ce-specversion"], headers["ce-type"]) == ("1.0", event.ce_type())
            assert headers["ce-source"] == "/tdkt/plan"
            assert headers["ce-subject"] == f"tasks/{event.task_id}"
            assert headers["ce-time"].endswith("Z")
            assert headers["content-type"] == "application/json"
            assert headers["webhook-id"] == headers["ce-id"]
            assert headers["traceparent"].startswith("00-")
            assert headers["host"] == f"127.0.0.1:{everything.port}"
        with pytest.raises(WebhookVerificationError):
            verify(everything.requests[0], narrow["secret"])
        # Structured mode: the whole CloudEvent in the body, signed as sent.
        for request, event in zip(documents.requests, events, strict=True):
            document = verify(request, whole["secret"])
            assert request.headers["content-type"] == "application/cloudevents+json"
            assert "ce-id" not in request.headers and request.headers["webhook-id"] == str(event.event_id)
            assert (document["specversion"], document["id"], document["type"]) == (
                "1.0", str(event.event_id), event.ce_type())
            assert document["datacontenttype"] == "application/json"
            assert document["data"] == json.loads(event.model_dump_json())

        async def narrow_delivered():
            rows = await deliveries(client, narrow["id"])
            assert [(d["ce_type"], d["status"]) for d in rows] == [(COMPLETED, "delivered")]

        await eventually(narrow_delivered)
        assert [r.headers["ce-type"] for r in only_completed.requests] == [COMPLETED]
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert set(ready.json()["checks"]) == {"database", "nats", "notification-webhooks", "dispatcher", "reminders"}


async def test_a_failing_webhook_gets_the_event_on_a_later_attempt(ns: Namespace, receivers) -> None:
    flaky = await receivers(None, HANG, 302)  # dropped, timed out, redirected (not followed), then 204
    async with serve(notification_app(ns, dispatch_timeout_s=0.5, circuit_failures=10)) as client:
        sub = await subscribe(client, flaky.url, ASSIGNED)
        first, second = assigned(1), assigned(2)
        await publish(ns, [first, second])

        async def both_delivered():
            rows = await deliveries(client, sub["id"])
            assert [d["status"] for d in rows] == ["delivered", "delivered"]
            return rows

        newest, oldest = await eventually(both_delivered)
        # The second event waited for the first: a subscription gets its events in order.
        assert [r.event_id for r in flaky.requests] == ids(first, first, first, first, second)
        assert [r.path for r in flaky.requests] == ["/hooks/tdkt"] * 5
        assert len({r.headers["webhook-id"] for r in flaky.requests[:4]}) == 1
        for request in flaky.requests:
            verify(request, sub["secret"])
        assert oldest["event_id"] == str(first.event_id) and oldest["attempts"] == 4
        log = oldest["attempt_log"]
        assert [a["attempt"] for a in log] == [1, 2, 3, 4]
        # The integrator sees a status or "could not connect", never a socket error.
        assert [(a["status_code"], a["error"]) for a in log] == [
            (None, "không kết nối được"), (None, "không kết nối được"), (302, "HTTP 302"), (204, None)]
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
        # The reconciliation counts the given-up delivery as lost to the receiver.
        findings = (await client.post("/admin/reconcile", headers=auth("admin"))).json()["findings"]
        webhook = next(f for f in findings if f["kind"] == "webhook")
        assert (webhook["name"], webhook["expected"], webhook["found"], webhook["lost"], webhook["duplicated"],
                webhook["pending"], webhook["lost_ids"]) == (down.url, 2, 1, 1, 0, 0, [str(first.event_id)])


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
    url = "https://93.184.216.34/hooks/tdkt"
    async with serve(notification_app(ns)) as client:
        async def post(body: Any, headers: dict[str, str] = INTEGRATOR):
            return await client.post("/subscriptions", json=body, headers=headers)

        assert (await client.post("/subscriptions", json={"url": url})).status_code == 401
        bad_token = {"Authorization": "Bearer not-a-token"}
        refused = await post({"url": url}, bad_token)
        assert refused.status_code == 401
        assert "không hợp lệ" in refused.json()["error"]["message"]
        assert (await post({"url": url}, auth("planner"))).status_code == 403

        for bad_url in ["ftp://eoffice.example.vn/x", "javascript:alert(1)", "https://", "eoffice",
                        "https://eoffice example.vn/", "http://[::1/x", "https://user:pw@93.184.216.34/",
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
        for option in ({"content_mode": "batch"}, {"ordering": "random"}, {"window": 0}, {"window": 10**30}):
            assert (await post({"url": url, **option})).status_code == 422, option

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
        rotated = await client.post(f"/subscriptions/{sub['id']}/rotate-secret", headers=stranger)
        assert rotated.status_code == 404
        admin = (await client.get("/subscriptions", headers=auth("admin"))).json()
        assert [UUID(s["id"]) for s in admin] == [UUID(sub["id"])]


async def test_an_imported_plan_reaches_the_webhook_with_its_trace(ns: Namespace, receivers) -> None:
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
            verify(request, sub["secret"])
            assert request.body == message.data
            trace_id = message.headers["traceparent"].split("-")[1]
            assert request.headers["traceparent"].split("-")[1] == trace_id
