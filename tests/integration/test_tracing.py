"""One trace spans the HTTP command, the event store, the bus and every consumer."""

from __future__ import annotations

from datetime import UTC, datetime

import nats
import pytest
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contracts import wrap
from contracts.plan import TaskAssigned
from servicekit import bus
from servicekit.telemetry import setup_telemetry
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.integration.test_plan_service import load_units
from tests.integration.test_servicekit import applied, assigned, consumer_for, failing
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration


@pytest.fixture
def spans(ns: Namespace) -> InMemorySpanExporter:
    setup_telemetry(ns.settings(PlanSettings))  # installs the SDK provider when none is set yet
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


async def test_a_command_and_the_consumers_it_causes_share_one_trace(ns: Namespace, spans) -> None:
    planner = auth("planner")
    async with serve(plan_app(ns.settings(PlanSettings), lambda: datetime(2026, 2, 1, tzinfo=UTC))) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings))) as _:
        await load_units(plan)
        created = await plan.post("/plans", headers=planner, json={
            "number": "3/KH-SNV", "year": 2026, "title": "Kế hoạch", "issuer": "Sở Nội vụ"})
        spans.clear()
        task = await plan.post(f"/plans/{created.json()['id']}/tasks", headers=planner, json={
            "quarter": 2, "title": "Tập huấn nghiệp vụ", "lead_units": ["SNV"]})
        assert task.status_code == 201

        def named(suffix: str):
            return [s for s in spans.get_finished_spans() if s.name.endswith(suffix)]

        async def consumed():
            assert named("TaskAssigned.v1 process")
            assert named("TaskAssigned.v1 publish")

        await eventually(consumed)
        http = [s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.SERVER]
        command = next(s for s in http if "/tasks" in s.name)
        publish = named("TaskAssigned.v1 publish")[0]
        assert publish.context.trace_id == command.context.trace_id
        # A consumer's span of the event: its child when the event came alone in its batch (as here,
        # one command), linked to it when the event shared a batch with others.
        for process in named(" process"):
            if process.parent is not None and process.parent.span_id == publish.context.span_id:
                assert process.context.trace_id == command.context.trace_id
                break
            if any(link.context.span_id == publish.context.span_id for link in process.links):
                break
        else:
            raise AssertionError("no consumer span continues the command's trace")


async def test_a_batch_is_one_span_linked_to_its_messages_and_an_event_applied_alone_is_one_span(
        ns: Namespace, spans) -> None:
    """A run applied by a batch handler has no span per event (they cost more than the upserts)."""
    tracer = trace.get_tracer(__name__)
    events = [assigned(n) for n in (1, 2, 3)]
    origins = []
    nc = await nats.connect(ns.nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, ns.settings(PlanSettings))
    for event in events:  # published before the consumer starts: one batch of three
        with tracer.start_as_current_span(f"{event.number} publish") as span:
            envelope = wrap(event, ns.subject_root)
            headers = {**envelope.headers, "Nats-Msg-Id": str(event.event_id)}
            propagate.inject(headers)
            await js.publish(envelope.subject, envelope.body, headers=headers)
            origins.append(span.get_span_context())
    await nc.close()
    handle = failing({2: 1})

    async def handle_all(conn, events) -> None:
        for event in events:
            await handle(conn, event)

    spans.clear()
    async with consumer_for(ns, handle, batch_handlers={TaskAssigned: handle_all}) as (_, _, pool):
        async def done():
            assert await applied(pool) == [1, 2, 3]

        await eventually(done)
    processed = [s for s in spans.get_finished_spans() if s.name.endswith("TaskAssigned.v1 process")]
    batch, *alone = processed
    # The batch's transaction failed on the 2nd event: one span for the three, linked to their traces …
    assert batch.attributes["messaging.batch.message_count"] == 3
    assert batch.parent is None
    assert [link.context.span_id for link in batch.links] == [o.span_id for o in origins]
    assert batch.status.status_code == trace.StatusCode.ERROR
    # … then each event applied alone in its own transaction: one span each, a child of its publisher's.
    assert [(s.parent.span_id if s.parent else None, s.context.trace_id) for s in alone] == \
        [(o.span_id, o.trace_id) for o in origins]
