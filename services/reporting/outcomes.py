"""Read models of what the clusters and the exemplary models achieved: one row per fact the
reports count, dated by the fact's own day.

Cluster results (`report_cluster_results`): a member's self-assessment, its score in the
cluster's ranking, the leading unit the members' vote named, a vote without a winner, the
proposal for the Government's flag, and the province's own result in a cluster it belongs to.
Exemplary models (`report_exemplary_facts`): found, advanced to a stage, covered by the media,
put into or taken out of the public feed.

Each event carries its cluster's or model's name, kind, year, unit, field and movement, so a row
stands alone. A fact's key is what it is about (a member's score, a model's version), and a row
only changes for a newer version of its cluster or model: a replay, a duplicate or an older
event re-sent under a new id changes nothing. A day the event does not state is the day it
happened in the province's time zone.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from contracts import IntegrationEvent
from contracts import plan_clusters as cl
from contracts import plan_exemplary as ex
from servicekit.consumer import Handler

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_cluster_results (
    cluster_id uuid NOT NULL, fact text NOT NULL, round int NOT NULL, unit_code text NOT NULL,
    version int NOT NULL, on_date date NOT NULL, cluster_code text NOT NULL, cluster_name text NOT NULL,
    cluster_kind text NOT NULL, year int NOT NULL, inter_provincial boolean NOT NULL, unit_name text,
    total double precision, max_total double precision, rank int, ranked int, votes int, ballots int,
    award text, document_ref text, PRIMARY KEY (cluster_id, fact, round, unit_code));
CREATE INDEX IF NOT EXISTS report_cluster_results_on ON report_cluster_results (on_date, fact);
CREATE TABLE IF NOT EXISTS report_exemplary_facts (
    model_id uuid NOT NULL, version int NOT NULL, fact text NOT NULL, on_date date NOT NULL,
    name text NOT NULL, subject_kind text NOT NULL, unit_code text NOT NULL, unit_name text NOT NULL,
    field text NOT NULL, movement_id uuid, movement_name text, stage text NOT NULL, outlet text,
    title text, url text, PRIMARY KEY (model_id, version));
CREATE INDEX IF NOT EXISTS report_exemplary_facts_on ON report_exemplary_facts (on_date, fact);
"""

Row = dict[str, Any]
NO_UNIT = ""  # the key of a fact about no single unit (a vote without a winner)
# Facts about the whole cluster at once: a newer one replaces every row of its kind.
_REPLACED_WHOLE = {"scored"}


async def clear(conn: asyncpg.Connection) -> None:
    await conn.execute("TRUNCATE report_cluster_results, report_exemplary_facts")


def _day(e: IntegrationEvent, zone: ZoneInfo) -> date:
    return e.occurred_at.astimezone(zone).date()


def cluster_rows(e: IntegrationEvent, zone: ZoneInfo) -> list[Row]:
    """The rows a cluster event's result gives (none for the events that are not results)."""
    if not isinstance(e, cl._ClusterEvent):
        return []
    common = {"cluster_id": e.cluster_id, "version": e.cluster_version, "cluster_code": e.code,
              "cluster_name": e.name, "cluster_kind": e.kind, "year": e.year, "inter_provincial": e.inter_provincial,
              "round": 0, "on_date": _day(e, zone)}
    if isinstance(e, cl.ClusterSelfAssessed):
        return [{**common, "fact": "self_assessed", "unit_code": e.unit.code, "unit_name": e.unit.name,
                 "total": e.total}]
    if isinstance(e, cl.ClusterScored):
        return [{**common, "fact": "scored", "unit_code": r.unit.code, "unit_name": r.unit.name, "total": r.total,
                 "max_total": e.max_total, "rank": r.rank, "ranked": len(e.results)} for r in e.results]
    if isinstance(e, cl.ClusterLeaderElected):
        return [{**common, "fact": "leader_elected", "round": e.round, "unit_code": e.leader.code,
                 "unit_name": e.leader.name, "votes": e.votes, "ballots": e.ballots, "award": e.proposed_award}]
    if isinstance(e, cl.ClusterVoteInconclusive):
        return [{**common, "fact": "vote_inconclusive", "round": e.round, "unit_code": NO_UNIT, "unit_name": None,
                 "votes": max((t.votes for t in e.tally), default=0), "ballots": e.ballots}]
    if isinstance(e, cl.GovernmentFlagProposed):
        return [{**common, "fact": "government_flag", "unit_code": e.unit.code, "unit_name": e.unit.name,
                 "award": e.award, "document_ref": e.basis}]
    if isinstance(e, cl.ClusterResultRecorded):
        return [{**common, "fact": "own_result", "on_date": e.recorded_on, "unit_code": e.member.code,
                 "unit_name": e.member.name, "total": e.total, "max_total": e.max_total, "rank": e.rank,
                 "ranked": e.ranked_members, "award": e.title, "document_ref": e.document_ref}]
    return []


def exemplary_row(e: IntegrationEvent, zone: ZoneInfo) -> Row:
    """The row of an exemplary model's event: what happened, on which day, to which model."""
    assert isinstance(e, ex._ExemplaryEvent)
    row: Row = {"model_id": e.model_id, "version": e.model_version, "name": e.name, "subject_kind": e.subject_kind,
                "unit_code": e.unit.code, "unit_name": e.unit.name, "field": e.field, "movement_id": e.movement_id,
                "movement_name": e.movement_name, "stage": e.stage, "on_date": _day(e, zone)}
    if isinstance(e, ex.ExemplaryModelRecognised):
        return {**row, "fact": "recognised", "on_date": e.found_on}
    if isinstance(e, ex.ExemplaryModelAdvanced):
        return {**row, "fact": "advanced", "on_date": e.advanced_on}
    if isinstance(e, ex.ExemplaryModelCovered):
        return {**row, "fact": "covered", "on_date": e.published_on, "outlet": e.outlet, "title": e.title,
                "url": e.url}
    if isinstance(e, ex.ExemplaryModelPublished):
        return {**row, "fact": "published"}
    assert isinstance(e, ex.ExemplaryModelUnpublished)
    return {**row, "fact": "unpublished"}


def _upsert(table: str, key: list[str], row: Row) -> tuple[str, list[Any]]:
    columns = list(row)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(f'${i + 1}' for i in range(len(row)))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates} WHERE {table}.version < EXCLUDED.version",
            list(row.values()))


CLUSTER_RESULTS: list[type[IntegrationEvent]] = [
    cl.ClusterSelfAssessed, cl.ClusterScored, cl.ClusterLeaderElected, cl.ClusterVoteInconclusive,
    cl.GovernmentFlagProposed, cl.ClusterResultRecorded]
_CLUSTER_KEY = ["cluster_id", "fact", "round", "unit_code"]


class OutcomeProjection:
    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    async def cluster(self, conn: asyncpg.Connection, e: IntegrationEvent) -> None:
        rows = cluster_rows(e, self.zone)
        if not rows:
            return
        fact = rows[0]["fact"]
        if fact in _REPLACED_WHOLE:
            newest = await conn.fetchval("SELECT max(version) FROM report_cluster_results WHERE cluster_id = $1 "
                                         "AND fact = $2", rows[0]["cluster_id"], fact)
            if newest is not None and newest >= rows[0]["version"]:
                return
            await conn.execute("DELETE FROM report_cluster_results WHERE cluster_id = $1 AND fact = $2",
                               rows[0]["cluster_id"], fact)
        for row in rows:
            await conn.execute(*_flat(_upsert("report_cluster_results", _CLUSTER_KEY, row)))

    async def exemplary(self, conn: asyncpg.Connection, e: IntegrationEvent) -> None:
        await conn.execute(*_flat(_upsert("report_exemplary_facts", ["model_id", "version"],
                                          exemplary_row(e, self.zone))))

    @property
    def handlers(self) -> dict[type[IntegrationEvent], Handler]:
        return {**{cls: self.cluster for cls in CLUSTER_RESULTS}, **{cls: self.exemplary for cls in ex.EVENTS}}


def _flat(statement: tuple[str, list[Any]]) -> list[Any]:
    return [statement[0], *statement[1]]
