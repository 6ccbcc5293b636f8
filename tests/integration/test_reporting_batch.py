"""The tasks read model's batch handler leaves the tables as the events applied one by one."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from contracts.nomination import DossierEvent
from contracts.plan import TaskAssigned, UnitRef
from servicekit.db import create_schema, ensure_database, open_pool
from services.reporting import projection
from services.reporting.settings import ReportingSettings
from tests.support import Namespace

SNV, CAT, STC = UnitRef(code="SNV", name="Sở Nội vụ"), UnitRef(code="CAT", name="Công an tỉnh"), \
    UnitRef(code="STC", name="Sở Tài chính")


def assigned(task_id, number: int, title: str, lead: list[UnitRef], coordinating: list[UnitRef]) -> TaskAssigned:
    return TaskAssigned(event_id=uuid4(), occurred_at=datetime(2026, 3, number, tzinfo=UTC), task_id=task_id,
                        plan_id=PLAN, plan_number="5/KH-SNV", year=2026, quarter=1 + number % 4, number=number,
                        title=title, task_version=1, lead_units=lead, coordinating_units=coordinating,
                        due_date=date(2026, 12, number), assigned_by="u")


PLAN = uuid4()


async def test_a_run_of_task_assignments_in_one_call_equals_them_one_by_one(ns: Namespace) -> None:
    first, second, third = uuid4(), uuid4(), uuid4()
    events = [
        assigned(first, 1, "Tập huấn", [SNV, CAT], [STC]),
        assigned(second, 2, "Kiểm tra", [CAT], []),
        assigned(first, 3, "Tập huấn (gửi lại)", [STC], [SNV]),  # the same task again: the first one stays
        assigned(third, 4, "Tổng kết", [STC], [CAT, SNV]),
    ]
    tables = []
    for database, apply in (("batch", lambda conn: projection.tasks_assigned(conn, events)),
                            ("single", None)):
        async with _database(ns, database, projection.SCHEMA) as pool:
            async with pool.acquire() as conn, conn.transaction():
                if apply is not None:
                    await apply(conn)
                else:
                    for event in events:
                        await projection.task_assigned(conn, event)
            tasks = [dict(r) for r in await pool.fetch(
                "SELECT task_id, title, number, quarter, due_date, status, version, updated_at "
                "FROM report_tasks ORDER BY number")]
            units = [tuple(r) for r in await pool.fetch(
                "SELECT * FROM report_task_units ORDER BY task_id, role, position")]
            tables.append((tasks, units))
    (tasks, units), single = tables
    assert (tasks, units) == single
    assert [t["title"] for t in tasks] == ["Tập huấn", "Kiểm tra", "Tổng kết"]
    assert len(units) == 3 + 1 + 3
    assert {(u[1], u[3], u[4]) for u in units if u[0] == first} == {("SNV", "lead", 0), ("CAT", "lead", 1),
                                                                      ("STC", "coordinating", 0)}


async def test_a_run_of_dossier_events_in_one_call_equals_them_one_by_one(ns: Namespace) -> None:
    from zoneinfo import ZoneInfo

    from services.reporting import dossiers
    from tests.integration.test_reporting_dossiers import province_story

    _, story = province_story()
    # The dossiers' events interleaved (each dossier's own in order), and an old event sent again last.
    by_dossier: dict[object, list] = {}
    for event in story:
        assert isinstance(event, DossierEvent)
        by_dossier.setdefault(event.dossier_id, []).append(event)
    interleaved = [queue.pop(0) for _ in range(len(story)) for queue in by_dossier.values() if queue]
    events = [*interleaved, story[0]]
    assert sorted(map(id, interleaved)) == sorted(map(id, story))
    view = dossiers.DossierProjection(ZoneInfo("Asia/Ho_Chi_Minh"))
    async def each(conn: Any) -> None:
        for event in events:
            await view.apply(conn, event)

    tables = [await _dossier_rows(ns, "batch", lambda conn: view.apply_many(conn, events)),
              await _dossier_rows(ns, "single", each)]
    batch, single = tables
    assert batch == single
    assert len(batch) == len(by_dossier)
    assert {r["state"] for r in batch} >= {"decided", "returned", "not_awarded"}
    assert sum(r["late"] for r in batch) == 1


@contextlib.asynccontextmanager
async def _database(ns: Namespace, database: str, schema: str) -> AsyncIterator[Any]:
    """A database of its own with `schema`, its pool open while in the block."""
    settings = ns.settings(ReportingSettings, database=f"{ns.db_prefix}{database}")
    await ensure_database(settings)
    pool = await open_pool(settings)
    try:
        await create_schema(pool, schema)
        yield pool
    finally:
        await pool.close()


async def _dossier_rows(ns: Namespace, database: str, apply: Callable[[Any], Awaitable[None]]) -> list[dict[str, Any]]:
    """The dossiers read model of a database of its own after `apply(conn)` in one transaction."""
    from services.reporting import dossiers

    async with _database(ns, database, dossiers.SCHEMA) as pool:
        async with pool.acquire() as conn, conn.transaction():
            await apply(conn)
        return [dict(r) for r in await pool.fetch("SELECT * FROM report_dossiers ORDER BY dossier_id")]


async def test_the_dossiers_a_run_opens_are_inserted_as_their_events_upserted_one_by_one(ns: Namespace) -> None:
    from zoneinfo import ZoneInfo

    from services.reporting import dossiers
    from tests.integration.test_reporting_dossiers import province_story

    _, story = province_story()
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    view = dossiers.DossierProjection(zone)

    async def in_runs(conn: Any, runs: list[list[Any]]) -> None:
        for run in runs:
            await view.apply_many(conn, run)

    async def each_upserted(conn: Any, runs: list[list[Any]]) -> None:  # as before any row was inserted whole
        for event in (event for run in runs for event in run):
            assert isinstance(event, DossierEvent)
            await dossiers._upsert_rounds(conn, [dossiers._change(event, zone)])

    # each dossier's events in one run (opened in it: folded into one row); later ones first (none
    # opened: upserted); and the story in two halves, the second on rows the first made
    half = len(story) // 2
    for name, runs in {"story": [story], "reversed": [story[::-1]], "halves": [story[:half], story[half:]]}.items():
        folded = await _dossier_rows(ns, f"{name}_run", functools.partial(in_runs, runs=runs))
        upserted = await _dossier_rows(ns, f"{name}_each", functools.partial(each_upserted, runs=runs))
        assert folded == upserted, name
        assert sum(r["late"] for r in folded) == 1
