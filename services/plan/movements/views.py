"""Lists of movements and their registrations: tables of the plan service's view, and how each
movement event changes them (mixed into `services.plan.views.PlanView`)."""

from __future__ import annotations

from datetime import date
from functools import singledispatch
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from psycopg.types.json import Jsonb

from servicekit.views import TableView
from services.plan.movements.domainmodel import Movement

TABLES = (
    """CREATE TABLE IF NOT EXISTS movement_index (
        movement_id uuid PRIMARY KEY, name text NOT NULL, kind text NOT NULL, scope text NOT NULL,
        scope_ref text, launcher_level text NOT NULL, starts_on date NOT NULL, ends_on date NOT NULL,
        status text NOT NULL, decision_number text, launched_on date, deadline date,
        registration_open boolean NOT NULL DEFAULT false, registered int NOT NULL DEFAULT 0,
        reviews int NOT NULL DEFAULT 0, concluded_on date, proposed_awards int NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS movement_registration (
        movement_id uuid NOT NULL, unit_code text NOT NULL, unit_name text NOT NULL, targets jsonb NOT NULL,
        registered_on date NOT NULL, PRIMARY KEY (movement_id, unit_code))""",
    "CREATE INDEX IF NOT EXISTS movement_index_due ON movement_index (registration_open, deadline)",
)


class MovementQueries(TableView):
    def movements(self, *, year: int | None = None, kind: str | None = None, status: str | None = None,
                  limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        where = ["(%(year)s::int IS NULL OR %(year)s BETWEEN extract(year FROM starts_on) "
                 "AND extract(year FROM ends_on))", "(%(kind)s::text IS NULL OR kind = %(kind)s)",
                 "(%(status)s::text IS NULL OR status = %(status)s)"]
        return self.query(f"SELECT * FROM movement_index WHERE {' AND '.join(where)} ORDER BY starts_on, name "
                          "LIMIT %(limit)s OFFSET %(offset)s",
                          {"year": year, "kind": kind, "status": status, "limit": limit, "offset": offset})

    def registrations(self, movement_id: UUID) -> list[dict[str, Any]]:
        return self.query("SELECT unit_code, unit_name, targets, registered_on FROM movement_registration "
                          "WHERE movement_id = %(id)s ORDER BY unit_code", {"id": movement_id})

    def registrations_past_deadline(self, today: date) -> list[UUID]:
        rows = self.query("SELECT movement_id FROM movement_index WHERE registration_open AND deadline < %(today)s",
                          {"today": today})
        return [row["movement_id"] for row in rows]


@singledispatch
def project(event: Any, view: TableView, tracking: Tracking) -> bool:
    """Apply a movement event to the tables; False for events of other aggregates."""
    return False


def _update(view: TableView, tracking: Tracking, e: Movement.Event, assignments: str, **params: Any) -> bool:
    view.write(tracking, f"UPDATE movement_index SET {assignments} WHERE movement_id = %(id)s",
               {"id": e.originator_id, **params})
    return True


@project.register
def _(e: Movement.Drafted, view: TableView, tracking: Tracking) -> bool:
    view.write(tracking, "INSERT INTO movement_index (movement_id, name, kind, scope, scope_ref, launcher_level, "
               "starts_on, ends_on, status) VALUES (%(id)s, %(name)s, %(kind)s, %(scope)s, %(scope_ref)s, "
               "%(level)s, %(starts_on)s, %(ends_on)s, 'drafted') ON CONFLICT DO NOTHING",
               {"id": e.originator_id, "name": e.name, "kind": str(e.kind), "scope": str(e.scope),
                "scope_ref": e.scope_ref, "level": e.launcher_level, "starts_on": e.starts_on,
                "ends_on": e.ends_on})
    return True


@project.register
def _(e: Movement.Launched, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "status = 'launched', decision_number = %(number)s, launched_on = %(on)s",
                   number=e.decision["number"], on=e.launched_on)


@project.register
def _(e: Movement.RegistrationOpened, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "deadline = %(deadline)s, registration_open = true", deadline=e.deadline)


@project.register
def _(e: Movement.UnitRegistered, view: TableView, tracking: Tracking) -> bool:
    view.write(tracking, "WITH registered AS (INSERT INTO movement_registration VALUES (%(id)s, %(code)s, %(name)s, "
               "%(targets)s, %(on)s) ON CONFLICT (movement_id, unit_code) DO UPDATE SET targets = EXCLUDED.targets, "
               "registered_on = EXCLUDED.registered_on) UPDATE movement_index SET registered = registered + "
               "%(new)s WHERE movement_id = %(id)s",
               {"id": e.originator_id, "code": e.unit["code"], "name": e.unit["name"], "targets": Jsonb(e.targets),
                "on": e.registered_on, "new": 0 if e.amended else 1})
    return True


@project.register
def _(e: Movement.RegistrationClosed, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "registration_open = false")


@project.register
def _(e: Movement.Reviewed, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "status = 'reviewed', reviews = reviews + 1")


@project.register
def _(e: Movement.Concluded, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "status = 'concluded', concluded_on = %(on)s, proposed_awards = %(n)s",
                   on=e.concluded_on, n=len(e.proposed_awards))
