"""The plan service against a real PostgreSQL and NATS JetStream, in process."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import yaml

from contracts import unwrap
from contracts.plan import TaskAssigned
from services.plan.main import create_app
from services.plan.settings import PlanSettings
from tests.support import SAMPLE_PLAN, SAMPLE_UNITS, Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner")


async def load_units(client) -> None:
    for unit in yaml.safe_load(SAMPLE_UNITS.read_text())["units"]:
        response = await client.post("/units", json=unit, headers=PLANNER)
        assert response.status_code in (200, 201), response.text


def plan_app(ns: Namespace, today: date = date(2026, 11, 25)):
    moment = datetime(today.year, today.month, today.day, 3, tzinfo=UTC)
    return create_app(ns.settings(PlanSettings), clock=lambda: moment)


async def test_imported_plan_reaches_the_bus_as_cloudevents(ns: Namespace) -> None:
    async with serve(plan_app(ns)) as client:
        await load_units(client)
        response = await client.post("/plans/import", content=SAMPLE_PLAN.read_bytes(),
                                     headers={**PLANNER, "content-type": "text/plain"})
        assert response.status_code == 201, response.text
        summary = response.json()
        assert summary["number"] == "157/KH-UBND"
        assert [(q["quarter"], q["announced"], q["listed"]) for q in summary["quarters"]] == [
            (1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]
        assert any("Quý III" in w and "04" in w for w in summary["warnings"])

        async def all_on_bus():
            messages = await read_stream(ns)
            types = Counter(m.headers["ce-type"] for m in messages)
            assert types == {"vn.gov.tdkt.plan.PlanIssued.v1": 1, "vn.gov.tdkt.plan.TaskAssigned.v1": 34}
            return messages

        messages = await eventually(all_on_bus)
        assigned = [e for m in messages if isinstance(e := unwrap(m.headers, m.data), TaskAssigned)]
        q1_7 = next(e for e in assigned if (e.quarter, e.number) == (1, 7))
        assert [u.code for u in q1_7.lead_units] == ["CAT", "SNV"]
        assert [u.code for u in q1_7.coordinating_units] == ["VPUBND"]
        assert q1_7.due_date == date(2026, 3, 31)
        first = messages[0]
        assert first.headers["ce-specversion"] == "1.0"
        assert first.headers["ce-source"] == "/tdkt/plan"
        assert first.headers["Nats-Msg-Id"].startswith("plan:")
        assert "traceparent" in first.headers
        assert json.loads(first.data)["event_id"] == first.headers["ce-id"]


async def test_importing_the_same_document_twice_creates_nothing_new(ns: Namespace) -> None:
    async with serve(plan_app(ns)) as client:
        await load_units(client)
        headers = {**PLANNER, "content-type": "text/plain"}
        first = await client.post("/plans/import", content=SAMPLE_PLAN.read_bytes(), headers=headers)
        second = await client.post("/plans/import", content=SAMPLE_PLAN.read_bytes(), headers=headers)
        assert (first.status_code, second.status_code) == (201, 200)
        assert second.json()["created"] is False
        tasks = await client.get("/tasks", params={"plan_id": first.json()["plan_id"], "limit": 1000},
                                 headers=PLANNER)
        assert len(tasks.json()) == 34

        async def on_bus():
            assert len(await read_stream(ns)) == 35

        await eventually(on_bus)


async def test_tasks_are_listed_by_quarter_unit_and_status(ns: Namespace) -> None:
    async with serve(plan_app(ns)) as client:
        await load_units(client)
        await client.post("/plans/import", content=SAMPLE_PLAN.read_bytes(),
                          headers={**PLANNER, "content-type": "text/plain"})
        q3 = (await client.get("/tasks", params={"quarter": 3}, headers=PLANNER)).json()
        assert [t["number"] for t in q3] == [1, 2, 3, 4, 5]
        police = (await client.get("/tasks", params={"unit": "CAT", "role": "lead"}, headers=PLANNER)).json()
        assert [(t["quarter"], t["number"]) for t in police] == [(1, 7)]
        checked = await client.post("/admin/check-deadlines", headers=auth("admin"))
        # quarters I–III are past on 25/11/2026
        assert checked.json() == {"marked_overdue": 29, "registrations_closed": 0}
        again = await client.post("/admin/check-deadlines", headers=auth("admin"))
        assert again.json() == {"marked_overdue": 0, "registrations_closed": 0}
        overdue = (await client.get("/tasks", params={"status": "overdue", "limit": 100}, headers=PLANNER)).json()
        assert len(overdue) == 29

        async def overdue_once():
            messages = await read_stream(ns, f"{ns.subject_root}.plan.TaskOverdue.v1")
            assert len(messages) == 29

        await eventually(overdue_once)
