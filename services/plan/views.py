"""The plan service's query side: a materialised view of tasks and plans, movements, clusters and
exemplary models, kept by one eventsourcing Projection, each event applied with its tracking
record in one transaction. Each sub-domain brings its tables, queries and `project` function
(`<sub-domain>/views.py`)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from psycopg.types.json import Jsonb

from services.plan.clusters import views as clusters
from services.plan.domainmodel import Plan, Task, TaskStatus
from services.plan.exemplary import views as exemplary
from services.plan.movements import views as movements

SUB_DOMAINS = (movements, clusters, exemplary)

TABLES = [
    """CREATE TABLE IF NOT EXISTS plan_index (
        plan_id uuid PRIMARY KEY, number text NOT NULL, year int NOT NULL, title text NOT NULL,
        issuer text NOT NULL, issued_on date, task_count int NOT NULL DEFAULT 0,
        warnings jsonb NOT NULL DEFAULT '[]')""",
    """CREATE TABLE IF NOT EXISTS task_index (
        task_id uuid PRIMARY KEY, plan_id uuid NOT NULL, plan_number text NOT NULL, year int NOT NULL,
        quarter smallint NOT NULL, number int NOT NULL, title text NOT NULL,
        lead_units jsonb NOT NULL, coordinating_units jsonb NOT NULL,
        lead_codes text[] NOT NULL, coordinating_codes text[] NOT NULL,
        due_date date NOT NULL, status text NOT NULL, version int NOT NULL,
        document_ref text, completed_on date)""",
    "CREATE INDEX IF NOT EXISTS task_index_plan ON task_index (plan_id, quarter, number)",
    "CREATE INDEX IF NOT EXISTS task_index_due ON task_index (status, due_date)",
    "CREATE INDEX IF NOT EXISTS task_index_lead ON task_index USING gin (lead_codes)",
    "CREATE INDEX IF NOT EXISTS task_index_coordinating ON task_index USING gin (coordinating_codes)",
]

_COLUMNS = ("task_id, plan_id, plan_number, year, quarter, number, title, lead_units, "
            "coordinating_units, due_date, status, version, document_ref, completed_on")


class PlanView(movements.MovementQueries, clusters.ClusterQueries, exemplary.ExemplaryQueries):
    """The tables of plans, tasks and the sub-domains beside the tracking table of the projection."""

    tables = tuple(TABLES) + tuple(table for sub in SUB_DOMAINS for table in sub.TABLES)

    def tasks(self, *, plan_id: UUID | None = None, year: int | None = None, quarter: int | None = None,
              unit: str | None = None, role: str | None = None, status: str | None = None,
              due_before: date | None = None, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        where: list[str] = ["true"]
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        for column, value in (("plan_id", plan_id), ("year", year), ("quarter", quarter), ("status", status)):
            if value is not None:
                where.append(f"{column} = %({column})s")
                params[column] = value
        if due_before is not None:
            where.append("due_date < %(due_before)s")
            params["due_before"] = due_before
        if unit is not None:
            params["unit"] = [unit]
            columns = {"lead": ["lead_codes"], "coordinating": ["coordinating_codes"]}.get(
                role or "", ["lead_codes", "coordinating_codes"])
            where.append("(" + " OR ".join(f"{c} @> %(unit)s" for c in columns) + ")")
        sql = (f"SELECT {_COLUMNS} FROM task_index WHERE {' AND '.join(where)} "
               "ORDER BY year, quarter, number, plan_number LIMIT %(limit)s OFFSET %(offset)s")
        return self.query(sql, params)

    def plans(self, year: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM plan_index" + (" WHERE year = %(year)s" if year else "") + " ORDER BY year, number"
        return self.query(sql, {"year": year})


class PlanProjection(Projection[PlanView]):
    name = "planview"
    topics = ()

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """A sub-domain's event goes to its `project`; events no table shows are only tracked."""
        if not any(sub.project(domain_event, self.view, tracking) for sub in SUB_DOMAINS):
            self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, e: Plan.Issued, tracking: Tracking) -> None:
        self.view.write(tracking, "INSERT INTO plan_index (plan_id, number, year, title, issuer, issued_on, warnings) "
                        "VALUES (%(id)s, %(number)s, %(year)s, %(title)s, %(issuer)s, %(issued_on)s, %(warnings)s) "
                        "ON CONFLICT (plan_id) DO NOTHING",
                        {"id": e.originator_id, "number": e.number, "year": e.year, "title": e.title,
                         "issuer": e.issuer, "issued_on": e.issued_on, "warnings": Jsonb(e.warnings)})

    @process_event.register
    def _(self, e: Plan.TaskAdded, tracking: Tracking) -> None:
        self.view.write(tracking, "UPDATE plan_index SET task_count = task_count + 1 WHERE plan_id = %(id)s",
                        {"id": e.originator_id})

    @process_event.register
    def _(self, e: Task.Assigned, tracking: Tracking) -> None:
        self.view.write(
            tracking,
            f"INSERT INTO task_index ({_COLUMNS}, lead_codes, coordinating_codes) VALUES (%(id)s, %(plan_id)s, "
            "%(plan_number)s, %(year)s, %(quarter)s, %(number)s, %(title)s, %(lead)s, %(coord)s, %(due)s, "
            "%(status)s, %(version)s, NULL, NULL, %(lead_codes)s, %(coord_codes)s) ON CONFLICT DO NOTHING",
            {"id": e.originator_id, "plan_id": e.plan_id, "plan_number": e.plan_number, "year": e.year,
             "quarter": e.quarter, "number": e.number, "title": e.title, "lead": Jsonb(e.lead_units),
             "coord": Jsonb(e.coordinating_units), "due": e.due_date, "status": TaskStatus.ASSIGNED.value,
             "version": e.originator_version, "lead_codes": _codes(e.lead_units),
             "coord_codes": _codes(e.coordinating_units)},
        )

    @process_event.register
    def _(self, e: Task.Reassigned, tracking: Tracking) -> None:
        self.view.write(
            tracking,
            "UPDATE task_index SET lead_units = %(lead)s, coordinating_units = %(coord)s, "
            "lead_codes = %(lead_codes)s, coordinating_codes = %(coord_codes)s, due_date = %(due)s, "
            "status = CASE WHEN status = 'overdue' AND %(due)s > due_date THEN 'assigned' ELSE status END, "
            "version = %(version)s WHERE task_id = %(id)s",
            {"id": e.originator_id, "lead": Jsonb(e.lead_units), "coord": Jsonb(e.coordinating_units),
             "lead_codes": _codes(e.lead_units), "coord_codes": _codes(e.coordinating_units),
             "due": e.due_date, "version": e.originator_version},
        )

    @process_event.register
    def _(self, e: Task.Completed, tracking: Tracking) -> None:
        self.view.write(tracking, "UPDATE task_index SET status = 'completed', document_ref = %(ref)s, "
                        "completed_on = %(on)s, version = %(version)s WHERE task_id = %(id)s",
                        {"id": e.originator_id, "ref": e.document_ref, "on": e.completed_on,
                         "version": e.originator_version})

    @process_event.register
    def _(self, e: Task.BecameOverdue, tracking: Tracking) -> None:
        self.view.write(tracking, "UPDATE task_index SET status = 'overdue', version = %(version)s "
                        "WHERE task_id = %(id)s", {"id": e.originator_id, "version": e.originator_version})


def _codes(units: list[dict[str, str]]) -> list[str]:
    return [u["code"] for u in units]
