"""Two replicas of a service against one database and one bus: one runs the in-process view, the
other answers ready as its follower; when the leader's connection dies, or the leader itself,
the other takes over and every event reaches the view exactly once."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from services.nomination.main import create_app as nomination_app
from services.nomination.settings import NominationSettings
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner")


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


def plan(number: int) -> dict[str, Any]:
    return {"number": f"{number}/KH-SNV", "year": 2026, "title": f"Kế hoạch {number}",
            "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


def runtime_of(client: Any) -> Any:
    return client._transport.app.state.runtime


async def test_two_plan_replicas_share_one_view_and_fail_over_exactly_once(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings, leader_interval_s=0.3)
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(serve(plan_app(settings, clock)))
        second_stack = contextlib.AsyncExitStack()
        second = await second_stack.enter_async_context(serve(plan_app(settings, clock)))
        replicas = {"first": first, "second": second}

        async def roles() -> dict[str, str]:
            answers = {name: await client.get("/readyz") for name, client in replicas.items()}
            assert all(a.status_code == 200 and a.json()["status"] == "ready" and a.json()["service"] == "plan"
                       for a in answers.values()), answers
            found = {name: a.json()["role"] for name, a in answers.items()}
            assert sorted(found.values()) == ["follower", "leader"], found
            return found

        before = await eventually(roles)
        leader_name = next(name for name, role in before.items() if role == "leader")
        sent = 0
        for client in (first, second, first, second):  # commands through both replicas
            sent += 1
            assert (await client.post("/plans", headers=PLANNER, json=plan(sent))).status_code == 201

        # The leader's lock connection dies (a network cut, a server-side kill): it steps down, a
        # replica takes over; commands keep coming meanwhile.
        leadership = runtime_of(replicas[leader_name]).leaderships["views"]
        elections = {name: runtime_of(c).leaderships["views"].elections for name, c in replicas.items()}
        admin = await asyncpg.connect(settings.pg_dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", leadership.pid)
        finally:
            await admin.close()
        for client in (second, first, second):
            sent += 1
            assert (await client.post("/plans", headers=PLANNER, json=plan(sent))).status_code == 201

        async def re_elected() -> None:
            now = {name: runtime_of(c).leaderships["views"].elections for name, c in replicas.items()}
            assert sum(now.values()) == sum(elections.values()) + 1, (elections, now)
            await roles()

        await eventually(re_elected, timeout=10)

        # Then the leader replica goes away altogether; the survivor leads and its view follows.
        current = next(name for name, role in (await roles()).items() if role == "leader")
        if current == "second":
            await second_stack.aclose()
            survivor = first
        else:
            await stack.aclose()
            survivor = second
        replicas = {"survivor": survivor}

        async def survivor_leads() -> None:
            ready = (await survivor.get("/readyz")).json()
            assert ready["role"] == "leader", ready

        await eventually(survivor_leads, timeout=10)
        for _ in range(3):
            sent += 1
            assert (await survivor.post("/plans", headers=PLANNER, json=plan(sent))).status_code == 201

        view = runtime_of(survivor).view

        async def every_event_once() -> None:
            rows = await asyncio.to_thread(view.query, "SELECT number FROM plan_index ORDER BY year, number", {})
            assert sorted(r["number"] for r in rows) == sorted(f"{n}/KH-SNV" for n in range(1, sent + 1))
            last = await runtime_of(survivor).call(runtime_of(survivor).app.recorder.max_notification_id)
            assert await asyncio.to_thread(view.max_tracking_id, "Plans") == last
            ready = (await survivor.get("/readyz")).json()
            assert ready["status"] == "ready", ready  # no event dead-lettered on the hand-overs

        await eventually(every_event_once, timeout=15)
        listed = (await survivor.get("/plans", headers=PLANNER)).json()
        assert len(listed) == sent
        await second_stack.aclose()


async def test_two_reporting_replicas_each_consumer_runs_on_one_of_them(ns: Namespace) -> None:
    settings = ns.settings(ReportingSettings, leader_interval_s=0.3)
    async with serve(reporting_app(settings)) as first, serve(reporting_app(settings)) as second:
        async def each_consumer_led_once() -> None:
            held = [runtime_of(c).roles() for c in (first, second)]
            assert held[0].keys() == held[1].keys() and held[0], held
            for name in held[0]:
                assert sorted([held[0][name], held[1][name]]) == ["follower", "leader"], held
            for client in (first, second):
                assert (await client.get("/readyz")).status_code == 200

        await eventually(each_consumer_led_once, timeout=10)


async def test_two_nomination_replicas_serve_the_same_views_and_count_verdicts(ns: Namespace, tmp_path) -> None:
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents", leader_interval_s=0.3)
    clerk = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
    async with serve(nomination_app(settings, clock=clock)) as first, \
            serve(nomination_app(settings, clock=clock)) as second:
        async def one_leads() -> None:
            answers = [(await c.get("/readyz")).json() for c in (first, second)]
            assert [a["status"] for a in answers] == ["ready", "ready"], answers
            assert sorted(a["roles"]["views"] for a in answers) == ["follower", "leader"], answers

        await eventually(one_leads, timeout=10)
        opened = []
        for n, client in enumerate((first, second)):
            body = {"award_code": "BKT", "year": 2025, "summary": "Giáo viên dạy giỏi cấp tỉnh hai năm liền",
                    "nominee": {"name": "Nông Thị Hoa", "id_number": f"00419001234{n}", "date_of_birth": "1990-03-15",
                                "gender": "nu", "position": "Giáo viên"}}
            response = await client.post("/dossiers", json=body, headers=clerk)
            assert response.status_code == 201, response.text
            opened.append(response.json()["id"])

        async def both_listed_on_both() -> None:
            for client in (first, second):
                listed = (await client.get("/dossiers", headers=clerk)).json()
                rows = listed["items"] if isinstance(listed, dict) else listed
                assert sorted(str(d.get("dossier_id") or d.get("id")) for d in rows) == sorted(opened), listed

        await eventually(both_listed_on_both)
        before = await verdicts(second)
        assert (await second.get(f"/dossiers/{opened[0]}/eligibility", headers=clerk)).status_code == 200
        assert await verdicts(second) == before + 1


async def verdicts(client: Any) -> float:
    """tdkt_eligibility_verdicts_total summed over awards and outcomes, from /metrics."""
    text = (await client.get("/metrics")).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("tdkt_eligibility_verdicts_total"))


async def test_commands_through_two_plan_replicas_serialise_on_the_event_store(ns: Namespace) -> None:
    """Both replicas take commands for the same plans at once: each is stored once or refused as a
    conflict (409), the tasks of a plan's quarter are numbered without gaps or repeats, the hash chain holds,
    and the one elected replica's relay and view carry every accepted task exactly once."""
    settings = ns.settings(PlanSettings, leader_interval_s=0.3)
    async with serve(plan_app(settings, clock)) as first, serve(plan_app(settings, clock)) as second:
        replicas = [first, second]
        for unit in ({"code": "SNV", "name": "Sở Nội vụ"}, {"code": "STC", "name": "Sở Tài chính"}):
            assert (await first.post("/units", headers=PLANNER, json=unit)).status_code == 201
        plan_ids = [(await first.post("/plans", headers=PLANNER, json=plan(n))).json()["id"] for n in (1, 2)]

        async def add(k: int) -> tuple[str, int, str | None]:
            plan_id = plan_ids[k % 2]
            answer = await replicas[k // 2 % 2].post(f"/plans/{plan_id}/tasks", headers=PLANNER, json={
                "quarter": 1 + k % 4, "title": f"Nhiệm vụ {k}", "lead_units": ["SNV"], "coordinating_units": ["STC"]})
            return plan_id, answer.status_code, answer.json().get("id") if answer.status_code == 201 else None

        outcomes = await asyncio.gather(*(add(k) for k in range(24)))
        assert {status for _, status, _ in outcomes} <= {201, 409}, outcomes
        accepted = {plan_id: [t for p, _, t in outcomes if p == plan_id and t is not None] for plan_id in plan_ids}
        assert all(accepted.values()), outcomes

        app = runtime_of(first).app
        for plan_id, task_ids in accepted.items():
            tasks = [await runtime_of(second).call(app.get_task, UUID(t)) for t in task_ids]
            for quarter in {t["quarter"] for t in tasks}:  # numbered within their quarter
                numbers = sorted(t["number"] for t in tasks if t["quarter"] == quarter)
                assert numbers == list(range(1, len(numbers) + 1)), numbers
            stored = await runtime_of(second).call(app.get_plan, UUID(plan_id))
            assert sum(q["listed"] for q in stored["quarters"]) == len(task_ids)
        auditor = auth("auditor")
        assert all(c["intact"] for c in (await second.get("/admin/audit/verify", headers=auditor)).json())

        relays = [runtime_of(c).relay.status for c in replicas]
        views = [runtime_of(c).leaderships["views"] for c in replicas]
        everyone = sum(len(t) for t in accepted.values())

        async def carried_once() -> None:
            assert sorted(r.is_leader for r in relays) == [False, True]
            assert sorted(v.is_leader for v in views) == [False, True]
            leader = runtime_of(replicas[[v.is_leader for v in views].index(True)])
            listed = await leader.call(leader.view.tasks, limit=10_000)
            assert sorted(str(t["task_id"]) for t in listed) == sorted(t for ts in accepted.values() for t in ts)
            assert sum(r.published for r in relays) >= everyone
            assert sum(r.published for r in relays if not r.is_leader) == 0

        await eventually(carried_once, timeout=15)
