"""Messages to the member units of a cluster or block: its composition (and a unit joining or
leaving it), the covenant (self-assessment due), a member's self-assessment (to the member and
to the cluster's leader), the scores and ranking, the secret vote opened and its result."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts import plan_clusters as c
from services.notification.texts import Audience, Message, address, compose, day, points

LINK = "/clusters/{cluster_id}"  # the cluster in the plan service's API


def about(e: Any) -> str:
    return f"{e.name} năm {e.year}"


def to_units(e: Any, codes: Iterable[str], kind: str, title: str, body: str) -> list[Message]:
    link = LINK.format(cluster_id=e.cluster_id)
    return [Message(code, kind, "cluster", e.cluster_id, title, body, link) for code in dict.fromkeys(codes)]


def _members(audience: Audience, *named: Iterable[Any]) -> list[str]:
    """The members the service knows, and any unit the event names."""
    return [*audience.units, *(unit.code for units in named for unit in units)]


@compose.register
def _formed(e: c.ClusterFormed) -> list[Message]:
    deputy = f"; cụm phó: {e.deputy.name}" if e.deputy else ""
    decision = f" theo Quyết định {e.decision_ref}" if e.decision_ref else ""
    return to_units(e, [u.code for u in e.members], "cluster_formed", f"Kiện toàn {about(e)}",
                    f"{about(e)} được kiện toàn ngày {day(e.formed_on)}{decision}, gồm {len(e.members)} đơn vị; "
                    f"cụm trưởng: {e.leader.name}{deputy}.")


@compose.register
def _membership(e: c.ClusterMembershipChanged) -> list[Message]:
    joined = e.change == "joined"
    title = f"{'Tham gia' if joined else 'Rời'} {about(e)}"
    what = "tham gia" if joined else "không còn là thành viên của"
    return to_units(e, [e.unit.code], "cluster_membership_changed", title,
                    f"{e.unit.name} {what} {about(e)} từ ngày {day(e.effective_on)} (lý do: {e.reason.rstrip('.')}).")


@address.register
def _covenant(e: c.CovenantSigned, audience: Audience) -> list[Message]:
    return to_units(e, _members(audience, e.signed_by_units), "cluster_covenant_signed",
                    f"Giao ước thi đua {about(e)}",
                    f"Giao ước thi đua {about(e)} đã được ký ngày {day(e.signed_on)}: {len(e.criteria)} tiêu chí, "
                    f"tối đa {points(e.max_total)} điểm. Đề nghị đơn vị tự chấm điểm theo các tiêu chí của giao ước.")


@address.register
def _self_assessed(e: c.ClusterSelfAssessed, audience: Audience) -> list[Message]:
    own = to_units(e, [e.unit.code], "cluster_self_assessed", f"Đã ghi nhận điểm tự chấm: {about(e)}",
                   f"{e.unit.name} đã tự chấm {points(e.total)} điểm theo giao ước thi đua {about(e)}.")
    if audience.leader is None or audience.leader == e.unit.code:
        return own
    return own + to_units(e, [audience.leader], "cluster_scoring_due", f"Thành viên đã tự chấm điểm: {about(e)}",
                          f"{e.unit.name} đã tự chấm {points(e.total)} điểm theo giao ước thi đua {about(e)}. "
                          "Đề nghị cụm trưởng chấm điểm các thành viên.")


@compose.register
def _scored(e: c.ClusterScored) -> list[Message]:
    count = len(e.results)
    return [message for result in e.results for message in to_units(
        e, [result.unit.code], "cluster_scored", f"Kết quả chấm điểm thi đua: {about(e)}",
        f"{about(e)}: {result.unit.name} đạt {points(result.total)}/{points(e.max_total)} điểm, "
        f"xếp thứ {result.rank}/{count}{_own(result.self_assessed_total)}.")]


def _own(total: float | None) -> str:
    return "" if total is None else f" (tự chấm {points(total)} điểm)"


@compose.register
def _vote_opened(e: c.ClusterVoteOpened) -> list[Message]:
    candidates = ", ".join(unit.name for unit in e.candidates)
    return to_units(e, [u.code for u in e.voters], "cluster_vote_opened",
                    f"Bỏ phiếu kín chọn đơn vị dẫn đầu: {about(e)}",
                    f"{about(e)} bỏ phiếu kín (vòng {e.round}) chọn đơn vị dẫn đầu đề nghị tặng {e.award}; "
                    f"mỗi đơn vị thành viên một phiếu. Đơn vị được bầu: {candidates}. Cần ít nhất "
                    f"{e.quorum_ballots} phiếu để đủ túc số; đơn vị dẫn đầu cần {e.votes_needed} phiếu.")


@address.register
def _elected(e: c.ClusterLeaderElected, audience: Audience) -> list[Message]:
    return to_units(e, _members(audience, [t.unit for t in e.tally]), "cluster_leader_elected",
                    f"Đơn vị dẫn đầu {about(e)}: {e.leader.name}",
                    f"Kết quả bỏ phiếu kín vòng {e.round} của {about(e)}: {e.leader.name} được {e.votes}/{e.voters} "
                    f"phiếu ({e.ballots} phiếu bầu, {e.blank} phiếu trắng) và được đề nghị tặng {e.proposed_award}.")


@address.register
def _inconclusive(e: c.ClusterVoteInconclusive, audience: Audience) -> list[Message]:
    return to_units(e, _members(audience, [t.unit for t in e.tally]), "cluster_vote_inconclusive",
                    f"Chưa chọn được đơn vị dẫn đầu: {about(e)}",
                    f"Bỏ phiếu kín vòng {e.round} của {about(e)}: {e.ballots}/{e.voters} phiếu, không đơn vị nào đạt "
                    f"{e.votes_needed} phiếu. Có thể bỏ phiếu vòng tiếp theo.")
