"""Read models of the plan's wider domain the reports count: movements (form 0601) and the
members of each cluster or block per year (awards per cụm/khối).

Every movement event carries the movement's kind, scope, launcher and period, and every cluster
event the cluster's name, kind and year, so each one upserts its row; `version` guards keep a
replay or an older event from moving anything back.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from contracts import IntegrationEvent
from contracts import plan_clusters as cl
from contracts import plan_movements as mv
from servicekit.consumer import Handler

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_movements (
    movement_id uuid PRIMARY KEY, version int NOT NULL, name text NOT NULL, kind text NOT NULL,
    scope text NOT NULL, scope_ref text, launcher_level text NOT NULL, starts_on date NOT NULL,
    ends_on date NOT NULL, launched_on date, decision_number text, concluded_on date,
    updated_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS report_movements_launched ON report_movements (launched_on);
CREATE TABLE IF NOT EXISTS report_clusters (
    cluster_id uuid PRIMARY KEY, version int NOT NULL, code text NOT NULL, name text NOT NULL,
    kind text NOT NULL, year int NOT NULL);
CREATE TABLE IF NOT EXISTS report_cluster_members (
    cluster_id uuid NOT NULL REFERENCES report_clusters ON DELETE CASCADE, year int NOT NULL,
    unit_code text NOT NULL, unit_name text NOT NULL, PRIMARY KEY (cluster_id, unit_code));
CREATE INDEX IF NOT EXISTS report_cluster_members_unit ON report_cluster_members (year, unit_code);
"""

_MOVEMENT = """
INSERT INTO report_movements (movement_id, version, name, kind, scope, scope_ref, launcher_level, starts_on,
                              ends_on, launched_on, decision_number, concluded_on, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (movement_id) DO UPDATE SET
    version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind, scope = EXCLUDED.scope,
    scope_ref = EXCLUDED.scope_ref, launcher_level = EXCLUDED.launcher_level, starts_on = EXCLUDED.starts_on,
    ends_on = EXCLUDED.ends_on, updated_at = EXCLUDED.updated_at,
    launched_on = coalesce(EXCLUDED.launched_on, report_movements.launched_on),
    decision_number = coalesce(EXCLUDED.decision_number, report_movements.decision_number),
    concluded_on = coalesce(EXCLUDED.concluded_on, report_movements.concluded_on)
WHERE report_movements.version < EXCLUDED.version
"""


async def clear(conn: asyncpg.Connection) -> None:
    await conn.execute("TRUNCATE report_cluster_members, report_clusters, report_movements")


async def movement(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, mv._MovementEvent)
    launched = e if isinstance(e, mv.MovementLaunched) else None
    concluded = e.concluded_on if isinstance(e, mv.MovementConcluded) else None
    await conn.execute(
        _MOVEMENT, e.movement_id, e.movement_version, e.name, e.kind, e.scope, e.scope_ref, e.launcher_level,
        e.starts_on, e.ends_on, launched.launched_on if launched else None,
        launched.decision.number if launched else None, concluded, e.occurred_at)


async def cluster(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
    assert isinstance(e, cl._ClusterEvent)
    moved = await conn.fetchval(
        "INSERT INTO report_clusters VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cluster_id) DO UPDATE SET "
        "version = EXCLUDED.version, code = EXCLUDED.code, name = EXCLUDED.name, kind = EXCLUDED.kind, "
        "year = EXCLUDED.year WHERE report_clusters.version < EXCLUDED.version RETURNING true",
        e.cluster_id, e.cluster_version, e.code, e.name, e.kind, e.year)
    members: list[Any] | None = getattr(e, "members", None)
    if moved and members is not None:
        await conn.execute("DELETE FROM report_cluster_members WHERE cluster_id = $1", e.cluster_id)
        await conn.executemany("INSERT INTO report_cluster_members VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               [(e.cluster_id, e.year, u.code, u.name) for u in members])


HANDLERS: dict[type[IntegrationEvent], Handler] = {
    **{cls: movement for cls in mv.EVENTS},
    **{cls: cluster for cls in cl.EVENTS},
}
