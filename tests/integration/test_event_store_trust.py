"""The event store keeps its history honest: a hash chain names the first stored event edited,
deleted or moved behind the service's back, and a command commits within its time budget or
not at all."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from tdkt.cli import main as cli
from tests.support import TEST_AUDIT_KEY, TEST_SECRET, Namespace, auth, serve, serve_on_port

pytestmark = pytest.mark.integration
PLANNER = auth("planner")
AUDITOR = auth("auditor")


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


def plan(number: int) -> dict[str, object]:
    return {"number": f"{number}/KH-SNV", "year": 2026, "title": f"Kế hoạch {number}", "issuer": "Sở Nội vụ"}


async def store(ns: Namespace) -> asyncpg.Connection:
    """The plan service's database, as its superuser (not the service's own role)."""
    return await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}plan")


async def verify(client) -> dict[str, object]:
    response = await client.get("/admin/audit/verify", headers=AUDITOR)
    assert response.status_code == 200, response.text
    [report] = response.json()
    return report


async def test_the_chain_names_the_first_event_edited_deleted_or_moved(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as client:
        for number in range(1, 6):
            assert (await client.post("/plans", headers=PLANNER, json=plan(number))).status_code == 201
        assert await verify(client) == {"store": "Plans", "intact": True, "checked": 5,
                                         "first_difference": None, "reason": None}
        conn = await store(ns)
        try:
            original = await conn.fetchval("SELECT state FROM plans_events WHERE notification_id = 3")
            await conn.execute("UPDATE plans_events SET state = $1 WHERE notification_id = 3",
                               original.replace("Kế hoạch 3".encode(), "Kế hoạch 9".encode()))
            edited = await verify(client)
            assert (edited["intact"], edited["first_difference"], edited["checked"]) == (False, 3, 2)
            await conn.execute("UPDATE plans_events SET state = $1 WHERE notification_id = 3", original)
            assert (await verify(client))["intact"]

            # two events swapped in the order
            await conn.execute("UPDATE plans_events SET notification_id = -2 WHERE notification_id = 2")
            await conn.execute("UPDATE plans_events SET notification_id = 2 WHERE notification_id = 4")
            await conn.execute("UPDATE plans_events SET notification_id = 4 WHERE notification_id = -2")
            assert (await verify(client))["first_difference"] == 2
            await conn.execute("UPDATE plans_events SET notification_id = -2 WHERE notification_id = 2")
            await conn.execute("UPDATE plans_events SET notification_id = 2 WHERE notification_id = 4")
            await conn.execute("UPDATE plans_events SET notification_id = 4 WHERE notification_id = -2")

            await conn.execute("DELETE FROM plans_events WHERE notification_id = 5")
            deleted = await verify(client)
            assert (deleted["first_difference"], deleted["reason"]) == (
                5, "mắt xích không còn sự kiện (sự kiện bị xóa)")
        finally:
            await conn.close()
        plan_id = (await client.get("/plans", headers=PLANNER)).json()[0]["plan_id"]
        history = (await client.get(f"/admin/audit/history/{plan_id}", headers=AUDITOR)).json()
        assert history[0]["event"] == "Plan.Issued" and history[0]["fields"]["issued_by"] == "tester"
        assert (await client.get("/admin/audit/verify", headers=PLANNER)).status_code == 403


async def test_tdkt_audit_verify_says_which_event_differs(ns: Namespace, monkeypatch, capsys) -> None:
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve_on_port(app) as url:
        monkeypatch.setenv("TDKT_PLAN_PORT", url.rsplit(":", 1)[1])
        monkeypatch.setenv("TDKT_JWT_SECRET", TEST_SECRET)
        monkeypatch.setenv("TDKT_AUDIT_KEY", TEST_AUDIT_KEY)
        runtime = app.state.runtime
        for number in (1, 2):
            await runtime.call(runtime.app.issue_plan, number=f"{number}/KH-SNV", year=2026, title="x",
                               issuer="y", issued_on=None, signed_by=None, by="t", now=clock())
        assert await asyncio.to_thread(cli, ["audit", "verify", "plan"]) == 0
        assert "2 sự kiện, chuỗi băm nguyên vẹn" in capsys.readouterr().out
        conn = await store(ns)
        try:
            await conn.execute("UPDATE plans_events SET topic = topic WHERE notification_id = 1")  # no change
            await conn.execute("UPDATE plans_events SET originator_version = 7 WHERE notification_id = 2")
        finally:
            await conn.close()
        assert await asyncio.to_thread(cli, ["audit", "verify", "plan"]) == 1
        assert "SAI tại sự kiện số 2" in capsys.readouterr().out


async def test_a_command_commits_within_its_budget_or_not_at_all(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings, command_budget_s=2), clock)) as client:
        assert (await client.post("/plans", headers=PLANNER, json=plan(1))).status_code == 201
        conn = await store(ns)
        try:
            blocker = conn.transaction()
            await blocker.start()
            await conn.execute("LOCK TABLE plans_events IN EXCLUSIVE MODE")
            refused = await client.post("/plans", headers=PLANNER, json=plan(2))
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"] and refused.json()["error"]["code"] == "database_unavailable"
            await asyncio.sleep(3)  # longer than the budget: nothing may commit after the answer
            await blocker.rollback()
            await asyncio.sleep(0.5)
            numbers = await conn.fetchval("SELECT count(*) FROM plans_events")
        finally:
            await conn.close()
        assert numbers == 1
        assert (await client.post("/plans", headers=PLANNER, json=plan(2))).status_code == 201


async def test_a_refused_save_stores_nothing_and_leaves_its_connection_idle(ns: Namespace, caplog) -> None:
    """A save that loses the optimistic version check stores none of its events (nor their links,
    nor a notification) and rolls its transaction back: the connection goes back to the pool
    idle, the next save on it commits, and the chain still verifies."""
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve(app) as client:
        assert (await client.post("/plans", headers=PLANNER, json=plan(1))).status_code == 201
        runtime = app.state.runtime
        recorder = runtime.app.recorder
        [first] = await runtime.call(recorder.select_notifications, 1, 1)
        stale = StoredEvent(originator_id=first.originator_id, originator_version=first.originator_version,
                            topic=first.topic, state=first.state)
        fresh = StoredEvent(originator_id=uuid4(), originator_version=1, topic=first.topic, state=first.state)
        conn = await store(ns)
        try:
            await conn.execute("LISTEN plans_events")
            heard: list[str] = []
            await conn.add_listener("plans_events", lambda *args: heard.append(args[2]))
            with caplog.at_level(logging.WARNING, logger="psycopg.pool"), pytest.raises(IntegrityError):
                await runtime.call(recorder.insert_events, [fresh, stale])
            await asyncio.sleep(0.3)
            assert heard == []
            assert await conn.fetchval("SELECT count(*) FROM plans_events") == 1
            assert await conn.fetchval("SELECT count(*) FROM plans_events_chain") == 1
            assert not [r for r in caplog.records if "rolling back" in r.getMessage()]
            for number in range(2, 7):
                assert (await client.post("/plans", headers=PLANNER, json=plan(number))).status_code == 201
            await asyncio.sleep(0.3)
            assert heard
        finally:
            await conn.close()
        report = await verify(client)
        assert (report["intact"], report["checked"]) == (True, 6)
