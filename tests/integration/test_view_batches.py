"""The plan view applies the events it has read in one transaction, and when one of them cannot
be stored, each on its own: the others arrive, the bad one becomes a dead letter, as before."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from servicekit import views
from servicekit.db import ensure_database
from servicekit.eventstore import postgres_env
from services.plan.application import Plans
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner")
ADMIN = auth("admin")
NOW = datetime(2026, 3, 2, 3, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def issue(app: Plans, number: str, title: str) -> Any:
    return app.issue_plan(
        number=number, year=2026, title=title, issuer="Sở Nội vụ", issued_on=None, signed_by=None, by="u", now=NOW
    )[0]


def add(app: Plans, plan_id: Any, title: str) -> Any:
    return app.add_task(
        plan_id, quarter=1, title=title, lead_units=["SNV"], coordinating_units=[], due_date=None, by="u", now=NOW
    )


async def test_events_read_together_are_applied_together_and_a_bad_one_alone(ns: Namespace, monkeypatch) -> None:
    runs: list[tuple[int, bool]] = []  # (events in the run, applied together)
    together = views._applied_together

    def counted(subscription: Any, projection: Any, run: list[Any]) -> bool:
        applied = together(subscription, projection, run)
        runs.append((len(run), applied))
        return applied

    monkeypatch.setattr(views, "_applied_together", counted)
    settings = ns.settings(PlanSettings)
    await ensure_database(settings)
    store = await asyncio.to_thread(Plans, postgres_env(settings))
    try:
        # Stored while the service is down: its view reads them all at once when it starts.
        await asyncio.to_thread(store.register_unit, "SNV", "Sở Nội vụ", "co_quan", [], "u")
        first = await asyncio.to_thread(issue, store, "1/KH", "Một")
        for title in ("A", "B", "C"):
            await asyncio.to_thread(add, store, first, title)
        async with serve(plan_app(settings, clock)) as plan:

            async def all_shown() -> None:
                tasks = (await plan.get("/tasks", headers=PLANNER, params={"plan_id": str(first)})).json()
                assert [(t["number"], t["title"]) for t in tasks] == [(1, "A"), (2, "B"), (3, "C")]
                plans = (await plan.get("/plans", headers=PLANNER)).json()
                assert [(p["title"], p["task_count"]) for p in plans] == [("Một", 3)]

            await eventually(all_shown)
        assert runs and all(applied for _, applied in runs) and max(n for n, _ in runs) >= 8, runs

        # A plan whose title PostgreSQL refuses, between good events: the run fails together,
        # then goes one by one.
        runs.clear()
        await asyncio.to_thread(add, store, first, "D")
        await asyncio.to_thread(issue, store, "2/KH", "hỏng\x00")
        await asyncio.to_thread(issue, store, "3/KH", "Ba")
        await asyncio.to_thread(add, store, first, "E")
        async with serve(plan_app(settings, clock)) as plan:

            async def good_ones_shown() -> None:
                plans = (await plan.get("/plans", headers=PLANNER)).json()
                assert sorted((p["title"], p["task_count"]) for p in plans) == [("Ba", 0), ("Một", 5)]
                tasks = (await plan.get("/tasks", headers=PLANNER, params={"plan_id": str(first)})).json()
                assert [t["title"] for t in tasks] == ["A", "B", "C", "D", "E"]

            await eventually(good_ones_shown)
            letters = (await plan.get("/admin/dead-letters", headers=ADMIN)).json()
            assert [(d["source"], "NUL" in d["reason"]) for d in letters] == [("planview", True)]
        # the first run read: D (2 events), the bad plan, the next plan, E (2 events)
        assert runs and runs[0][0] >= 6 and runs[0][1] is False, runs
    finally:
        store.close()


async def test_a_run_with_an_event_another_replica_applied_fails_as_one_by_one(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan:
        view = plan._transport.app.state.runtime.view  # type: ignore[attr-defined]

        def overlap() -> int | None:
            view.insert_tracking(Tracking("overlap", 2))  # another replica applied events 1 and 2
            with pytest.raises(IntegrityError), view.together():  # this one's run: events 1 to 3
                for notification_id in (1, 2, 3):
                    view.insert_tracking(Tracking("overlap", notification_id))
            return view.max_tracking_id("overlap")

        assert await asyncio.to_thread(overlap) == 2  # nothing of the run kept: it goes one by one
