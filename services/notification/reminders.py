"""Reminders before deadlines: a row per (task, kind, days before, due date), scheduled in the
consumer's transaction and fired once.

Firing claims due rows `FOR UPDATE SKIP LOCKED` and writes the units' messages and marks the
row sent in one transaction: a reminder fires once, across restarts and with several replicas.
The clock is the runtime's (injectable); reminders fire at `REMIND_AT` in the province's time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

import asyncpg

from contracts import IntegrationEvent
from contracts import plan as p
from services.notification import inbox, task_texts
from services.notification.intake import Part

log = logging.getLogger(__name__)
REMIND_AT = time(8, 0)
SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id uuid PRIMARY KEY,
    target_id uuid NOT NULL,
    kind text NOT NULL,
    days_before integer NOT NULL,
    due_on date NOT NULL,
    fire_at timestamptz NOT NULL,
    payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sent', 'cancelled')),
    sent_at timestamptz,
    UNIQUE (target_id, kind, days_before, due_on)
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (fire_at) WHERE status = 'scheduled';
"""
PLAN = [
    "moved AS (UPDATE reminders SET status = 'cancelled' WHERE target_id = {0} AND status = 'scheduled' "
    "AND due_on <> {1})",
    "planned AS (INSERT INTO reminders (id, target_id, kind, days_before, due_on, fire_at, payload) "
    "SELECT r.id, {0}, 'task_due_soon', r.days, {1}, r.at, {2}::jsonb "
    "FROM unnest({3}::uuid[], {4}::int[], {5}::timestamptz[]) AS r(id, days, at) "
    "ON CONFLICT (target_id, kind, days_before, due_on) DO UPDATE SET payload = EXCLUDED.payload "
    "WHERE reminders.status = 'scheduled' RETURNING id)",
]
DUE = """
SELECT id, days_before, due_on, payload FROM reminders WHERE status = 'scheduled' AND fire_at <= $1
ORDER BY fire_at LIMIT 100 FOR UPDATE SKIP LOCKED
"""
Written = Callable[[asyncpg.Connection, list[int]], Awaitable[None]]


def fire_at(due: date, days: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(due - timedelta(days=days), REMIND_AT, tzinfo=zone)


def schedule(event: IntegrationEvent, days: list[int], zone: ZoneInfo) -> Part | None:
    """Plan the reminders of a task when it is assigned or reassigned (those of an earlier due
    date are dropped); drop them all when it is done."""
    if isinstance(event, p.TaskAssigned | p.TaskReassigned):
        due = event.due_date
        ahead = [(before, fire_at(due, before, zone)) for before in days]
        ahead = [(before, at) for before, at in ahead if at > event.occurred_at]
        return Part(PLAN, "(SELECT count(*) FROM planned)", [
            event.task_id, due, event.model_dump_json(), [reminder_id(event.task_id, b, due) for b, _ in ahead],
            [before for before, _ in ahead], [at for _, at in ahead]])
    if isinstance(event, p.TaskCompleted | p.TaskOverdue):
        return Part(PLAN[:1], "0", [event.task_id, date.min])
    return None


async def fire_due(pool: asyncpg.Pool, now: datetime, written: Written) -> int:
    """Send every reminder due by `now`; how many were sent."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(DUE, now)
        for row in rows:
            task = p.TaskReassigned.model_validate(_reassigned(json.loads(row["payload"])))
            messages = task_texts.due_soon(task, row["due_on"], row["days_before"])
            ids = await inbox.write(conn, row["id"], now, messages)
            await written(conn, ids)
            await conn.execute("UPDATE reminders SET status = 'sent', sent_at = $2 WHERE id = $1", row["id"], now)
    return len(rows)


def _reassigned(body: dict[str, Any]) -> dict[str, Any]:
    """Either task event, read as the reassigned one (the same fields, the rest defaulted)."""
    return {"previous_lead_units": [], "reason": "", "reassigned_by": "", **body}


async def run(pool: asyncpg.Pool, clock: Callable[[], datetime], interval_s: float, written: Written,
              stop: asyncio.Event) -> None:
    """Fire reminders every `interval_s` until `stop`."""
    while not stop.is_set():
        try:
            while await fire_due(pool, clock(), written):
                pass
        except Exception as error:
            log.warning("reminders: %s", error)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)


def reminder_id(target: UUID, days: int, due: date) -> UUID:
    return uuid5(NAMESPACE_URL, f"/reminders/task_due_soon/{target}/{days}/{due}")
