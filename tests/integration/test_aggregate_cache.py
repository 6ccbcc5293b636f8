"""The aggregate cache of every service's Application: replicas still see each other's writes,
and concurrent reads of a cached aggregate that another thread fast-forwards do not break."""

from __future__ import annotations

import asyncio
import sys
import threading
from datetime import UTC, datetime

import pytest

from servicekit.db import ensure_database
from servicekit.eventstore import postgres_env
from services.plan.application import Plans
from services.plan.domainmodel import UnitRegistry
from services.plan.settings import PlanSettings
from tests.support import Namespace

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def add(app: Plans, plan_id, title: str):
    return app.add_task(plan_id, quarter=1, title=title, lead_units=["SNV"], coordinating_units=[],
                        due_date=None, by="u", now=NOW)


async def test_a_replica_with_a_cached_plan_sees_what_another_replica_saved(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings)
    await ensure_database(settings)
    one = await asyncio.to_thread(Plans, postgres_env(settings))  # one after the other: both create tables
    two = await asyncio.to_thread(Plans, postgres_env(settings))
    try:
        assert one.repository.cache is not None
        await asyncio.to_thread(one.register_unit, "SNV", "Sở Nội vụ", "co_quan", [], "u")
        plan_id, _ = await asyncio.to_thread(one.issue_plan, number="9/KH-SNV", year=2026, title="Kế hoạch",
                                             issuer="Sở Nội vụ", issued_on=None, signed_by=None, by="u", now=NOW)
        first = await asyncio.to_thread(add, one, plan_id, "Một")  # `one` now caches the plan
        second = await asyncio.to_thread(add, two, plan_id, "Hai")
        third = await asyncio.to_thread(add, one, plan_id, "Ba")  # fast-forwards past `two`'s task
        numbers = [(await asyncio.to_thread(one.get_task, t))["number"] for t in (first, second, third)]
        assert numbers == [1, 2, 3]
        await asyncio.to_thread(two.register_unit, "STC", "Sở Tài chính", "co_quan", [], "u")
        assert [u["code"] for u in await asyncio.to_thread(one.list_units)] == ["SNV", "STC"]
    finally:
        one.close()
        two.close()


async def test_reading_a_cached_aggregate_while_another_thread_fast_forwards_it(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings)
    await ensure_database(settings)
    reader = await asyncio.to_thread(Plans, postgres_env(settings))
    writer = await asyncio.to_thread(Plans, postgres_env(settings))
    try:
        await asyncio.to_thread(writer.register_unit, "U0", "Đơn vị 0", "co_quan", [], "u")
        errors: list[BaseException] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                try:
                    registry: UnitRegistry = reader.repository.get(UnitRegistry.create_id())
                    assert len(registry.index) == len(registry.units)
                except BaseException as error:  # collected and asserted below
                    errors.append(error)
                    return

        def register() -> None:
            for n in range(1, 120):  # many small growths of the registry's dicts
                writer.register_unit(f"U{n}", f"Đơn vị {n}", "co_quan", [], "u")
            done.set()

        threads = [threading.Thread(target=read) for _ in range(4)] + [threading.Thread(target=register)]
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet the race if it is there
        try:
            await asyncio.to_thread(_run_all, threads)
        finally:
            sys.setswitchinterval(interval)
        assert errors == []
    finally:
        reader.close()
        writer.close()


def _run_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
