"""NATS with accounts: each service publishes only its own subjects; an integrator reads only
what it was granted and publishes nothing, so it cannot squat the next `Nats-Msg-Id` of a
service; were an id squatted anyway, the relay notices and the event still reaches the bus."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from nats.errors import Error as NatsError
from nats.js.api import ConsumerConfig, DeliverPolicy

from servicekit.natsauth import BusAccess, Integrator, inbox_prefix, integrator_user, service_user
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from tdkt.embedded import EmbeddedNats, free_port
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
PLAN = {"number": "12/KH-SNV", "year": 2026, "title": "Kế hoạch thử", "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


@pytest.fixture
async def bus(ns: Namespace):
    """A server of the test's own whose users follow the rules, for the test's subjects and stream."""
    folder = Path(tempfile.mkdtemp(prefix="tdkt-nats-"))
    eoffice = Integrator("eoffice", (f"{ns.subject_root}.plan.>",), "eoffice-password-123")
    users = [service_user("plan", BusAccess(), root=ns.subject_root, stream=ns.stream, password="plan-pw-123"),
             integrator_user(eoffice, root=ns.subject_root, stream=ns.stream)]
    server = EmbeddedNats(folder / "nats", free_port(), users=users).start()
    yield server
    server.stop()


async def connect(server: EmbeddedNats, user: str, password: str) -> nats.NATS:
    errors: list[Exception] = []

    async def on_error(error: Exception) -> None:
        errors.append(error)

    client = await nats.connect(server.url, user=user, password=password, inbox_prefix=inbox_prefix(user),
                                error_cb=on_error)
    client.errors = errors  # type: ignore[attr-defined]
    return client


async def test_services_publish_their_own_events_and_integrators_only_read_what_they_were_given(
        ns: Namespace, bus: EmbeddedNats) -> None:
    own = {"nats_url": bus.url, "nats_user": "plan", "nats_password": "plan-pw-123"}
    async with serve(plan_app(ns.settings(PlanSettings, **own), clock)) as plan:
        assert (await plan.post("/plans", headers=auth("planner"), json=PLAN)).status_code == 201
        admin = Namespace(**{**ns.__dict__, "nats_url": bus.admin_url})

        async def on_the_bus():
            assert [m.subject.split(".")[-2] for m in await read_stream(admin)] == ["PlanIssued"]

        await eventually(on_the_bus)
        # its own user may read its subjects back for the reconciliation (`tdkt reconcile`)
        reconciled = await plan.post("/admin/reconcile", headers=auth("admin"))
        assert reconciled.status_code == 200, reconciled.text
        publisher = next(f for f in reconciled.json()["findings"] if f["kind"] == "publisher")
        assert (publisher["expected"], publisher["found"], publisher["lost"], publisher["duplicated"]) == (1, 1, 0, 0)

    outsider = await connect(bus, "eoffice", "eoffice-password-123")
    try:
        js = outsider.jetstream(timeout=1)
        # it reads the plan's events through the consumer named after it, over its grant
        sub = await js.pull_subscribe(f"{ns.subject_root}.plan.>", durable="eoffice", stream=ns.stream,
                                      config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL))
        [message] = await sub.fetch(1, timeout=5)
        assert message.headers is not None and message.headers["ce-type"] == "vn.gov.tdkt.plan.PlanIssued.v1"
        # …and nothing else: another filter, another name, a service's consumer, no name at all
        for subject, name in ((f"{ns.subject_root}.nomination.>", "eoffice"),
                              (f"{ns.subject_root}.>", "eoffice"),
                              (f"{ns.subject_root}.plan.>", "eoffice-2"),
                              (f"{ns.subject_root}.plan.>", "notification-webhooks"),
                              (f"{ns.subject_root}.nomination.>", None)):
            with pytest.raises((NatsError, asyncio.TimeoutError)):
                await js.add_consumer(ns.stream, ConsumerConfig(name=name, durable_name=name, filter_subject=subject))
        # it cannot publish on a service's subject: no squatting of the next Nats-Msg-Id
        with pytest.raises((NatsError, asyncio.TimeoutError)):
            await js.publish(f"{ns.subject_root}.plan.PlanIssued.v1", b"{}",
                             headers={"Nats-Msg-Id": "plan:2"}, timeout=2)
        await outsider.subscribe(f"{ns.subject_root}.nomination.>")
        await outsider.flush()
        await asyncio.sleep(0.3)
        assert any("permissions violation" in str(e).lower() for e in outsider.errors), outsider.errors  # type: ignore[attr-defined]
    finally:
        await outsider.close()


async def test_a_squatted_message_id_is_reported_and_the_event_still_published(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan:
        # someone with rights on the bus (here the tests' operator) publishes first under the id
        # the plan service will use for its next event
        squatter = await nats.connect(ns.nats_url)
        try:
            await squatter.jetstream().publish(f"{ns.subject_root}.plan.PlanIssued.v1", json.dumps({}).encode(),
                                               headers={"Nats-Msg-Id": "plan:1"}, stream=ns.stream)
        finally:
            await squatter.close()
        assert (await plan.post("/plans", headers=auth("planner"), json=PLAN)).status_code == 201

        async def reported_and_delivered():
            ready = (await plan.get("/readyz")).json()
            assert ready["status"] == "degraded" and "Nats-Msg-Id" in ready["checks"]["outbox"]
            types = [m.headers.get("ce-type") for m in await read_stream(ns)]
            assert types == [None, "vn.gov.tdkt.plan.PlanIssued.v1"]

        await eventually(reported_and_delivered)
