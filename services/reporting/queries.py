"""Questions the reports answer, over the read model."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg

from services.reporting.filters import TaskFilter

_TASK = """
SELECT t.task_id, t.plan_id, t.plan_number, t.year, t.quarter, t.number, t.title, t.due_date, t.status,
       t.document_ref, t.completed_on, t.late,
       coalesce(jsonb_agg(jsonb_build_object('code', u.unit_code, 'name', u.unit_name) ORDER BY u.position)
                FILTER (WHERE u.role = 'lead'), '[]') AS lead_units,
       coalesce(jsonb_agg(jsonb_build_object('code', u.unit_code, 'name', u.unit_name) ORDER BY u.position)
                FILTER (WHERE u.role = 'coordinating'), '[]') AS coordinating_units
FROM report_tasks t LEFT JOIN report_task_units u USING (task_id)
WHERE {where}
GROUP BY t.task_id ORDER BY t.year, t.plan_number, t.quarter, t.number
"""


def _row(record: asyncpg.Record) -> dict[str, Any]:
    row = dict(record)
    row["lead_units"] = json.loads(row["lead_units"])
    row["coordinating_units"] = json.loads(row["coordinating_units"])
    return row


async def tasks(conn: asyncpg.Connection, flt: TaskFilter) -> list[dict[str, Any]]:
    where, args = flt.where()
    return [_row(r) for r in await conn.fetch(_TASK.format(where=where), *args)]


async def by_quarter(conn: asyncpg.Connection, year: int, plan_id: UUID | None = None) -> list[dict[str, Any]]:
    rows = await tasks(conn, TaskFilter(year=year, plan_id=plan_id))
    announced = await _announced(conn, year, plan_id)
    quarters = []
    for quarter in range(1, 5):
        listed = [r for r in rows if r["quarter"] == quarter]
        counts = {status: sum(1 for r in listed if r["status"] == status)
                  for status in ("assigned", "completed", "overdue")}
        quarters.append({"quarter": quarter, "announced": announced.get(quarter), "total": len(listed),
                         **counts, "tasks": listed})
    return quarters


async def _announced(conn: asyncpg.Connection, year: int, plan_id: UUID | None) -> dict[int, int]:
    totals: dict[int, int] = {}
    for record in await conn.fetch(
        "SELECT quarters FROM report_plans WHERE year = $1 AND ($2::uuid IS NULL OR plan_id = $2)", year, plan_id
    ):
        for quarter in json.loads(record["quarters"]):
            if quarter.get("announced") is not None:
                totals[quarter["quarter"]] = totals.get(quarter["quarter"], 0) + quarter["announced"]
    return totals


async def by_unit(conn: asyncpg.Connection, year: int) -> list[dict[str, Any]]:
    records = await conn.fetch(
        """SELECT u.unit_code AS code, min(u.unit_name) AS name,
                  count(*) FILTER (WHERE u.role = 'lead') AS lead,
                  count(*) FILTER (WHERE u.role = 'coordinating') AS coordinating,
                  count(*) FILTER (WHERE u.role = 'lead' AND t.status = 'completed') AS lead_completed,
                  count(*) FILTER (WHERE u.role = 'lead' AND t.status = 'overdue') AS lead_overdue
           FROM report_task_units u JOIN report_tasks t USING (task_id)
           WHERE t.year = $1 GROUP BY u.unit_code ORDER BY lead DESC, u.unit_code""",
        year,
    )
    return [dict(r) for r in records]


async def by_status(conn: asyncpg.Connection, year: int) -> dict[str, int]:
    records = await conn.fetch("SELECT status, count(*) AS n FROM report_tasks WHERE year = $1 GROUP BY status", year)
    return {"assigned": 0, "completed": 0, "overdue": 0, **{r["status"]: r["n"] for r in records}}
