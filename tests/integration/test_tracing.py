"""One trace spans the HTTP command, the event store, the bus and every consumer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from servicekit.telemetry import setup_telemetry
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.integration.test_plan_service import load_units
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
        publish, process = named("TaskAssigned.v1 publish")[0], named("TaskAssigned.v1 process")[0]
        assert publish.context.trace_id == command.context.trace_id
        assert process.context.trace_id == command.context.trace_id
        assert process.parent is not None and process.parent.span_id == publish.context.span_id
