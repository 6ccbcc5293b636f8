"""Nothing a client sends or the store holds can stop a service: control characters and huge
numbers are refused at the door, and an event a view or a consumer cannot store becomes a dead
letter while later events still arrive."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tdkt.cli import main as cli
from tests.support import TEST_SECRET, Namespace, auth, eventually, serve, serve_on_port

pytestmark = pytest.mark.integration
PLANNER = auth("planner")
ADMIN = auth("admin")
PLAN = {"number": "12/KH-SNV", "year": 2026, "title": "Kế hoạch thử", "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


def alter(view, change: str) -> None:
    with view.datastore.transaction(commit=True) as curs:
        curs.execute(f"ALTER TABLE plan_index {change}")


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


async def test_control_characters_and_huge_integers_are_refused_with_the_field_named(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan:
        nul = await plan.post("/plans", headers=PLANNER, json={**PLAN, "title": "a\u0000b"})
        assert nul.status_code == 422, nul.text
        error = nul.json()["error"]
        assert error["details"][0]["loc"] == ["body", "title"]
        assert "ký tự điều khiển" in error["message"] and "body.title" in error["message"]
        bell = await plan.post("/plans", headers=PLANNER, json={**PLAN, "issuer": "Sở\x07"})
        assert bell.json()["error"]["details"][0]["loc"] == ["body", "issuer"]
        kept = await plan.post("/plans", headers=PLANNER, json={**PLAN, "title": "Dòng 1\nDòng 2\tcột"})
        assert kept.status_code == 201, kept.text

        query = await plan.get("/tasks", params={"unit": "a\x00b"}, headers=PLANNER)
        assert query.status_code == 422 and query.json()["error"]["details"][0]["loc"] == ["query", "unit"]
        for offset in (2**63, 2**100, -(2**63) - 1):
            huge = await plan.get("/tasks", params={"offset": str(offset)}, headers=PLANNER)
            assert huge.status_code == 422, (offset, huge.text)
            assert huge.json()["error"]["details"][0]["loc"] == ["query", "offset"]
        number = await plan.post("/plans", headers=PLANNER, json={**PLAN, "year": 2**70})
        assert number.status_code == 422 and number.json()["error"]["details"][0]["loc"] == ["body", "year"]
        body = b'{"number": "1/KH-UBND", "year": 1e999, "title": "x", "issuer": "y"}'
        infinite = await plan.post("/plans", content=body, headers={**PLANNER, "content-type": "application/json"})
        assert infinite.status_code == 422 and infinite.json()["error"]["details"][0]["loc"] == ["body", "year"]

        async def only_the_clean_plan_stored():
            plans = (await plan.get("/plans", headers=PLANNER)).json()
            assert [p["title"] for p in plans] == ["Dòng 1\nDòng 2\tcột"]

        await eventually(only_the_clean_plan_stored)


async def test_an_event_the_views_cannot_store_is_a_dead_letter_and_later_events_arrive(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        # An event written before the door was guarded (or by another version): straight to the store.
        runtime = plan._transport.app.state.runtime  # type: ignore[attr-defined]
        await runtime.call(runtime.app.issue_plan, number="1/KH-SNV", year=2026, title="cũ\x00hỏng",
                           issuer="Sở Nội vụ", issued_on=None, signed_by=None, by="migration", now=clock())
        later = await plan.post("/plans", headers=PLANNER, json=PLAN)
        assert later.status_code == 201, later.text

        async def plan_view_moved_on():
            titles = [p["title"] for p in (await plan.get("/plans", headers=PLANNER)).json()]
            assert titles == [PLAN["title"]]

        await eventually(plan_view_moved_on)
        ready = await plan.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded", ready.text
        assert "1 thư chết" in ready.json()["checks"]["view:planview"]

        letters = (await plan.get("/admin/dead-letters", headers=ADMIN)).json()
        assert len(letters) == 1 and "NUL" in letters[0]["reason"] and letters[0]["source"] == "planview"
        assert (await plan.get("/admin/dead-letters", headers=PLANNER)).status_code == 403
        retry = (await plan.post(f"/admin/dead-letters/{letters[0]['id']}/replay", headers=ADMIN)).json()
        assert retry["replayed"] is False and "NUL" in retry["error"]

        # The reporting consumer sets the same event aside at once and counts the later plan.
        async def reporting_moved_on():
            letters = (await reports.get("/admin/dead-letters", headers=ADMIN)).json()
            assert [(d["source"], d["subject"].rsplit(".", 2)[-2]) for d in letters] == [
                ("reporting-tasks", "PlanIssued")]
            assert (await reports.get("/readyz")).json()["status"] == "degraded"

        await eventually(reporting_moved_on, timeout=30)

    # After a restart the service is still ready, and still tells of its dead letter.
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan:
        another = await plan.post("/plans", headers=PLANNER, json={**PLAN, "number": "13/KH-SNV"})
        assert another.status_code == 201

        async def both_listed():
            assert len((await plan.get("/plans", headers=PLANNER)).json()) == 2

        await eventually(both_listed)
        ready = await plan.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"


async def test_a_replayed_dead_letter_is_applied_once_the_cause_is_gone(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan:
        runtime = plan._transport.app.state.runtime  # type: ignore[attr-defined]
        view = runtime.view
        # A view that cannot store titles longer than 20 characters, for a while.
        await runtime.call(alter, view, "ADD CONSTRAINT short CHECK (length(title) < 20)")
        response = await plan.post("/plans", headers=PLANNER, json={**PLAN, "title": "Một tiêu đề dài hơn hai mươi"})
        assert response.status_code == 201

        async def dead_lettered():
            letters = (await plan.get("/admin/dead-letters", headers=ADMIN)).json()
            assert len(letters) == 1 and "short" in letters[0]["reason"]
            return letters[0]

        letter = await eventually(dead_lettered)
        await runtime.call(alter, view, "DROP CONSTRAINT short")
        replay = (await plan.post(f"/admin/dead-letters/{letter['id']}/replay", headers=ADMIN)).json()
        assert replay == {"id": letter["id"], "replayed": True, "error": None}
        assert [p["title"] for p in (await plan.get("/plans", headers=PLANNER)).json()] == [
            "Một tiêu đề dài hơn hai mươi"]
        assert (await plan.get("/admin/dead-letters", headers=ADMIN)).json() == []
        assert (await plan.get("/readyz")).json()["status"] == "ready"


async def test_operators_list_and_replay_dead_letters_from_the_command_line(
        ns: Namespace, monkeypatch, capsys) -> None:
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve_on_port(app) as url:
        monkeypatch.setenv("TDKT_PLAN_PORT", url.rsplit(":", 1)[1])
        monkeypatch.setenv("TDKT_JWT_SECRET", TEST_SECRET)
        runtime = app.state.runtime
        await runtime.call(runtime.app.issue_plan, number="1/KH-SNV", year=2026, title="cũ\x00hỏng",
                           issuer="Sở Nội vụ", issued_on=None, signed_by=None, by="migration", now=clock())

        async def listed() -> str:
            code = await asyncio.to_thread(cli, ["dead-letters", "list", "--service", "plan"])
            out = capsys.readouterr().out
            assert code == 0 and "Tổng: 1 thư chết." in out, out
            return out

        out = await eventually(listed)
        assert "planview" in out and "NUL" in out
        code = await asyncio.to_thread(cli, ["dead-letters", "replay", "plan", "--all"])
        assert code == 1 and "vẫn lỗi" in capsys.readouterr().out
        assert await asyncio.to_thread(cli, ["dead-letters", "replay", "plan"]) == 2  # neither ids nor --all
