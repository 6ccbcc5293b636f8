"""Who a movement or cluster message goes to, when the event itself does not say: the units in
a movement's scope, the members and leader of a cluster, the units registered for a movement.

The service keeps what it needs from the plan's events (every unit it has seen, each cluster's
members and leader as of its newest version, the registrations) in the consumer's transaction,
so a later event, or a reminder, finds its recipients without asking the plan service. A
province-wide or sector movement goes to every unit seen so far (the units of the plan's tasks,
of the clusters and of earlier registrations) and to every unit with a contact address.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from contracts import IntegrationEvent
from contracts import plan_clusters as c
from contracts import plan_movements as m
from contracts.plan import UnitRef
from services.notification.intake import Part
from services.notification.texts import Audience

SCHEMA = """
CREATE TABLE IF NOT EXISTS known_units (
    code text PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE IF NOT EXISTS cluster_audience (
    cluster_id uuid PRIMARY KEY,
    year integer NOT NULL,
    code text NOT NULL,
    version integer NOT NULL,
    members text[] NOT NULL,
    leader text
);
CREATE INDEX IF NOT EXISTS cluster_audience_code ON cluster_audience (year, code);
CREATE TABLE IF NOT EXISTS movement_registrations (
    movement_id uuid NOT NULL,
    unit_code text NOT NULL,
    PRIMARY KEY (movement_id, unit_code)
);
"""
UNITS = ("seen_units AS (INSERT INTO known_units (code, name) SELECT * FROM unnest({0}::text[], {1}::text[]) "
         "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name WHERE known_units.name <> EXCLUDED.name "
         "RETURNING code)")  # a unit seen again with the same name writes nothing
MEMBERS = ("seen_cluster AS (INSERT INTO cluster_audience (cluster_id, year, code, version, members, leader) "
           "VALUES ({2}, {3}, {4}, {5}, {6}::text[], {7}) ON CONFLICT (cluster_id) DO UPDATE SET "
           "version = EXCLUDED.version, members = EXCLUDED.members, "
           "leader = coalesce(EXCLUDED.leader, cluster_audience.leader) "
           "WHERE cluster_audience.version < EXCLUDED.version RETURNING cluster_id)")
LEADER = ("seen_cluster AS (UPDATE cluster_audience SET leader = {3}, version = {4} "
          "WHERE cluster_id = {2} AND version < {4} RETURNING cluster_id)")
REGISTERED = ("seen_registration AS (INSERT INTO movement_registrations (movement_id, unit_code) VALUES ({2}, {3}) "
              "ON CONFLICT DO NOTHING RETURNING unit_code)")
EVERY_UNIT = "SELECT code FROM known_units UNION SELECT unit_code FROM unit_contacts ORDER BY 1"
CLUSTER = "SELECT members, leader FROM cluster_audience WHERE year = $1 AND code = $2"
CLUSTER_BY_ID = "SELECT members, leader FROM cluster_audience WHERE cluster_id = $1"
REGISTRATIONS = "SELECT unit_code FROM movement_registrations WHERE movement_id = $1"


def record(event: IntegrationEvent) -> Part | None:
    """What the service remembers of a plan event: its units, a cluster's composition and
    leader, a unit's registration for a movement (a part of the consumer's statement)."""
    units = {unit.code: unit.name for unit in _units(event)}
    if not units:
        return None
    ctes, args = [UNITS], list[Any]([list(units), list(units.values())])
    if isinstance(event, c.ClusterFormed | c.ClusterMembershipChanged):
        leader = event.leader.code if isinstance(event, c.ClusterFormed) else None
        ctes.append(MEMBERS)
        args += [event.cluster_id, event.year, event.code, event.cluster_version,
                 [u.code for u in event.members], leader]
    elif isinstance(event, c.ClusterLeadershipChanged):
        ctes.append(LEADER)
        args += [event.cluster_id, event.leader.code, event.cluster_version]
    elif isinstance(event, m.UnitRegisteredForMovement):
        ctes.append(REGISTERED)
        args += [event.movement_id, event.unit.code]
    return Part(ctes, "(SELECT count(*) FROM seen_units)", args)


async def of(conn: asyncpg.Connection, event: IntegrationEvent) -> Audience | None:
    """The audience of an event whose recipients the service decides (None for the others)."""
    if isinstance(event, m.MovementRegistrationOpened | m.MovementRegistrationClosed | m.MovementConcluded):
        return await of_movement(conn, event)
    if isinstance(event, c.CovenantSigned | c.ClusterSelfAssessed | c.ClusterLeaderElected
                  | c.ClusterVoteInconclusive):
        row = await conn.fetchrow(CLUSTER_BY_ID, event.cluster_id)
        return Audience(list(row["members"]), row["leader"]) if row else Audience()
    return None


async def of_movement(conn: asyncpg.Connection, event: Any) -> Audience:
    """The units in a movement's scope, and those registered for it so far."""
    registered = frozenset(r["unit_code"] for r in await conn.fetch(REGISTRATIONS, event.movement_id))
    if event.scope == "don_vi":
        units = [event.scope_ref] if event.scope_ref else []
    elif event.scope == "cum_khoi":
        row = await conn.fetchrow(CLUSTER, event.starts_on.year, event.scope_ref)
        units = list(row["members"]) if row else []
    else:
        units = [r["code"] for r in await conn.fetch(EVERY_UNIT)]
    return Audience(units, registered=registered)


def _units(event: IntegrationEvent) -> list[UnitRef]:
    """The units an event names in its own fields (single or listed)."""
    found: list[UnitRef] = []
    for value in vars(event).values():
        if isinstance(value, UnitRef):
            found.append(value)
        elif isinstance(value, list):
            found += [item for item in value if isinstance(item, UnitRef)]
    return found
