"""The tasks read model: tasks per quarter, unit and status, from the plan service's events.

Each handler runs inside the consumer's transaction, beside the `processed_events` row of
the event, and only moves a task forward (`version` guard), so a replay changes nothing.
"""

from __future__ import annotations

import json

import asyncpg

from contracts import IntegrationEvent
from contracts.plan import PlanIssued, TaskAssigned, TaskCompleted, TaskOverdue, TaskReassigned, UnitRef
from servicekit.consumer import Handler

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
    await conn.executemany(
        "INSERT INTO report_task_units VALUES ($1, $2, $3, $4, $5)",
        [(task_id, u.code, u.name, "lead", i) for i, u in enumerate(lead)]
        + [(task_id, u.code, u.name, "coordinating", i) for i, u in enumerate(coordinating)],
    )


HANDLERS: dict[type[IntegrationEvent], Handler] = {
    PlanIssued: plan_issued,
    TaskAssigned: task_assigned,
    TaskReassigned: task_reassigned,
    TaskCompleted: task_completed,
    TaskOverdue: task_overdue,
}
