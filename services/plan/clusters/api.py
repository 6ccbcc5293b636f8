"""HTTP API of clusters and blocks: composition, covenant, scoring, the vote, inter-provincial results."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from servicekit.auth import SIGNED_IN, PrincipalDep
from servicekit.http import ALREADY_EXISTS
from services.plan.clusters.application import COMMANDS
from services.plan.clusters.schemas import (
    Ballot,
    ClusterCreate,
    ClusterPublic,
    ClusterSummary,
    CovenantSign,
    FlagProposal,
    LeadershipChange,
    MemberAdmit,
    MemberRelease,
    OwnResult,
    PointsIn,
    VoteClosedOut,
    VoteOpen,
)
from services.plan.clusters.views import plain
from services.plan.routing import Changed, ClustersDep, Created, RuntimeDep, answer, answer_created, policy

router = APIRouter(prefix="/clusters", tags=["clusters"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS, dependencies=policy(COMMANDS, "form"))
async def form_cluster(body: ClusterCreate, clusters: ClustersDep, runtime: RuntimeDep, who: PrincipalDep,
                       response: Response) -> Created:
    """Form a cluster or block for a year (kiện toàn cụm, khối), or record one the province belongs to."""
    result = await runtime.call(
        clusters.form, who, code=body.code, name=body.name, kind=body.kind, year=body.year,
        members=[m.model_dump() for m in body.members], leader=body.leader, deputy=body.deputy,
        own_member=body.own_member, decision_ref=body.decision_ref, formed_on=body.formed_on, now=runtime.now())
    return await answer_created(runtime, response, result)


@router.get("", dependencies=SIGNED_IN)
async def list_clusters(runtime: RuntimeDep, _: PrincipalDep,
                        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                        inter_provincial: bool | None = None) -> list[ClusterSummary]:
    """Clusters and blocks of a year, with their ranking, leading unit and proposals."""
    rows = await runtime.call(runtime.view.clusters, year=year, inter_provincial=inter_provincial)
    return [ClusterSummary(**row) for row in rows]


@router.get("/{cluster_id}", dependencies=SIGNED_IN)
async def get_cluster(cluster_id: UUID, clusters: ClustersDep, runtime: RuntimeDep, _: PrincipalDep,
                      response: Response) -> ClusterPublic:
    """One cluster: members and their history, covenant, scores, ranking and the vote (who voted, not for whom)."""
    details = await runtime.call(clusters.get, cluster_id)
    response.headers["ETag"] = f'"{details["version"]}"'
    return ClusterPublic(**plain(details))


@router.post("/{cluster_id}/members", dependencies=policy(COMMANDS, "change_composition"))
async def admit_member(cluster_id: UUID, body: MemberAdmit, clusters: ClustersDep, runtime: RuntimeDep,
                       who: PrincipalDep) -> Changed:
    """A unit joins the cluster during the year."""
    result = await runtime.call(clusters.admit, who, cluster_id, member=body.member.model_dump(), on=body.on,
                                reason=body.reason, now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/members/{code}/release", dependencies=policy(COMMANDS, "change_composition"))
async def release_member(cluster_id: UUID, code: str, body: MemberRelease, clusters: ClustersDep,
                         runtime: RuntimeDep, who: PrincipalDep) -> Changed:
    """A member leaves the cluster during the year (its membership stays in the history)."""
    result = await runtime.call(clusters.release, who, cluster_id, code=code, on=body.on, reason=body.reason,
                                now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/leadership", dependencies=policy(COMMANDS, "change_leadership"))
async def change_leadership(cluster_id: UUID, body: LeadershipChange, clusters: ClustersDep, runtime: RuntimeDep,
                            who: PrincipalDep) -> Changed:
    """Change the leading and deputy units (cụm trưởng, cụm phó)."""
    result = await runtime.call(clusters.change_leadership, who, cluster_id, leader=body.leader, deputy=body.deputy,
                                on=body.on, reason=body.reason, now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/covenant", dependencies=policy(COMMANDS, "sign_covenant"))
async def sign_covenant(cluster_id: UUID, body: CovenantSign, clusters: ClustersDep, runtime: RuntimeDep,
                        who: PrincipalDep) -> Changed:
    """Record the covenant (giao ước thi đua) signed by members, with its criteria and maximum points."""
    result = await runtime.call(clusters.sign_covenant, who, cluster_id,
                                criteria=[c.model_dump() for c in body.criteria], signatories=body.signatories,
                                signed_on=body.signed_on, document_ref=body.document_ref, now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/self-assessments", dependencies=policy(COMMANDS, "self_assess"))
async def self_assess(cluster_id: UUID, body: PointsIn, clusters: ClustersDep, runtime: RuntimeDep,
                      who: PrincipalDep) -> Changed:
    """A member's own points per criterion (its clerk, or Ban TĐKT)."""
    result = await runtime.call(clusters.self_assess, who, cluster_id, unit_code=body.unit, points=body.points,
                                now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/scores", dependencies=policy(COMMANDS, "score"))
async def score(cluster_id: UUID, body: PointsIn, clusters: ClustersDep, runtime: RuntimeDep,
                who: PrincipalDep) -> Changed:
    """The cluster's points for one member, per criterion, up to each criterion's maximum."""
    result = await runtime.call(clusters.score, who, cluster_id, unit_code=body.unit, points=body.points,
                                now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/scores/close", dependencies=policy(COMMANDS, "close_scoring"))
async def close_scoring(cluster_id: UUID, clusters: ClustersDep, runtime: RuntimeDep, who: PrincipalDep) -> Changed:
    """Publish every member's scores and the ranking."""
    result = await runtime.call(clusters.close_scoring, who, cluster_id, now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/votes", dependencies=policy(COMMANDS, "open_vote"))
async def open_vote(cluster_id: UUID, body: VoteOpen, clusters: ClustersDep, runtime: RuntimeDep,
                    who: PrincipalDep) -> Changed:
    """Open a round of the members' secret vote for the leading unit (quorum and threshold configured)."""
    settings = runtime.settings
    result = await runtime.call(
        clusters.open_vote, who, cluster_id, quorum=Fraction(body.quorum or settings.cluster_vote_quorum),
        threshold=Fraction(body.threshold or settings.cluster_vote_threshold),
        strictly_more=settings.cluster_vote_strictly_more if body.strictly_more is None else body.strictly_more,
        now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/ballots", dependencies=policy(COMMANDS, "cast"))
async def cast_ballot(cluster_id: UUID, body: Ballot, clusters: ClustersDep, runtime: RuntimeDep,
                      who: PrincipalDep) -> Changed:
    """A member unit's secret ballot, cast by its own clerk: one per member and round."""
    result = await runtime.call(clusters.cast, who, cluster_id, voter=body.voter, candidate=body.candidate)
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/votes/close", dependencies=policy(COMMANDS, "close_vote"))
async def close_vote(cluster_id: UUID, clusters: ClustersDep, runtime: RuntimeDep, who: PrincipalDep) -> VoteClosedOut:
    """Count the round: the leading unit it names, or none (another round may be opened)."""
    version, elected = await runtime.call(clusters.close_vote, who, cluster_id, now=runtime.now())
    await runtime.wait_for_view()
    return VoteClosedOut(id=cluster_id, version=version, elected=elected)


@router.post("/{cluster_id}/government-flag", dependencies=policy(COMMANDS, "propose_government_flag"))
async def propose_government_flag(cluster_id: UUID, body: FlagProposal, clusters: ClustersDep, runtime: RuntimeDep,
                                  who: PrincipalDep) -> Changed:
    """Propose the cluster's elected leading unit for the Government's emulation flag."""
    result = await runtime.call(clusters.propose_government_flag, who, cluster_id, basis=body.basis,
                                now=runtime.now())
    return await answer(runtime, cluster_id, result)


@router.post("/{cluster_id}/own-result", dependencies=policy(COMMANDS, "record_own_result"))
async def record_own_result(cluster_id: UUID, body: OwnResult, clusters: ClustersDep, runtime: RuntimeDep,
                            who: PrincipalDep) -> Changed:
    """Record the province's own result in a cluster it belongs to (inter-provincial)."""
    result = await runtime.call(clusters.record_own_result, who, cluster_id, result=body.model_dump(),
                                now=runtime.now())
    return await answer(runtime, cluster_id, result)
