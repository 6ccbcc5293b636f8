"""Use cases of clusters and blocks, on the plan service's event store (`Plans`).

Members of the province's own clusters come from the units registry; members of a cluster the
province belongs to (other provinces) are named as Sở Nội vụ enters them. A ballot and the
record that its unit voted are saved in one transaction, the choice without the unit.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from servicekit.auth import Principal, Role
from services.plan.application import Plans
from services.plan.clusters.domainmodel import Cluster, Kind
from services.plan.clusters.rules import InvalidClusterError
from services.plan.clusters.voting import BallotBox
from services.plan.domainmodel import PlanDomainError, Unit, check_unit
from services.plan.permissions import Allowed, check_may, planner, planner_or_own_unit

COMMANDS = {
    "form": planner("lập cụm, khối thi đua"),
    "change_composition": planner("thay đổi thành viên cụm, khối"),
    "change_leadership": planner("đổi cụm trưởng, cụm phó"),
    "sign_covenant": planner("ghi nhận ký giao ước thi đua"),
    "self_assess": planner_or_own_unit("tự chấm điểm theo giao ước"),
    "score": planner("chấm điểm thành viên"),
    "close_scoring": planner("công bố kết quả chấm điểm"),
    "open_vote": planner("mở bỏ phiếu suy tôn"),
    "cast": Allowed("bỏ phiếu suy tôn", roles=frozenset(), own_unit=frozenset({Role.UNIT_CLERK})),
    "close_vote": planner("kết thúc bỏ phiếu suy tôn"),
    "propose_government_flag": planner("đề nghị Cờ thi đua của Chính phủ"),
    "record_own_result": planner("nhập kết quả của tỉnh trong cụm liên tỉnh"),
}


class Clusters:
    """Composition, covenant, scoring, the vote for the leading unit, inter-provincial results."""

    def __init__(self, app: Plans) -> None:
        self.app = app

    def form(self, actor: Principal, *, code: str, name: str, kind: Kind, year: int, members: list[dict[str, Any]],
             leader: str, deputy: str | None, own_member: str | None, decision_ref: str | None, formed_on: date,
             now: datetime) -> tuple[UUID, bool]:
        check_may(actor, COMMANDS, "form")
        units = [self._unit(m, own_member is not None) for m in members]
        existing = self.app.find(Cluster, Cluster.create_id(year, code))
        if existing is not None:
            if (existing.name, list(existing.members.values()), existing.leader) != (name.strip(), units, leader):
                raise ClusterExistsError(code, year)
            return existing.id, False
        cluster = Cluster.form(code=code, name=name, kind=kind, year=year, inter_provincial=own_member is not None,
                               members=units, leader=leader, deputy=deputy, own_member=own_member,
                               decision_ref=decision_ref, formed_on=formed_on, by=actor.subject, at=now)
        self.app.save(cluster)
        return cluster.id, True

    def admit(self, actor: Principal, cluster_id: UUID, *, member: dict[str, Any], on: date, reason: str,
              now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "change_composition")
        cluster = self._get(cluster_id)
        unit = self._unit(member, cluster.inter_provincial)
        return self._save(cluster, cluster.admit(unit=unit, on=on, reason=reason, by=actor.subject, at=now))

    def release(self, actor: Principal, cluster_id: UUID, *, code: str, on: date, reason: str,
                now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "change_composition")
        cluster = self._get(cluster_id)
        cluster.release(code=code, on=on, reason=reason, by=actor.subject, at=now)
        return self._save(cluster, True)

    def change_leadership(self, actor: Principal, cluster_id: UUID, *, leader: str, deputy: str | None, on: date,
                          reason: str, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "change_leadership")
        cluster = self._get(cluster_id)
        cluster.change_leadership(leader=leader, deputy=deputy, on=on, reason=reason, by=actor.subject, at=now)
        return self._save(cluster, True)

    def sign_covenant(self, actor: Principal, cluster_id: UUID, *, criteria: list[dict[str, Any]],
                      signatories: list[str] | None, signed_on: date, document_ref: str | None,
                      now: datetime) -> tuple[int, bool]:
        """Record the members' signatures (all current members when none are named)."""
        check_may(actor, COMMANDS, "sign_covenant")
        cluster = self._get(cluster_id)
        changed = cluster.sign_covenant(criteria=criteria, signatories=signatories or list(cluster.members),
                                        signed_on=signed_on, document_ref=document_ref, by=actor.subject, at=now)
        return self._save(cluster, changed)

    def self_assess(self, actor: Principal, cluster_id: UUID, *, unit_code: str, points: dict[str, Decimal],
                    now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "self_assess", unit=unit_code)
        cluster = self._get(cluster_id)
        cluster.self_assess(code=unit_code, points=points, by=actor.subject, at=now)
        return self._save(cluster, True)

    def score(self, actor: Principal, cluster_id: UUID, *, unit_code: str, points: dict[str, Decimal],
              now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "score")
        cluster = self._get(cluster_id)
        cluster.score(code=unit_code, points=points, by=actor.subject, at=now)
        return self._save(cluster, True)

    def close_scoring(self, actor: Principal, cluster_id: UUID, *, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "close_scoring")
        cluster = self._get(cluster_id)
        cluster.close_scoring(by=actor.subject, at=now)
        return self._save(cluster, True)

    def open_vote(self, actor: Principal, cluster_id: UUID, *, quorum: Fraction, threshold: Fraction,
                  strictly_more: bool, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "open_vote")
        cluster = self._get(cluster_id)
        vote_round = cluster.open_vote(quorum=quorum, threshold=threshold, strictly_more=strictly_more,
                                  by=actor.subject, at=now)
        return self._save(cluster, True, BallotBox(cluster_id=cluster.id, round=vote_round))

    def cast(self, actor: Principal, cluster_id: UUID, *, voter: str, candidate: str | None) -> tuple[int, bool]:
        """One member unit's secret ballot: for a member unit, or blank (None)."""
        check_may(actor, COMMANDS, "cast", unit=voter)
        cluster = self._get(cluster_id)
        vote_round = cluster.cast(voter=voter, candidate=candidate, by=actor.subject)
        box = self.app.load(BallotBox, BallotBox.create_id(cluster.id, vote_round), ClusterNotFoundError)
        box.deposit(candidate)
        return self._save(cluster, True, box)

    def close_vote(self, actor: Principal, cluster_id: UUID, *, now: datetime) -> tuple[int, str | None]:
        """Count the round; the leading unit it named, or None (inconclusive: open another round)."""
        check_may(actor, COMMANDS, "close_vote")
        cluster = self._get(cluster_id)
        box = self.app.load(BallotBox, BallotBox.create_id(cluster.id, cluster.rounds), ClusterNotFoundError)
        tally, blank = box.tally()
        elected = cluster.close_vote(tally=tally, blank=blank, by=actor.subject, at=now)
        box.seal()
        self.app.save(cluster, box)
        return cluster.version, elected

    def propose_government_flag(self, actor: Principal, cluster_id: UUID, *, basis: str,
                                now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "propose_government_flag")
        cluster = self._get(cluster_id)
        return self._save(cluster, cluster.propose_government_flag(basis=basis, by=actor.subject, at=now))

    def record_own_result(self, actor: Principal, cluster_id: UUID, *, result: dict[str, Any],
                          now: datetime) -> tuple[int, bool]:
        """The province's own result in a cluster it belongs to; the total is the sum of points if given."""
        check_may(actor, COMMANDS, "record_own_result")
        cluster = self._get(cluster_id)
        if result["points"]:
            result = {**result, "total": sum(result["points"].values(), Decimal(0))}
        return self._save(cluster, cluster.record_own_result(result=result, by=actor.subject, at=now))

    def get(self, cluster_id: UUID) -> dict[str, Any]:
        return cluster_details(self._get(cluster_id))

    # -- helpers -------------------------------------------------------------------------------
    def _get(self, cluster_id: UUID) -> Cluster:
        return self.app.load(Cluster, cluster_id, ClusterNotFoundError)

    def _save(self, cluster: Cluster, changed: bool, *others: Any) -> tuple[int, bool]:
        if changed:
            self.app.save(cluster, *others)
        return cluster.version, changed

    def _unit(self, member: dict[str, Any], outside: bool) -> Unit:
        """A unit of the registry, or (inter-provincial) a member as entered: code and name."""
        if not outside:
            return self.app.registry().refs([member["code"]])[0]
        if not member.get("name"):
            raise InvalidClusterError(f"Thành viên {member['code']} của cụm liên tỉnh phải có tên.")
        check_unit(member["code"], member["name"], "khac")
        return {"code": member["code"], "name": member["name"].strip()}


def cluster_details(cluster: Cluster) -> dict[str, Any]:
    names = {m["unit"]["code"]: m["unit"]["name"] for m in cluster.memberships}
    vote = None if cluster.vote is None else {**cluster.vote, "voted": sorted(cluster.vote["voted"])}
    return {"cluster_id": cluster.id, "version": cluster.version, "code": cluster.code, "name": cluster.name,
            "kind": cluster.kind.value, "year": cluster.year, "inter_provincial": cluster.inter_provincial,
            "members": list(cluster.members.values()), "memberships": cluster.memberships,
            "leader": cluster.leader, "deputy": cluster.deputy, "own_member": cluster.own_member,
            "decision_ref": cluster.decision_ref, "unit_names": names,
            "covenant": {"criteria": cluster.criteria, "max_total": cluster.max_total, "signed": cluster.signed},
            "self_assessed": cluster.self_assessed, "scores": cluster.scores, "results": cluster.results,
            "vote": vote, "vote_results": cluster.vote_results, "elected": cluster.elected,
            "government_flag": cluster.government_flag, "own_result": cluster.own_result}


class ClusterNotFoundError(PlanDomainError):
    def __init__(self, cluster_id: UUID) -> None:
        super().__init__(f"Không tìm thấy cụm, khối thi đua {cluster_id}.")


class ClusterExistsError(PlanDomainError):
    def __init__(self, code: str, year: int) -> None:
        super().__init__(f"Cụm, khối {code} năm {year} đã có với thành phần khác; dùng lệnh bổ sung, rút thành viên.")
