"""The list of clusters and blocks per year: a table of the plan service's view, and how each
cluster event changes it (mixed into `services.plan.views.PlanView`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import singledispatch
from typing import Any

from eventsourcing.persistence import Tracking
from psycopg.types.json import Jsonb

from servicekit.views import TableView
from services.plan.clusters.domainmodel import Cluster

TABLES = (
    """CREATE TABLE IF NOT EXISTS cluster_index (
        cluster_id uuid PRIMARY KEY, code text NOT NULL, name text NOT NULL, kind text NOT NULL, year int NOT NULL,
        inter_provincial boolean NOT NULL, leader text NOT NULL, deputy text, members jsonb NOT NULL,
        signed int NOT NULL DEFAULT 0, ranking jsonb, elected text, government_flag text, own_result jsonb)""",
    "CREATE INDEX IF NOT EXISTS cluster_index_year ON cluster_index (year, code)",
)


class ClusterQueries(TableView):
    def clusters(self, *, year: int | None = None, inter_provincial: bool | None = None) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM cluster_index WHERE (%(year)s::int IS NULL OR year = %(year)s) AND "
                          "(%(inter)s::boolean IS NULL OR inter_provincial = %(inter)s) ORDER BY year, code",
                          {"year": year, "inter": inter_provincial})


def plain(value: Any) -> Any:
    """JSON for the view: decimals as numbers, dates as ISO text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value.isoformat() if isinstance(value, date) else value


@singledispatch
def project(event: Any, view: TableView, tracking: Tracking) -> bool:
    """Apply a cluster event to the table; False for events of other aggregates."""
    return False


def _update(view: TableView, tracking: Tracking, e: Cluster.Event, assignments: str, **params: Any) -> bool:
    view.write(tracking, f"UPDATE cluster_index SET {assignments} WHERE cluster_id = %(id)s",
               {"id": e.originator_id, **params})
    return True


@project.register
def _(e: Cluster.Formed, view: TableView, tracking: Tracking) -> bool:
    view.write(tracking, "INSERT INTO cluster_index (cluster_id, code, name, kind, year, inter_provincial, leader, "
               "deputy, members) VALUES (%(id)s, %(code)s, %(name)s, %(kind)s, %(year)s, %(inter)s, %(leader)s, "
               "%(deputy)s, %(members)s) ON CONFLICT DO NOTHING",
               {"id": e.originator_id, "code": e.code, "name": e.name, "kind": str(e.kind), "year": e.year,
                "inter": e.inter_provincial, "leader": e.leader, "deputy": e.deputy, "members": Jsonb(e.members)})
    return True


@project.register
def _(e: Cluster.MemberAdmitted, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "members = members || %(unit)s", unit=Jsonb([e.unit]))


@project.register
def _(e: Cluster.MemberReleased, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "members = (SELECT coalesce(jsonb_agg(m), '[]') FROM "
                   "jsonb_array_elements(members) m WHERE m->>'code' <> %(code)s)", code=e.code)


@project.register
def _(e: Cluster.LeadershipChanged, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "leader = %(leader)s, deputy = %(deputy)s", leader=e.leader, deputy=e.deputy)


@project.register
def _(e: Cluster.CovenantSigned, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "signed = signed + %(n)s", n=len(e.signatories))


@project.register
def _(e: Cluster.Scored, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "ranking = %(ranking)s", ranking=Jsonb(plain(e.results)))


@project.register
def _(e: Cluster.VoteClosed, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "elected = %(elected)s", elected=e.elected)


@project.register
def _(e: Cluster.GovernmentFlagProposed, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "government_flag = %(unit)s", unit=e.unit)


@project.register
def _(e: Cluster.OwnResultRecorded, view: TableView, tracking: Tracking) -> bool:
    return _update(view, tracking, e, "own_result = %(result)s", result=Jsonb(plain(e.result)))
