"""A council session and its ballot boxes, event-sourced.

Secrecy: the session records *that* a member voted on a dossier; the choice goes into the
dossier's ballot box under a random ballot id, with no member and no time of its own. Only
the tally is published. Pure domain: `eventsourcing.domain` and the standard library.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

CHOICES = {"yes": "đồng ý", "no": "không đồng ý", "abstain": "không biểu quyết"}


class CouncilSession(Aggregate):
    @staticmethod
    def create_id(title: str, held_on: date) -> UUID:
        """One session per title and day: opening it twice finds the same session."""
        return uuid5(NAMESPACE_URL, f"/council/{held_on.isoformat()}/{' '.join(title.lower().split())}")

    @event("Opened")
    def __init__(self, *, title: str, held_on: date, members: dict[str, str], quorum: int,
                 agenda: dict[str, dict[str, Any]], opened_by: str, opened_at: datetime) -> None:
        """`agenda`: dossier id → {award, threshold, base, written_votes_allowed}."""
        self.title, self.held_on, self.members, self.quorum = title, held_on, members, quorum
        self.agenda = agenda
        self.present: set[str] = set()
        self.recused: dict[str, set[str]] = {d: set() for d in agenda}
        self.voted: dict[str, set[str]] = {d: set() for d in agenda}
        self.closed = False
        self.results: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, *, title: str, held_on: date, members: dict[str, str], quorum: int,
             agenda: dict[str, dict[str, Any]], by: str, at: datetime) -> CouncilSession:
        if not members:
            raise CouncilError("Phiên họp phải có danh sách thành viên Hội đồng.")
        if not 1 <= quorum <= len(members):
            raise CouncilError(f"Số thành viên tối thiểu ({quorum}) phải từ 1 đến {len(members)}.")
        if not agenda:
            raise CouncilError("Phiên họp phải có ít nhất một hồ sơ trong chương trình.")
        return cls(title=title, held_on=held_on, members=members, quorum=quorum, agenda=agenda, opened_by=by,
                   opened_at=at)

    def _check_open(self) -> None:
        if self.closed:
            raise SessionClosedError()

    def _check_item(self, dossier_id: str) -> None:
        if dossier_id not in self.agenda:
            raise CouncilError(f"Hồ sơ {dossier_id} không có trong chương trình phiên họp.")

    def _check_member(self, member: str) -> None:
        if member not in self.members:
            raise NotAMemberError(member)

    def record_attendance(self, *, member: str, present: bool, by: str) -> None:
        self._check_open()
        self._check_member(member)
        self._attendance(member=member, present=present, by=by)

    @event("AttendanceRecorded")
    def _attendance(self, member: str, present: bool, by: str) -> None:
        (self.present.add if present else self.present.discard)(member)

    def recuse(self, *, dossier_id: str, member: str, reason: str, by: str) -> None:
        self._check_open()
        self._check_item(dossier_id)
        self._check_member(member)
        if member in self.voted[dossier_id]:
            raise CouncilError("Thành viên đã bỏ phiếu cho hồ sơ này, không thể xin không tham gia.")
        if not reason.strip():
            raise CouncilError("Phải nêu lý do không tham gia biểu quyết (xung đột lợi ích).")
        self._recused(dossier_id=dossier_id, member=member, reason=reason.strip(), by=by)

    @event("MemberRecused")
    def _recused(self, dossier_id: str, member: str, reason: str, by: str) -> None:
        self.recused[dossier_id].add(member)

    def vote(self, *, dossier_id: str, member: str, written: bool, by: str) -> None:
        """Record that `member` voted on the dossier (the choice goes to the ballot box)."""
        self._check_open()
        self._check_item(dossier_id)
        self._check_member(member)
        if member in self.voted[dossier_id]:
            raise AlreadyVotedError(self.members[member])
        if member in self.recused[dossier_id]:
            raise CouncilError(f"{self.members[member]} đã xin không tham gia biểu quyết hồ sơ này.")
        if written and not self.agenda[dossier_id]["written_votes_allowed"]:
            raise CouncilError("Hình thức khen thưởng này không cho phép bỏ phiếu bằng văn bản.")
        if written and member in self.present:
            raise CouncilError("Thành viên có mặt bỏ phiếu trực tiếp, không bằng văn bản.")
        if not written and member not in self.present:
            raise CouncilError(f"{self.members[member]} chưa được ghi nhận có mặt.")
        self._voted(dossier_id=dossier_id, member=member, written=written)

    @event("MemberVoted")
    def _voted(self, dossier_id: str, member: str, written: bool) -> None:
        self.voted[dossier_id].add(member)

    def close(self, *, tallies: dict[str, dict[str, int]], by: str, at: datetime) -> dict[str, dict[str, Any]]:
        """Apply each award's threshold to its base; the results by dossier."""
        self._check_open()
        if len(self.present) < self.quorum:
            raise QuorumError(len(self.present), self.quorum)
        results = {d: self._result(d, tallies.get(d, {})) for d in self.agenda}
        self._closed(results=results, by=by, at=at)
        return results

    def _result(self, dossier_id: str, tally: dict[str, int]) -> dict[str, Any]:
        item = self.agenda[dossier_id]
        eligible = set(self.members) if item["base"] == "all_members" else (
            self.present | {m for m in self.voted[dossier_id] if m not in self.present})
        base = len(eligible - self.recused[dossier_id])
        yes, no, abstain = (tally.get(k, 0) for k in ("yes", "no", "abstain"))
        share = yes / base if base else 0.0
        passed = share > item["threshold"] if item.get("comparison") == "more_than" else share >= item["threshold"]
        return {"yes": yes, "no": no, "abstain": abstain, "base": max(base, 1),
                "threshold": item["threshold"], "passed": base > 0 and passed,
                "voters": len(self.voted[dossier_id]), "recused": len(self.recused[dossier_id])}

    @event("Closed")
    def _closed(self, results: dict[str, dict[str, Any]], by: str, at: datetime) -> None:
        self.closed, self.results = True, results


class BallotBox(Aggregate):
    """The choices on one dossier in one session: ballots without voters."""

    @staticmethod
    def create_id(session_id: UUID, dossier_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/council/{session_id}/ballots/{dossier_id}")

    @event("Placed")
    def __init__(self, *, session_id: UUID, dossier_id: str) -> None:
        self.ballots: dict[str, str] = {}
        self.invalid: dict[str, str] = {}
        self.sealed = False

    def deposit(self, choice: str) -> str:
        if self.sealed:
            raise SessionClosedError()
        if choice not in CHOICES:
            raise CouncilError(f"Phiếu '{choice}' không hợp lệ; chọn: {', '.join(CHOICES)}.")
        ballot_id = uuid4().hex
        self._deposited(ballot_id=ballot_id, choice=choice)
        return ballot_id

    @event("Deposited")
    def _deposited(self, ballot_id: str, choice: str) -> None:
        self.ballots[ballot_id] = choice

    def invalidate(self, *, ballot_id: str, reason: str, by: str) -> None:
        if self.sealed:
            raise SessionClosedError()
        if ballot_id not in self.ballots or ballot_id in self.invalid:
            raise CouncilError(f"Không có phiếu hợp lệ mã {ballot_id}.")
        if not reason.strip():
            raise CouncilError("Phải nêu lý do hủy phiếu.")
        self._invalidated(ballot_id=ballot_id, reason=reason.strip(), by=by)

    @event("Invalidated")
    def _invalidated(self, ballot_id: str, reason: str, by: str) -> None:
        self.invalid[ballot_id] = reason

    def tally(self) -> dict[str, int]:
        counts = dict.fromkeys(CHOICES, 0)
        for ballot_id, choice in self.ballots.items():
            if ballot_id not in self.invalid:
                counts[choice] += 1
        counts["invalid"] = len(self.invalid)
        return counts

    def seal(self) -> None:
        if not self.sealed:
            self._sealed()

    @event("Sealed")
    def _sealed(self) -> None:
        self.sealed = True


class CouncilError(Exception):
    """Base of the rules a council session enforces."""


class SessionClosedError(CouncilError):
    def __init__(self) -> None:
        super().__init__("Phiên họp đã kết thúc: không thể thay đổi phiếu hay kết quả.")


class NotAMemberError(CouncilError):
    def __init__(self, member: str) -> None:
        super().__init__(f"'{member}' không phải thành viên của phiên họp này.")


class AlreadyVotedError(CouncilError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} đã bỏ phiếu cho hồ sơ này; mỗi thành viên chỉ bỏ một phiếu.")


class QuorumError(CouncilError):
    def __init__(self, present: int, quorum: int) -> None:
        super().__init__(f"Chưa đủ số thành viên tối thiểu: có mặt {present}, cần {quorum}.")
