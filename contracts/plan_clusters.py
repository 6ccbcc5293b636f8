"""Events of the plan service about emulation clusters and blocks (cụm, khối thi đua): `tdkt.plan.Cluster*`.

A cluster (of communes) or block (of agencies) exists per year: its members and their history,
its leading and deputy units, the covenant (giao ước thi đua) with its criteria and maximum
points, each member's self-assessment, the cluster's scores and ranking, and the secret vote of
the members that names the leading unit proposed for the province's emulation flag. Clusters
the province itself belongs to (inter-provincial) carry the province's own result.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent
from contracts.plan import PUBLISHER, UnitRef

ClusterKind = Literal["cum", "khoi"]
PROVINCE_FLAG = "Cờ thi đua của UBND tỉnh"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class CovenantCriterion(_Frozen):
    code: str = Field(examples=["TC1"])
    title: str
    max_points: float = Field(gt=0)


class CriterionPoints(_Frozen):
    code: str
    points: float = Field(ge=0)


class MemberResult(_Frozen):
    unit: UnitRef
    points: list[CriterionPoints]
    total: float = Field(ge=0)
    self_assessed_total: float | None = Field(default=None, ge=0)
    rank: int = Field(ge=1, description="Competition ranking: equal totals share a rank")


class VoteCount(_Frozen):
    unit: UnitRef
    votes: int = Field(ge=0)


class _ClusterEvent(IntegrationEvent):
    publisher: ClassVar[str] = PUBLISHER

    cluster_id: UUID
    cluster_version: int = Field(ge=1, description="Version of the cluster after this event")
    code: str = Field(examples=["KHOI-TH"])
    name: str = Field(examples=["Khối các cơ quan tổng hợp"])
    kind: ClusterKind = Field(description="cụm (localities) or khối (agencies)")
    year: int = Field(ge=2000, le=2100)
    inter_provincial: bool = Field(description="A cluster the province itself belongs to")

    def cloudevent_subject(self) -> str:
        return f"clusters/{self.cluster_id}"


class ClusterFormed(_ClusterEvent):
    """A cluster or block was formed for a year (kiện toàn cụm, khối) with its members and leaders."""

    version: Literal[1] = 1

    members: list[UnitRef] = Field(min_length=2)
    leader: UnitRef = Field(description="Cụm trưởng: the member chairing the cluster this year (rotating), "
                            "not the leading unit the members' vote names")
    deputy: UnitRef | None = Field(default=None, description="Cụm phó")
    own_member: UnitRef | None = Field(default=None, description="Inter-provincial: the province itself")
    decision_ref: str | None = Field(default=None, examples=["348/QĐ-UBND"])
    formed_on: date
    formed_by: str


class ClusterMembershipChanged(_ClusterEvent):
    """A unit joined or left the cluster during the year; `members` is the composition after it."""

    version: Literal[1] = 1

    unit: UnitRef
    change: Literal["joined", "left"]
    effective_on: date
    reason: str
    members: list[UnitRef]
    changed_by: str


class ClusterLeadershipChanged(_ClusterEvent):
    """The leading or deputy unit (cụm trưởng, cụm phó) changed."""

    version: Literal[1] = 1

    leader: UnitRef = Field(description="Cụm trưởng from now on")
    deputy: UnitRef | None = Field(default=None, description="Cụm phó from now on")
    previous_leader: UnitRef
    previous_deputy: UnitRef | None = None
    effective_on: date
    reason: str
    changed_by: str


class CovenantSigned(_ClusterEvent):
    """Members signed the year's covenant (giao ước thi đua); later signatures repeat the criteria."""

    version: Literal[1] = 1

    criteria: list[CovenantCriterion] = Field(min_length=1)
    max_total: float = Field(gt=0)
    signed_by_units: list[UnitRef] = Field(min_length=1, description="Who signed in this act")
    signed_on: date
    document_ref: str | None = None
    recorded_by: str


class ClusterSelfAssessed(_ClusterEvent):
    """A member assessed itself against the covenant's criteria (replaces an earlier self-assessment)."""

    version: Literal[1] = 1

    unit: UnitRef
    points: list[CriterionPoints]
    total: float = Field(ge=0)
    assessed_by: str


class ClusterScored(_ClusterEvent):
    """The cluster's scores per criterion for every member, and the ranking."""

    version: Literal[1] = 1

    max_total: float = Field(gt=0)
    results: list[MemberResult] = Field(min_length=1)
    scored_by: str


class ClusterVoteOpened(_ClusterEvent):
    """A secret vote of the member units (one vote each) for the leading unit opened."""

    version: Literal[1] = 1

    round: int = Field(ge=1)
    voters: list[UnitRef]
    candidates: list[UnitRef]
    quorum: str = Field(examples=["2/3"], description="Share of the voters that must cast a ballot")
    threshold: str = Field(examples=["1/2"], description="Share of the voters the leader needs")
    strictly_more: bool = Field(description="The leader needs more than the threshold, not just reaching it")
    quorum_ballots: int = Field(ge=1)
    votes_needed: int = Field(ge=1)
    award: str = Field(default=PROVINCE_FLAG)
    opened_by: str


class ClusterLeaderElected(_ClusterEvent):
    """The members' vote named the leading unit, proposed for the province's emulation flag."""

    version: Literal[1] = 1

    round: int = Field(ge=1)
    leader: UnitRef = Field(description="Đơn vị dẫn đầu: the unit the members' vote named")
    votes: int = Field(ge=1)
    tally: list[VoteCount]
    ballots: int = Field(ge=1)
    blank: int = Field(ge=0)
    voters: int = Field(ge=1)
    votes_needed: int = Field(ge=1)
    proposed_award: str = Field(default=PROVINCE_FLAG)
    closed_by: str


class ClusterVoteInconclusive(_ClusterEvent):
    """The vote had a quorum but no unit reached the threshold alone; another round may be opened."""

    version: Literal[1] = 1

    round: int = Field(ge=1)
    tally: list[VoteCount]
    ballots: int = Field(ge=0)
    blank: int = Field(ge=0)
    voters: int = Field(ge=1)
    votes_needed: int = Field(ge=1)
    closed_by: str


class GovernmentFlagProposed(_ClusterEvent):
    """Among the province's cluster leaders, this cluster's leader is proposed for Cờ thi đua của Chính phủ."""

    version: Literal[1] = 1

    unit: UnitRef
    basis: str = Field(examples=["Biên bản họp Hội đồng TĐKT tỉnh ngày 15/01/2027"])
    award: str = Field(default="Cờ thi đua của Chính phủ")
    proposed_by: str


class ClusterResultRecorded(_ClusterEvent):
    """Inter-provincial: the province's own result in the cluster, entered by Sở Nội vụ."""

    version: Literal[1] = 1

    member: UnitRef
    points: list[CriterionPoints] = []
    total: float | None = Field(default=None, ge=0)
    max_total: float | None = Field(default=None, gt=0)
    rank: int | None = Field(default=None, ge=1)
    ranked_members: int | None = Field(default=None, ge=1)
    leading_member: UnitRef | None = Field(default=None, description="The member that led the cluster")
    title: str | None = Field(default=None, examples=["Cờ thi đua của Chính phủ"])
    document_ref: str | None = None
    recorded_on: date
    recorded_by: str


EVENTS: list[type[IntegrationEvent]] = [
    ClusterFormed,
    ClusterMembershipChanged,
    ClusterLeadershipChanged,
    CovenantSigned,
    ClusterSelfAssessed,
    ClusterScored,
    ClusterVoteOpened,
    ClusterLeaderElected,
    ClusterVoteInconclusive,
    GovernmentFlagProposed,
    ClusterResultRecorded,
]
