"""Request and response models of the clusters API (separate from the domain and the contracts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.plan.clusters.domainmodel import Kind
from services.plan.inputs import Day, Number

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9_.-]*$")]
Points = Annotated[Number, Field(ge=0, le=1000, max_digits=6, decimal_places=2)]
Share = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,2}/[1-9][0-9]{0,2}$", examples=["2/3"])]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemberIn(Request):
    code: Code
    name: str | None = Field(default=None, min_length=1, max_length=300,
                             description="Only for members outside the province (an inter-provincial cluster)")


class ClusterCreate(Request):
    code: Code = Field(examples=["KHOI-TH"])
    name: str = Field(min_length=1, max_length=300, examples=["Khối các cơ quan tổng hợp"])
    kind: Kind
    year: StrictInt = Field(ge=2000, le=2100)
    members: list[MemberIn] = Field(min_length=2, max_length=300)
    leader: Code = Field(description="Cụm trưởng: the member chairing the cluster this year")
    deputy: Code | None = Field(default=None, description="Cụm phó")
    own_member: Code | None = Field(default=None, description="Inter-provincial: the member that is this province")
    decision_ref: str | None = Field(default=None, max_length=64, examples=["35/QĐ-UBND"])
    formed_on: Day


class MemberAdmit(Request):
    member: MemberIn
    on: Day
    reason: str = Field(min_length=1, max_length=1000)


class MemberRelease(Request):
    on: Day
    reason: str = Field(min_length=1, max_length=1000)


class LeadershipChange(Request):
    leader: Code
    deputy: Code | None = None
    on: Day
    reason: str = Field(min_length=1, max_length=1000)


class CriterionIn(Request):
    code: Code
    title: str = Field(min_length=1, max_length=500)
    max_points: Points = Field(gt=0)


class CovenantSign(Request):
    criteria: list[CriterionIn] = Field(min_length=1, max_length=100)
    signatories: list[Code] | None = Field(default=None, max_length=300, description="None: every current member")
    signed_on: Day
    document_ref: str | None = Field(default=None, max_length=64)


class PointsIn(Request):
    unit: Code
    points: dict[Code, Points] = Field(min_length=1, max_length=100)


class VoteOpen(Request):
    quorum: Share | None = Field(default=None, description="Share of the members that must vote (default: setting)")
    threshold: Share | None = Field(default=None, description="Share of the members the leader needs")
    strictly_more: StrictBool | None = None


class Ballot(Request):
    voter: Code
    candidate: Code | None = Field(description="A member unit, or null for a blank ballot")


class FlagProposal(Request):
    basis: str = Field(min_length=1, max_length=1000, examples=["Biên bản họp Hội đồng TĐKT tỉnh ngày 15/01/2027"])


class OwnResult(Request):
    points: dict[Code, Points] = Field(default={}, max_length=100)
    total: Points | None = Field(default=None, description="When no points per criterion are given")
    rank: StrictInt | None = Field(default=None, ge=1, le=1000)
    ranked_members: StrictInt | None = Field(default=None, ge=1, le=1000)
    leading_member: Code | None = None
    title: str | None = Field(default=None, max_length=300, examples=["Cờ thi đua của Chính phủ"])
    document_ref: str | None = Field(default=None, max_length=64)
    recorded_on: Day


class UnitOut(BaseModel):
    code: str
    name: str


class MembershipOut(BaseModel):
    unit: UnitOut
    joined_on: date
    left_on: date | None


class VoteState(BaseModel):
    round: int
    voters: list[str]
    candidates: list[str]
    quorum_ballots: int
    votes_needed: int
    voted: list[str] = Field(description="Who has voted (not for whom)")


class VoteClosedOut(BaseModel):
    id: UUID
    version: int
    elected: str | None


class ClusterSummary(BaseModel):
    cluster_id: UUID
    code: str
    name: str
    kind: str
    year: int
    inter_provincial: bool
    leader: str
    deputy: str | None
    members: list[UnitOut]
    signed: int
    ranking: list[dict[str, Any]] | None
    elected: str | None
    government_flag: str | None
    own_result: dict[str, Any] | None


class ClusterPublic(BaseModel):
    cluster_id: UUID
    version: int
    code: str
    name: str
    kind: str
    year: int
    inter_provincial: bool
    members: list[UnitOut]
    memberships: list[MembershipOut]
    leader: str
    deputy: str | None
    own_member: str | None
    decision_ref: str | None
    unit_names: dict[str, str]
    covenant: dict[str, Any]
    self_assessed: dict[str, dict[str, float]]
    scores: dict[str, dict[str, float]]
    results: list[dict[str, Any]] | None
    vote: VoteState | None
    vote_results: list[dict[str, Any]]
    elected: str | None
    government_flag: str | None
    own_result: dict[str, Any] | None
