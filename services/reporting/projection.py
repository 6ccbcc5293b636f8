"""The tasks read model: tasks per quarter, unit and status, from the plan service's events.

Each handler runs inside the consumer's transaction, beside the `processed_events` row of
the event, and only moves a task forward (`version` guard), so a replay changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from contracts import IntegrationEvent
from contracts.plan import PlanIssued, TaskAssigned, TaskCompleted, TaskOverdue, TaskReassigned, UnitRef
from servicekit.consumer import BatchHandler, Handler

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_plans (
    plan_id uuid PRIMARY KEY, number text NOT NULL, year int NOT NULL, title text NOT NULL,
    issuer text NOT NULL, issued_on date, quarters jsonb NOT NULL, warnings jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS report_tasks (
    task_id uuid PRIMARY KEY, plan_id uuid NOT NULL, plan_number text NOT NULL, year int NOT NULL,
    quarter smallint NOT NULL, number int NOT NULL, title text NOT NULL, due_date date NOT NULL,
    status text NOT NULL, version int NOT NULL, document_ref text, completed_on date,
    late boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS report_tasks_quarter ON report_tasks (year, quarter, number);
CREATE TABLE IF NOT EXISTS report_task_units (
    task_id uuid NOT NULL REFERENCES report_tasks ON DELETE CASCADE, unit_code text NOT NULL,
    unit_name text NOT NULL, role text NOT NULL, position smallint NOT NULL,
    PRIMARY KEY (task_id, unit_code));
CREATE INDEX IF NOT EXISTS report_task_units_unit ON report_task_units (unit_code);
"""


async def clear(conn: asyncpg.Connection) -> None:
    await conn.execute("TRUNCATE report_task_units, report_tasks, report_plans")


async def plan_issued(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, PlanIssued)
    await conn.execute(
        "INSERT INTO report_plans VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (plan_id) DO NOTHING",
        e.plan_id, e.number, e.year, e.title, e.issuer, e.issued_on,
        json.dumps([q.model_dump() for q in e.quarters]), json.dumps(e.warnings),
    )


async def task_assigned(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, TaskAssigned)
    inserted = await conn.fetchval(
        "INSERT INTO report_tasks (task_id, plan_id, plan_number, year, quarter, number, title, due_date, "
        "status, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'assigned', $9, $10) "
        "ON CONFLICT (task_id) DO NOTHING RETURNING true",
        e.task_id, e.plan_id, e.plan_number, e.year, e.quarter, e.number, e.title, e.due_date,
        e.task_version, e.occurred_at,
    )
    if inserted:  # a new row has no unit rows yet (foreign key): insert them, nothing to delete
        await _insert_units(conn, e.task_id, e.lead_units, e.coordinating_units)


async def tasks_assigned(conn: asyncpg.Connection, events: Sequence[IntegrationEvent]) -> None:
    """`task_assigned` for a run of events, in two statements: the tasks no row has yet get theirs
    and their unit rows (of a task assigned twice in the run, the first event wins, as one by one)."""
    assigned = [e for e in events if isinstance(e, TaskAssigned)]
    assert len(assigned) == len(events)
    inserted = {row["task_id"] for row in await conn.fetch(
        "INSERT INTO report_tasks (task_id, plan_id, plan_number, year, quarter, number, title, due_date, "
        "status, version, updated_at) SELECT t.task_id, t.plan_id, t.plan_number, t.year, t.quarter, t.number, "
        "t.title, t.due_date, 'assigned', t.version, t.updated_at FROM unnest($1::uuid[], $2::uuid[], $3::text[], "
        "$4::int[], $5::smallint[], $6::int[], $7::text[], $8::date[], $9::int[], $10::timestamptz[]) WITH ORDINALITY "
        "AS t(task_id, plan_id, plan_number, year, quarter, number, title, due_date, version, updated_at, n) "
        "ORDER BY t.n ON CONFLICT (task_id) DO NOTHING RETURNING task_id",
        [e.task_id for e in assigned], [e.plan_id for e in assigned], [e.plan_number for e in assigned],
        [e.year for e in assigned], [e.quarter for e in assigned], [e.number for e in assigned],
        [e.title for e in assigned], [e.due_date for e in assigned], [e.task_version for e in assigned],
        [e.occurred_at for e in assigned],
    )}
    units: list[tuple[object, str, str, str, int]] = []
    for e in assigned:
        if e.task_id in inserted:
            inserted.discard(e.task_id)
            units += _unit_rows(e.task_id, e.lead_units, e.coordinating_units)
    if units:
        await conn.execute(
            "INSERT INTO report_task_units SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], "
            "$5::smallint[])", *(list(column) for column in zip(*units, strict=True)))


async def task_reassigned(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, TaskReassigned)
    moved = await conn.fetchval(
        "UPDATE report_tasks SET due_date = $2, version = $3, updated_at = $4, "
        "status = CASE WHEN status = 'overdue' AND $2 > due_date THEN 'assigned' ELSE status END "
        "WHERE task_id = $1 AND version < $3 RETURNING true",
        e.task_id, e.due_date, e.task_version, e.occurred_at,
    )
    if moved:
        await _set_units(conn, e.task_id, e.lead_units, e.coordinating_units)


async def task_completed(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, TaskCompleted)
    await conn.execute(
        "UPDATE report_tasks SET status = 'completed', document_ref = $2, completed_on = $3, late = $4, "
        "version = $5, updated_at = $6 WHERE task_id = $1 AND version < $5",
        e.task_id, e.document_ref, e.completed_on, e.late, e.task_version, e.occurred_at,
    )


async def task_overdue(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, TaskOverdue)
    await conn.execute(
        "UPDATE report_tasks SET status = 'overdue', version = $2, updated_at = $3 "
        "WHERE task_id = $1 AND version < $2",
        e.task_id, e.task_version, e.occurred_at,
    )


async def _set_units(conn: asyncpg.Connection, task_id: object, lead: list[UnitRef],
                     coordinating: list[UnitRef]) -> None:
    await conn.execute("DELETE FROM report_task_units WHERE task_id = $1", task_id)
    await _insert_units(conn, task_id, lead, coordinating)


async def _insert_units(conn: asyncpg.Connection, task_id: object, lead: list[UnitRef],
                        coordinating: list[UnitRef]) -> None:
    await conn.executemany("INSERT INTO report_task_units VALUES ($1, $2, $3, $4, $5)",
                           _unit_rows(task_id, lead, coordinating))


def _unit_rows(task_id: object, lead: list[UnitRef],
               coordinating: list[UnitRef]) -> list[tuple[object, str, str, str, int]]:
    return ([(task_id, u.code, u.name, "lead", i) for i, u in enumerate(lead)]
            + [(task_id, u.code, u.name, "coordinating", i) for i, u in enumerate(coordinating)])


HANDLERS: dict[type[IntegrationEvent], Handler] = {
    PlanIssued: plan_issued,
    TaskAssigned: task_assigned,
    TaskReassigned: task_reassigned,
    TaskCompleted: task_completed,
    TaskOverdue: task_overdue,
}

BATCH_HANDLERS: dict[type[IntegrationEvent], BatchHandler] = {TaskAssigned: tasks_assigned}
