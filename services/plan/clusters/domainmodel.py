"""Emulation clusters and blocks (cụm, khối thi đua), one per code and year: members with their
history, the leading and deputy units, the covenant (giao ước thi đua) with its criteria and
maximum points, self-assessments and the cluster's scores, the ranking, the members' secret
vote for the leading unit (the ballots themselves are in `voting.BallotBox`), and, for a
cluster the province itself belongs to, the province's own result.

Pure domain: `eventsourcing.domain`, the standard library and the plan's own domain.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.plan.clusters.rules import (
    AlreadyVotedError,
    CandidateNotInClusterError,
    ClusterStepError,
    CovenantMismatchError,
    InvalidClusterError,
    NotAMemberError,
    QuorumNotReachedError,
    check_criteria,
    check_formation,
    check_points,
    check_reason,
    check_total,
    check_within_year,
    ranking,
)
from services.plan.domainmodel import Unit

Points = dict[str, Decimal]


class Kind(StrEnum):
    CUM = "cum"
    KHOI = "khoi"


class Cluster(Aggregate):
    """A cluster or block in one year."""

    @staticmethod
    def create_id(year: int, code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/clusters/{year}/{code}")

    class Formed(Aggregate.Created):
        code: str
        name: str
        kind: Kind
        year: int
        inter_provincial: bool
        members: list[Unit]
        leader: str
        deputy: str | None
        own_member: str | None
        decision_ref: str | None
        formed_on: date
        formed_by: str
        formed_at: datetime

    class Step(Aggregate.Event):
        """Every later event says who took the step and when."""

        by: str
        at: datetime

    class MemberAdmitted(Step):
        unit: Unit
        on: date
        reason: str

    class MemberReleased(Step):
        code: str
        on: date
        reason: str

    class LeadershipChanged(Step):
        leader: str
        deputy: str | None
        previous_leader: str
        previous_deputy: str | None
        on: date
        reason: str

    class CovenantSigned(Step):
        criteria: list[dict[str, Any]]
        signatories: list[str]
        signed_on: date
        document_ref: str | None

    class SelfAssessed(Step):
        code: str
        points: Points

    class MemberScored(Step):
        code: str
        points: Points

    class Scored(Step):
        results: list[dict[str, Any]]

    class VoteOpened(Step):
        round: int
        voters: list[str]
        candidates: list[str]
        quorum: str
        threshold: str
        strictly_more: bool
        quorum_ballots: int
        votes_needed: int

    class VoteClosed(Step):
        round: int
        tally: dict[str, int]
        blank: int
        ballots: int
        voters: int
        votes_needed: int
        elected: str | None

    class GovernmentFlagProposed(Step):
        unit: str
        basis: str

    class OwnResultRecorded(Step):
        result: dict[str, Any]

    @event(Formed)
    def __init__(self, *, code: str, name: str, kind: Kind, year: int, inter_provincial: bool, members: list[Unit],
                 leader: str, deputy: str | None, own_member: str | None, decision_ref: str | None,
                 formed_on: date, formed_by: str, formed_at: datetime) -> None:
        self.code, self.name, self.kind, self.year = code, name, Kind(kind), year
        self.inter_provincial, self.own_member, self.decision_ref = inter_provincial, own_member, decision_ref
        self.memberships: list[dict[str, Any]] = [{"unit": u, "joined_on": formed_on, "left_on": None} for u in members]
        self.leader, self.deputy = leader, deputy
        self.criteria: list[dict[str, Any]] = []
        self.signed: dict[str, date] = {}
        self.self_assessed: dict[str, Points] = {}
        self.scores: dict[str, Points] = {}
        self.results: list[dict[str, Any]] | None = None
        self.vote: dict[str, Any] | None = None
        self.rounds = 0
        self.vote_results: list[dict[str, Any]] = []
        self.elected: str | None = None
        self.government_flag: str | None = None
        self.own_result: dict[str, Any] | None = None

    @classmethod
    def form(cls, *, code: str, name: str, kind: Kind, year: int, inter_provincial: bool, members: list[Unit],
             leader: str, deputy: str | None, own_member: str | None, decision_ref: str | None, formed_on: date,
             by: str, at: datetime) -> Cluster:
        check_formation(code, name, [u["code"] for u in members], leader, deputy, own_member, inter_provincial)
        check_within_year(formed_on, year)
        return cls(code=code, name=name.strip(), kind=kind, year=year, inter_provincial=inter_provincial,
                   members=members, leader=leader, deputy=deputy, own_member=own_member, decision_ref=decision_ref,
                   formed_on=formed_on, formed_by=by, formed_at=at)

    # -- composition ---------------------------------------------------------------------------
    @property
    def members(self) -> dict[str, Unit]:
        return {m["unit"]["code"]: m["unit"] for m in self.memberships if m["left_on"] is None}

    def members_on(self, day: date) -> list[str]:
        """Who was a member on `day` (the composition's history)."""
        return [m["unit"]["code"] for m in self.memberships
                if m["joined_on"] <= day and (m["left_on"] is None or m["left_on"] > day)]

    def unit(self, code: str) -> Unit:
        return next(m["unit"] for m in reversed(self.memberships) if m["unit"]["code"] == code)

    def admit(self, *, unit: Unit, on: date, reason: str, by: str, at: datetime) -> bool:
        """A unit joins during the year; False when it is a member already."""
        if unit["code"] in self.members:
            return False
        self._check_composition_open(on, reason)
        self._member_admitted(unit=unit, on=on, reason=reason.strip(), by=by, at=at)
        return True

    @event(MemberAdmitted)
    def _member_admitted(self, unit: Unit, on: date, reason: str, by: str, at: datetime) -> None:
        self.memberships.append({"unit": unit, "joined_on": on, "left_on": None})

    def release(self, *, code: str, on: date, reason: str, by: str, at: datetime) -> None:
        """A member leaves during the year (its history stays)."""
        self._check_member(code)
        self._check_composition_open(on, reason)
        if code in (self.leader, self.deputy):
            raise ClusterStepError("Đơn vị đang là cụm trưởng hoặc cụm phó: đổi cụm trưởng, cụm phó trước.")
        if len(self.members) <= 2:
            raise ClusterStepError("Cụm, khối phải còn ít nhất hai thành viên.")
        self._member_released(code=code, on=on, reason=reason.strip(), by=by, at=at)

    @event(MemberReleased)
    def _member_released(self, code: str, on: date, reason: str, by: str, at: datetime) -> None:
        for membership in self.memberships:
            if membership["unit"]["code"] == code and membership["left_on"] is None:
                membership["left_on"] = on

    def change_leadership(self, *, leader: str, deputy: str | None, on: date, reason: str, by: str,
                          at: datetime) -> None:
        for code in (leader, deputy):
            if code is not None:
                self._check_member(code)
        if leader == deputy or (leader, deputy) == (self.leader, self.deputy):
            raise ClusterStepError("Cụm trưởng và cụm phó phải là hai đơn vị khác nhau và khác hiện tại.")
        check_reason(reason)
        check_within_year(on, self.year)
        self._leadership_changed(leader=leader, deputy=deputy, previous_leader=self.leader,
                                 previous_deputy=self.deputy, on=on, reason=reason.strip(), by=by, at=at)

    @event(LeadershipChanged)
    def _leadership_changed(self, leader: str, deputy: str | None, previous_leader: str, previous_deputy: str | None,
                            on: date, reason: str, by: str, at: datetime) -> None:
        self.leader, self.deputy = leader, deputy

    def _check_member(self, code: str) -> None:
        if code not in self.members:
            raise NotAMemberError(code, self.name)

    def _check_composition_open(self, on: date, reason: str) -> None:
        check_reason(reason)
        check_within_year(on, self.year)
        if self.results is not None or self.vote is not None:
            raise ClusterStepError("Cụm, khối đã chấm điểm hoặc đang bỏ phiếu: không thay đổi thành phần.")

    # -- covenant, self-assessment, scores ------------------------------------------------------
    @property
    def max_total(self) -> Decimal:
        return sum((Decimal(c["max_points"]) for c in self.criteria), Decimal(0))

    def sign_covenant(self, *, criteria: list[dict[str, Any]], signatories: list[str], signed_on: date,
                      document_ref: str | None, by: str, at: datetime) -> bool:
        """Members sign the covenant; False when every one of them has signed already."""
        if self.criteria and criteria != self.criteria:
            raise CovenantMismatchError()
        check_criteria(criteria)
        for code in signatories:
            self._check_member(code)
        new = [code for code in dict.fromkeys(signatories) if code not in self.signed]
        if not new:
            return False
        self._check_not_scored()
        check_within_year(signed_on, self.year)
        self._covenant_signed(criteria=criteria, signatories=new, signed_on=signed_on, document_ref=document_ref,
                              by=by, at=at)
        return True

    @event(CovenantSigned)
    def _covenant_signed(self, criteria: list[dict[str, Any]], signatories: list[str], signed_on: date,
                         document_ref: str | None, by: str, at: datetime) -> None:
        self.criteria = criteria
        self.signed.update(dict.fromkeys(signatories, signed_on))

    def self_assess(self, *, code: str, points: Points, by: str, at: datetime) -> None:
        self._check_assessable(code, points)
        self._self_assessed(code=code, points=points, by=by, at=at)

    @event(SelfAssessed)
    def _self_assessed(self, code: str, points: Points, by: str, at: datetime) -> None:
        self.self_assessed[code] = points

    def score(self, *, code: str, points: Points, by: str, at: datetime) -> None:
        """The cluster's points for one member (chấm điểm), criterion by criterion."""
        self._check_assessable(code, points)
        self._member_scored(code=code, points=points, by=by, at=at)

    @event(MemberScored)
    def _member_scored(self, code: str, points: Points, by: str, at: datetime) -> None:
        self.scores[code] = points

    def _check_assessable(self, code: str, points: Points) -> None:
        if self.inter_provincial:
            raise ClusterStepError("Cụm liên tỉnh: Sở Nội vụ nhập kết quả của tỉnh, không chấm điểm từng thành viên.")
        self._check_member(code)
        if code not in self.signed:
            raise ClusterStepError(f"{self.unit(code)['name']} chưa ký giao ước thi đua.")
        self._check_not_scored()
        check_points(points, self.criteria)

    def _check_not_scored(self) -> None:
        if self.results is not None:
            raise ClusterStepError(f"{self.name} đã công bố kết quả chấm điểm năm {self.year}.")

    def close_scoring(self, *, by: str, at: datetime) -> None:
        """Publish every member's scores and the ranking; all members must have been scored."""
        self._check_not_scored()
        missing = [u["name"] for code, u in self.members.items() if code not in self.scores]
        if missing or not self.criteria:
            raise ClusterStepError(f"Chưa chấm điểm: {', '.join(missing) or 'chưa có giao ước'}.")
        totals = {code: sum(self.scores[code].values(), Decimal(0)) for code in self.members}
        self._scored(results=ranking(totals), by=by, at=at)

    @event(Scored)
    def _scored(self, results: list[dict[str, Any]], by: str, at: datetime) -> None:
        self.results = results

    # -- the vote for the leading unit ---------------------------------------------------------
    def open_vote(self, *, quorum: Fraction, threshold: Fraction, strictly_more: bool, by: str, at: datetime) -> int:
        """Open a round of the secret vote; every current member votes once. Returns the round."""
        if not (0 < quorum <= 1 and 0 < threshold < 1):
            raise InvalidClusterError("Tỷ lệ tối thiểu phải trong khoảng (0, 1], ngưỡng trúng cử trong khoảng (0, 1).")
        if self.inter_provincial or self.results is None or self.vote is not None or self.elected is not None:
            raise ClusterStepError("Chỉ bỏ phiếu suy tôn khi đã công bố kết quả chấm điểm, chưa có đơn vị dẫn đầu "
                                   "và không có vòng bỏ phiếu nào đang mở.")
        voters = sorted(self.members)
        needed = math.floor(len(voters) * threshold) + 1 if strictly_more else math.ceil(len(voters) * threshold)
        self._vote_opened(round=self.rounds + 1, voters=voters, candidates=voters, quorum=str(quorum),
                          threshold=str(threshold), strictly_more=strictly_more,
                          quorum_ballots=max(1, math.ceil(len(voters) * quorum)),
                          votes_needed=min(len(voters), max(1, needed)), by=by, at=at)
        return self.rounds

    @event(VoteOpened)
    def _vote_opened(self, round: int, voters: list[str], candidates: list[str], quorum: str, threshold: str,
                     strictly_more: bool, quorum_ballots: int, votes_needed: int, by: str, at: datetime) -> None:
        self.rounds = round
        self.vote = {"round": round, "voters": voters, "candidates": candidates, "quorum_ballots": quorum_ballots,
                     "votes_needed": votes_needed, "voted": []}

    def cast(self, *, voter: str, candidate: str | None, by: str) -> int:
        """Record that `voter` voted (its choice goes into the round's ballot box). Returns the round."""
        if self.vote is None:
            raise ClusterStepError(f"{self.name} không có vòng bỏ phiếu nào đang mở.")
        if voter not in self.vote["voters"]:
            raise NotAMemberError(voter, self.name)
        if voter in self.vote["voted"]:
            raise AlreadyVotedError(self.unit(voter)["name"])
        if candidate is not None and candidate not in self.vote["candidates"]:
            raise CandidateNotInClusterError(candidate, self.name)
        self._ballot_cast(voter=voter, by=by)
        return int(self.vote["round"])

    @event("BallotCast")
    def _ballot_cast(self, voter: str, by: str) -> None:
        assert self.vote is not None
        self.vote["voted"].append(voter)

    def close_vote(self, *, tally: dict[str, int], blank: int, by: str, at: datetime) -> str | None:
        """Count the round: with a quorum, the unit with most votes is elected if it alone reaches
        the threshold. Returns the elected unit's code (None: inconclusive, open another round)."""
        if self.vote is None:
            raise ClusterStepError(f"{self.name} không có vòng bỏ phiếu nào đang mở.")
        ballots = len(self.vote["voted"])
        if ballots < self.vote["quorum_ballots"]:
            raise QuorumNotReachedError(ballots, self.vote["quorum_ballots"], len(self.vote["voters"]))
        counts = {code: tally.get(code, 0) for code in self.vote["candidates"]}
        assert sum(counts.values()) + blank == ballots, "the ballot box does not match the register of voters"
        best = max(counts.values())
        winners = [code for code, votes in counts.items() if votes == best]
        elected = winners[0] if len(winners) == 1 and best >= self.vote["votes_needed"] else None
        self._vote_closed(round=self.vote["round"], tally=counts, blank=blank, ballots=ballots,
                          voters=len(self.vote["voters"]), votes_needed=self.vote["votes_needed"], elected=elected,
                          by=by, at=at)
        return elected

    @event(VoteClosed)
    def _vote_closed(self, round: int, tally: dict[str, int], blank: int, ballots: int, voters: int,
                     votes_needed: int, elected: str | None, by: str, at: datetime) -> None:
        self.vote, self.elected = None, elected
        self.vote_results.append({"round": round, "tally": tally, "blank": blank, "ballots": ballots,
                                  "voters": voters, "votes_needed": votes_needed, "elected": elected})

    def propose_government_flag(self, *, basis: str, by: str, at: datetime) -> bool:
        """Propose this cluster's elected leader for the Government's flag; False when proposed already."""
        if self.elected is None:
            raise ClusterStepError(f"{self.name} chưa bầu được đơn vị dẫn đầu: không thể đề nghị Cờ thi đua "
                                   "của Chính phủ.")
        if self.government_flag is not None:
            return False
        check_reason(basis)
        self._government_flag_proposed(unit=self.elected, basis=basis.strip(), by=by, at=at)
        return True

    @event(GovernmentFlagProposed)
    def _government_flag_proposed(self, unit: str, basis: str, by: str, at: datetime) -> None:
        self.government_flag = unit

    # -- a cluster the province belongs to -----------------------------------------------------
    def record_own_result(self, *, result: dict[str, Any], by: str, at: datetime) -> bool:
        """The province's own result in an inter-provincial cluster; False when recorded so already."""
        if not self.inter_provincial or self.own_member is None:
            raise ClusterStepError("Chỉ nhập kết quả của tỉnh cho cụm liên tỉnh mà tỉnh là thành viên.")
        if result["points"]:
            check_points(result["points"], self.criteria)
        if result["total"] is not None:
            check_total(result["total"], self.criteria)
        if result["leading_member"] is not None:
            self._check_member(result["leading_member"])
        if result == self.own_result:
            return False
        check_within_year(result["recorded_on"], self.year, allow_next=True)
        self._own_result_recorded(result=result, by=by, at=at)
        return True

    @event(OwnResultRecorded)
    def _own_result_recorded(self, result: dict[str, Any], by: str, at: datetime) -> None:
        self.own_result = result
