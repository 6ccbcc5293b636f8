"""Plan → bus → reporting read model, with duplicates, poison messages and a rebuild."""

from __future__ import annotations

from datetime import UTC, date, datetime

import nats
import pytest

from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.integration.test_plan_service import load_units
from tests.support import SAMPLE_PLAN, Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")


def clock() -> datetime:
    return datetime(2026, 11, 25, 3, tzinfo=UTC)


async def imported(ns: Namespace, plan) -> None:
    await load_units(plan)
    response = await plan.post("/plans/import", content=SAMPLE_PLAN.read_bytes(),
                               headers={**auth("planner"), "content-type": "text/plain"})
    assert response.status_code == 201, response.text


async def quarters(reports) -> list[tuple[int, int | None, int]]:
    response = await reports.get("/reports/tasks/by-quarter", params={"year": 2026}, headers=READER)
    assert response.status_code == 200, response.text
    return [(q["quarter"], q["announced"], q["total"]) for q in response.json()]


async def test_read_model_shows_the_tasks_per_quarter_as_the_document_lists_them(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        await imported(ns, plan)

        async def complete():
            assert await quarters(reports) == [(1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]

        await eventually(complete)
        q1 = (await reports.get("/reports/tasks", params={"year": 2026, "quarter": 1}, headers=READER)).json()
        task7 = next(t for t in q1 if t["number"] == 7)
        assert [u["code"] for u in task7["lead_units"]] == ["CAT", "SNV"]
        by_unit = (await reports.get("/reports/tasks/by-unit", params={"year": 2026}, headers=READER)).json()
        snv = next(u for u in by_unit if u["code"] == "SNV")
        assert snv["lead"] == 34


async def test_duplicated_and_redelivered_messages_change_no_count(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        await imported(ns, plan)
        await plan.post("/admin/check-deadlines", headers=auth("admin"))

        async def settled():
            status = (await reports.get("/reports/tasks/by-status", params={"year": 2026}, headers=READER)).json()
            assert status == {"assigned": 5, "completed": 0, "overdue": 29}

        await eventually(settled)
        # Publish every message of the stream a second time, under new message ids, so
        # JetStream cannot drop them: only the consumer's own tracking protects the counts.
        original = await read_stream(ns)
        nc = await nats.connect(ns.nats_url)
        js = nc.jetstream()
        for message in original:
            headers = {**message.headers, "Nats-Msg-Id": "again-" + message.headers["Nats-Msg-Id"]}
            await js.publish(message.subject, message.data, headers=headers)
        await nc.close()

        async def all_seen_again():
            status = (await reports.get("/admin/consumer", headers=READER)).json()
            assert status["duplicates"] >= len(original)
            return status

        consumer = await eventually(all_seen_again)
        assert consumer["processed"] == len(original)
        await settled()
        assert await quarters(reports) == [(1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]


async def test_poison_messages_go_to_dead_letters_and_the_stream_moves_on(ns: Namespace) -> None:
    async with serve(reporting_app(ns.settings(ReportingSettings))) as reports, \
            serve(plan_app(ns.settings(PlanSettings), clock)) as plan:
        nc = await nats.connect(ns.nats_url)
        js = nc.jetstream()
        subject = f"{ns.subject_root}.plan.TaskAssigned.v1"
        base = {"ce-specversion": "1.0", "ce-type": "vn.gov.tdkt.plan.TaskAssigned.v1", "ce-id": "x",
                "ce-source": "/tdkt/plan"}
        await js.publish(subject, b"{not json", headers={**base, "Nats-Msg-Id": "poison-1"})
        await js.publish(subject, b'{"event_id": "not-a-uuid"}', headers={**base, "Nats-Msg-Id": "poison-2"})
        await js.publish(subject, b"{}", headers={"Nats-Msg-Id": "poison-3"})
        await nc.close()
        await imported(ns, plan)

        async def moved_on():
            assert await quarters(reports) == [(1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]

        await eventually(moved_on)
        dead = await read_stream(ns, f"{ns.subject_root}.dlq.reporting-tasks")
        assert len(dead) == 3
        reasons = [m.headers["tdkt-dlq-reason"] for m in dead]
        assert "not JSON" in reasons[0]
        assert "does not match" in reasons[1]
        assert "not a CloudEvents" in reasons[2]


async def test_read_model_is_rebuilt_from_the_stream(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        await imported(ns, plan)
        task = (await plan.get("/tasks", params={"quarter": 4, "limit": 1}, headers=READER)).json()[0]
        done = await plan.post(f"/tasks/{task['task_id']}/complete", headers=auth("planner"),
                               json={"document_ref": "45/BC-UBND", "completed_on": "2026-11-20"})
        assert done.status_code == 200, done.text

        async def before():
            status = (await reports.get("/reports/tasks/by-status", params={"year": 2026}, headers=READER)).json()
            assert status["completed"] == 1
            return status

        expected = await eventually(before)
        rebuilt = await reports.post("/admin/rebuild", headers=auth("admin"))
        assert rebuilt.status_code == 202

        async def after():
            assert (await reports.get("/reports/tasks/by-status", params={"year": 2026},
                                      headers=READER)).json() == expected
            assert await quarters(reports) == [(1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]

        await eventually(after)
        q4 = (await reports.get("/reports/tasks", params={"year": 2026, "status": "completed"},
                                headers=READER)).json()
        assert [(t["document_ref"], t["completed_on"]) for t in q4] == [("45/BC-UBND", str(date(2026, 11, 20)))]
