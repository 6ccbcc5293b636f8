"""Cluster events as public contracts (`contracts.plan_clusters`), each with the cluster as it
was right after the event. Ballots and the per-member scoring steps stay inside: the bus gets
the tally and the published scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from contracts.plan import UnitRef
from contracts.plan_clusters import (
    ClusterFormed,
    ClusterLeaderElected,
    ClusterLeadershipChanged,
    ClusterMembershipChanged,
    ClusterResultRecorded,
    ClusterScored,
    ClusterSelfAssessed,
    ClusterVoteInconclusive,
    ClusterVoteOpened,
    CovenantCriterion,
    CovenantSigned,
    CriterionPoints,
    GovernmentFlagProposed,
    MemberResult,
    VoteCount,
)
from services.plan.clusters.domainmodel import Cluster
from services.plan.translate import aggregate_at, to_contract, unit_refs


def _cluster(app: Application[UUID], e: Cluster.Event, event_id: UUID) -> tuple[Cluster, dict[str, Any]]:
    c = aggregate_at(app, e, Cluster)
    return c, {"event_id": event_id, "cluster_id": c.id, "cluster_version": c.version, "code": c.code,
               "name": c.name, "kind": c.kind.value, "year": c.year, "inter_provincial": c.inter_provincial}


def _ref(c: Cluster, code: str | None) -> UnitRef | None:
    return None if code is None else UnitRef(**c.unit(code))


def _points(points: dict[str, Decimal]) -> list[CriterionPoints]:
    return [CriterionPoints(code=code, points=float(value)) for code, value in points.items()]


def _tally(c: Cluster, tally: dict[str, int]) -> list[VoteCount]:
    ordered = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    return [VoteCount(unit=UnitRef(**c.unit(code)), votes=votes) for code, votes in ordered]


@to_contract.register
def _(e: Cluster.Formed, event_id: UUID, app: Application[UUID]) -> ClusterFormed:
    c, fields = _cluster(app, e, event_id)
    return ClusterFormed(**fields, occurred_at=e.formed_at, members=unit_refs(e.members),
                         leader=UnitRef(**c.unit(e.leader)), deputy=_ref(c, e.deputy),
                         own_member=_ref(c, e.own_member), decision_ref=e.decision_ref, formed_on=e.formed_on,
                         formed_by=e.formed_by)


@to_contract.register
def _(e: Cluster.MemberAdmitted, event_id: UUID, app: Application[UUID]) -> ClusterMembershipChanged:
    c, fields = _cluster(app, e, event_id)
    return ClusterMembershipChanged(**fields, occurred_at=e.at, unit=UnitRef(**e.unit), change="joined",
                                    effective_on=e.on, reason=e.reason, members=unit_refs(list(c.members.values())),
                                    changed_by=e.by)


@to_contract.register
def _(e: Cluster.MemberReleased, event_id: UUID, app: Application[UUID]) -> ClusterMembershipChanged:
    c, fields = _cluster(app, e, event_id)
    return ClusterMembershipChanged(**fields, occurred_at=e.at, unit=UnitRef(**c.unit(e.code)), change="left",
                                    effective_on=e.on, reason=e.reason, members=unit_refs(list(c.members.values())),
                                    changed_by=e.by)


@to_contract.register
def _(e: Cluster.LeadershipChanged, event_id: UUID, app: Application[UUID]) -> ClusterLeadershipChanged:
    c, fields = _cluster(app, e, event_id)
    return ClusterLeadershipChanged(**fields, occurred_at=e.at, leader=UnitRef(**c.unit(e.leader)),
                                    deputy=_ref(c, e.deputy), previous_leader=UnitRef(**c.unit(e.previous_leader)),
                                    previous_deputy=_ref(c, e.previous_deputy), effective_on=e.on, reason=e.reason,
                                    changed_by=e.by)


@to_contract.register
def _(e: Cluster.CovenantSigned, event_id: UUID, app: Application[UUID]) -> CovenantSigned:
    c, fields = _cluster(app, e, event_id)
    criteria = [CovenantCriterion(code=k["code"], title=k["title"], max_points=float(k["max_points"]))
                for k in e.criteria]
    return CovenantSigned(**fields, occurred_at=e.at, criteria=criteria, max_total=float(c.max_total),
                          signed_by_units=[UnitRef(**c.unit(code)) for code in e.signatories],
                          signed_on=e.signed_on, document_ref=e.document_ref, recorded_by=e.by)


@to_contract.register
def _(e: Cluster.SelfAssessed, event_id: UUID, app: Application[UUID]) -> ClusterSelfAssessed:
    c, fields = _cluster(app, e, event_id)
    return ClusterSelfAssessed(**fields, occurred_at=e.at, unit=UnitRef(**c.unit(e.code)), points=_points(e.points),
                               total=float(sum(e.points.values(), Decimal(0))), assessed_by=e.by)


@to_contract.register
def _(e: Cluster.Scored, event_id: UUID, app: Application[UUID]) -> ClusterScored:
    c, fields = _cluster(app, e, event_id)
    results = [MemberResult(unit=UnitRef(**c.unit(r["code"])), points=_points(c.scores[r["code"]]),
                            total=float(r["total"]), rank=r["rank"],
                            self_assessed_total=_total(c.self_assessed.get(r["code"])))
               for r in e.results]
    return ClusterScored(**fields, occurred_at=e.at, max_total=float(c.max_total), results=results, scored_by=e.by)


def _total(points: dict[str, Decimal] | None) -> float | None:
    return None if points is None else float(sum(points.values(), Decimal(0)))


@to_contract.register
def _(e: Cluster.VoteOpened, event_id: UUID, app: Application[UUID]) -> ClusterVoteOpened:
    c, fields = _cluster(app, e, event_id)
    return ClusterVoteOpened(**fields, occurred_at=e.at, round=e.round,
                             voters=[UnitRef(**c.unit(code)) for code in e.voters],
                             candidates=[UnitRef(**c.unit(code)) for code in e.candidates], quorum=e.quorum,
                             threshold=e.threshold, strictly_more=e.strictly_more, quorum_ballots=e.quorum_ballots,
                             votes_needed=e.votes_needed, opened_by=e.by)


@to_contract.register
def _(e: Cluster.VoteClosed, event_id: UUID, app: Application[UUID]) -> ClusterLeaderElected | ClusterVoteInconclusive:
    c, fields = _cluster(app, e, event_id)
    counted = {**fields, "occurred_at": e.at, "round": e.round, "tally": _tally(c, e.tally), "ballots": e.ballots,
               "blank": e.blank, "voters": e.voters, "votes_needed": e.votes_needed, "closed_by": e.by}
    if e.elected is None:
        return ClusterVoteInconclusive(**counted)
    return ClusterLeaderElected(**counted, leader=UnitRef(**c.unit(e.elected)), votes=e.tally[e.elected])


@to_contract.register
def _(e: Cluster.GovernmentFlagProposed, event_id: UUID, app: Application[UUID]) -> GovernmentFlagProposed:
    c, fields = _cluster(app, e, event_id)
    return GovernmentFlagProposed(**fields, occurred_at=e.at, unit=UnitRef(**c.unit(e.unit)), basis=e.basis,
                                  proposed_by=e.by)


@to_contract.register
def _(e: Cluster.OwnResultRecorded, event_id: UUID, app: Application[UUID]) -> ClusterResultRecorded:
    c, fields = _cluster(app, e, event_id)
    r = e.result
    return ClusterResultRecorded(
        **fields, occurred_at=e.at, member=UnitRef(**c.unit(c.own_member or "")), points=_points(r["points"]),
        total=None if r["total"] is None else float(r["total"]), max_total=float(c.max_total) if c.criteria else None,
        rank=r["rank"], ranked_members=r["ranked_members"], leading_member=_ref(c, r["leading_member"]),
        title=r["title"], document_ref=r["document_ref"], recorded_on=r["recorded_on"], recorded_by=e.by)
