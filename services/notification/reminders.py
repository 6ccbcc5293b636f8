"""Reminders before deadlines: a row per (task or movement, kind, days before, due date),
scheduled in the consumer's transaction and fired once. A task's lead and coordinating units are
reminded before its due date; the units in a movement's scope that have not registered yet,
before its registration deadline (found when the reminder fires); a dossier's unit, before the
day its current step must be done by (`step_due_on` of the nomination events of version 2), the
reminders of a step cancelled by any later event of the dossier (of either version).

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
from contracts import nomination as c
from contracts import plan as p
from contracts import plan_movements as m
from services.notification import audience, dossier_texts, inbox, movement_texts, task_texts
from services.notification.intake import Part
from services.notification.texts import Message

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
CREATE INDEX IF NOT EXISTS reminders_dossier_step ON reminders ((payload->>'dossier_id'))
    WHERE kind = 'dossier_step_due' AND status = 'scheduled';
"""
PLAN = [
    "moved AS (UPDATE reminders SET status = 'cancelled' WHERE target_id = {0} AND status = 'scheduled' "
    "AND due_on <> {1})",
    "planned AS (INSERT INTO reminders (id, target_id, kind, days_before, due_on, fire_at, payload) "
    "SELECT r.id, {0}, {6}, r.days, {1}, r.at, {2}::jsonb "
    "FROM unnest({3}::uuid[], {4}::int[], {5}::timestamptz[]) AS r(id, days, at) "
    "ON CONFLICT (target_id, kind, days_before, due_on) DO UPDATE SET payload = EXCLUDED.payload "
    "WHERE reminders.status = 'scheduled' RETURNING id)",
]
# A dossier's later event ends the step the reminders of its earlier versions were for
# (placeholders: the dossier, its version).
STEP_ENDED = ("stepped AS (UPDATE reminders SET status = 'cancelled' WHERE kind = 'dossier_step_due' "
              "AND status = 'scheduled' AND payload->>'dossier_id' = {%d}::text "
              "AND (payload->>'dossier_version')::int < {%d})")
DUE = """
SELECT id, kind, days_before, due_on, payload FROM reminders WHERE status = 'scheduled' AND fire_at <= $1
ORDER BY fire_at LIMIT 100 FOR UPDATE SKIP LOCKED
"""
Written = Callable[[asyncpg.Connection, list[int]], Awaitable[None]]
TASK = "task_due_soon"
MOVEMENT = "movement_registration_closing"
DOSSIER = "dossier_step_due"


def fire_at(due: date, days: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(due - timedelta(days=days), REMIND_AT, tzinfo=zone)


def schedule(event: IntegrationEvent, zone: ZoneInfo, *, task_days: list[int],
             movement_days: list[int], dossier_days: list[int]) -> Part | None:
    """Plan the reminders of a task when it is assigned or reassigned, of a movement's
    registration when it opens or is extended (those of an earlier date are dropped); drop them
    all when the task is done or the registration closes. A dossier's event drops the reminders
    of its earlier steps and plans those of the step it starts, when it says by when."""
    if isinstance(event, c.NominationNoticeCommented):
        return None  # a comment during the notice leaves the dossier in its step
    if isinstance(event, c.DossierEvent):
        return _dossier(event, zone, dossier_days)
    if isinstance(event, p.TaskAssigned | p.TaskReassigned):
        return _plan(event, event.task_id, TASK, event.due_date, task_days, zone)
    if isinstance(event, m.MovementRegistrationOpened):
        return _plan(event, event.movement_id, MOVEMENT, event.deadline, movement_days, zone)
    if isinstance(event, p.TaskCompleted | p.TaskOverdue):
        return Part(PLAN[:1], "0", [event.task_id, date.min])
    if isinstance(event, m.MovementRegistrationClosed | m.MovementConcluded):
        return Part(PLAN[:1], "0", [event.movement_id, date.min])
    return None


def _dossier(event: c.DossierEvent, zone: ZoneInfo, days: list[int]) -> Part:
    ended = [str(event.dossier_id), event.dossier_version]
    due = getattr(event, "step_due_on", None)
    if due is None:
        return Part([STEP_ENDED % (0, 1)], "0", ended)
    step = uuid5(event.dossier_id, f"step/{event.dossier_version}")
    planned = _plan(event, step, DOSSIER, due, days, zone)
    return Part([*planned.ctes, STEP_ENDED % (7, 8)], planned.result, [*planned.args, *ended])


def _plan(event: IntegrationEvent, target: UUID, kind: str, due: date, days: list[int], zone: ZoneInfo) -> Part:
    ahead = [(before, fire_at(due, before, zone)) for before in days]
    ahead = [(before, at) for before, at in ahead if at > event.occurred_at]
    return Part(PLAN, "(SELECT count(*) FROM planned)", [
        target, due, event.model_dump_json(), [reminder_id(target, b, due, kind) for b, _ in ahead],
        [before for before, _ in ahead], [at for _, at in ahead], kind])


async def fire_due(pool: asyncpg.Pool, now: datetime, written: Written) -> int:
    """Send every reminder due by `now`; how many were sent."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(DUE, now)
        for row in rows:
            messages = await _messages(conn, row)
            ids = await inbox.write(conn, row["id"], now, messages)
            await written(conn, ids)
            await conn.execute("UPDATE reminders SET status = 'sent', sent_at = $2 WHERE id = $1", row["id"], now)
    return len(rows)


async def _messages(conn: asyncpg.Connection, row: asyncpg.Record) -> list[Message]:
    body = json.loads(row["payload"])
    if row["kind"] == DOSSIER:  # what every dossier event says is enough (whichever event planned it)
        return dossier_texts.step_due_soon(c.DossierEvent.model_validate(body), row["due_on"], row["days_before"])
    if row["kind"] == MOVEMENT:
        opened = m.MovementRegistrationOpened.model_validate(body)
        return movement_texts.closing(opened, await audience.of_movement(conn, opened), row["days_before"])
    task = p.TaskReassigned.model_validate(_reassigned(body))
    return task_texts.due_soon(task, row["due_on"], row["days_before"])


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


def reminder_id(target: UUID, days: int, due: date, kind: str = TASK) -> UUID:
    return uuid5(NAMESPACE_URL, f"/reminders/{kind}/{target}/{days}/{due}")
