"""The registry's list and the public feed's source: a table of the plan service's view, and how
each exemplary model event changes it (mixed into `services.plan.views.PlanView`). The table
holds nothing private: no contact, no finder."""

from __future__ import annotations

from functools import singledispatch
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from psycopg.types.json import Jsonb

from servicekit.views import TableView
from services.plan.exemplary.domainmodel import ExemplaryModel

TABLES = (
    """CREATE TABLE IF NOT EXISTS exemplary_index (
        model_id uuid PRIMARY KEY, name text NOT NULL, subject_kind text NOT NULL, unit_code text NOT NULL,
        unit_name text NOT NULL, field text NOT NULL, movement_id uuid, movement_name text, stage text NOT NULL,
        found_on date NOT NULL, coverage jsonb NOT NULL DEFAULT '[]', public_summary text,
        published_at timestamptz, updated_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS exemplary_index_public ON exemplary_index (updated_at DESC) "
    "WHERE public_summary IS NOT NULL",
)


class ExemplaryQueries(TableView):
    def exemplary_models(self, *, stage: str | None = None, field: str | None = None, unit: str | None = None,
                         limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM exemplary_index WHERE (%(stage)s::text IS NULL OR stage = %(stage)s) AND "
                          "(%(field)s::text IS NULL OR field = %(field)s) AND "
                          "(%(unit)s::text IS NULL OR unit_code = %(unit)s) ORDER BY found_on DESC, name "
                          "LIMIT %(limit)s OFFSET %(offset)s",
                          {"stage": stage, "field": field, "unit": unit, "limit": limit, "offset": offset})

    def public_model(self, model_id: UUID) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM exemplary_index WHERE model_id = %(id)s AND public_summary IS NOT NULL",
                          {"id": model_id})

    def public_models(self, limit: int) -> list[dict[str, Any]]:
        """The published models, most recently changed first."""
        return self.query("SELECT * FROM exemplary_index WHERE public_summary IS NOT NULL "
                          "ORDER BY updated_at DESC, model_id LIMIT %(limit)s", {"limit": limit})


@singledispatch
def project(event: Any, view: TableView, tracking: Tracking) -> bool:
    """Apply an exemplary model event to the table; False for events of other aggregates."""
    return False


def _update(view: TableView, tracking: Tracking, e: ExemplaryModel.Step, assignments: str, **params: Any) -> bool:
    view.write(tracking, f"UPDATE exemplary_index SET {assignments}, updated_at = %(at)s WHERE model_id = %(id)s",
               {"id": e.originator_id, "at": e.at, **params})
    return True


@project.register
def _(e: ExemplaryModel.Recognised, view: TableView, tracking: Tracking) -> bool:
    movement = e.movement or {}
    view.write(tracking, "INSERT INTO exemplary_index (model_id, name, subject_kind, unit_code, unit_name, field, "
               "movement_id, movement_name, stage, found_on, updated_at) VALUES (%(id)s, %(name)s, %(kind)s, "
               "%(unit_code)s, %(unit_name)s, %(field)s, %(movement_id)s, %(movement_name)s, 'phat_hien', "
               "%(found_on)s, %(at)s) ON CONFLICT DO NOTHING",
               {"id": e.originator_id, "name": e.name, "kind": e.subject_kind, "unit_code": e.unit["code"],
                "unit_name": e.unit["name"], "field": e.field, "movement_id": movement.get("movement_id"),
                "movement_name": movement.get("name"), "found_on": e.found_on, "at": e.recognised_at})
    return True


@project.register
def _(e: ExemplaryModel.Advanced, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "stage = %(stage)s", stage=str(e.stage))


@project.register
def _(e: ExemplaryModel.Covered, view: TableView, tracking: Tracking) -> bool:
    item = {"outlet": e.outlet, "title": e.title, "url": e.url, "published_on": e.published_on.isoformat()}
    return _update(view, tracking, e, "coverage = coverage || %(item)s", item=Jsonb([item]))


@project.register
def _(e: ExemplaryModel.Published, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "public_summary = %(summary)s, published_at = coalesce(published_at, %(at)s)",
                   summary=e.public_summary)


@project.register
def _(e: ExemplaryModel.Unpublished, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "public_summary = NULL, published_at = NULL")
