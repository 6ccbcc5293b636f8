"""Use cases of council sessions: open with an agenda of dossiers ready for the council,
attendance, recusals, ballots (in person or in writing), invalidation, and closing — which
records every dossier's result (CouncilVoted) in the same transaction as the session."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from services.nomination.council.domainmodel import BallotBox, CouncilError, CouncilSession
from services.nomination.dossiers.base import NotAllowedError
from services.nomination.dossiers.ports import Actor, Catalogue
from services.nomination.dossiers.review import Review
from services.nomination.dossiers.states import State

SECRETARIES = {"council_secretary", "admin"}
# Who may do what in a session (an administrator always may); the routes declare the same table.
# A member recuses only themselves and votes only their own ballot; the secretary records
# absent members' written ballots and others' recusals.
COMMANDS: dict[str, frozenset[str]] = {
    "open": frozenset({"council_secretary"}),
    "attendance": frozenset({"council_secretary"}),
    "recuse": frozenset({"council_secretary", "council_member"}),
    "vote": frozenset({"council_secretary", "council_member"}),
    "invalidate": frozenset({"council_secretary"}),
    "close": frozenset({"council_secretary", "chair"}),
    "ballots": frozenset({"council_secretary"}),
    "read": frozenset({"council_secretary", "council_member", "chair", "appraiser", "auditor"}),
}


class Council:
    def __init__(self, app: Application[UUID], catalogue: Catalogue, review: Review) -> None:
        self.app, self.catalogue, self.review = app, catalogue, review

    def open(self, actor: Actor, *, title: str, held_on: date, members: dict[str, str], quorum: int,
             dossier_ids: list[UUID], now: datetime) -> tuple[UUID, bool]:
        _require(actor, SECRETARIES, "mở phiên họp Hội đồng")
        session_id = CouncilSession.create_id(title.strip(), held_on)
        if self._find(session_id) is not None:
            return session_id, False
        agenda = {str(d): self._item(d) for d in dossier_ids}
        session = CouncilSession.open(title=title.strip(), held_on=held_on, members=members, quorum=quorum,
                                      agenda=agenda, by=actor.subject, at=now)
        boxes = [BallotBox(session_id=session_id, dossier_id=d) for d in agenda]
        self.app.save(session, *boxes)
        return session_id, True

    def _item(self, dossier_id: UUID) -> dict[str, Any]:
        dossier = self.review.load(dossier_id)
        if dossier.state is not State.COUNCIL_REVIEW:
            raise CouncilError(f"Hồ sơ {dossier_id} chưa ở bước trình Hội đồng (đang: {dossier.state.value}).")
        award = self.catalogue.award(dossier.award_code)
        return {"award": award.code, "threshold": award.council_threshold, "comparison": award.council_comparison,
                "base": award.council_base, "written_votes_allowed": award.written_votes_allowed}

    def attendance(self, session_id: UUID, actor: Actor, member: str, present: bool) -> None:
        _require(actor, SECRETARIES, "ghi danh sách có mặt")
        session = self.get(session_id)
        session.record_attendance(member=member, present=present, by=actor.subject)
        self.app.save(session)

    def recuse(self, session_id: UUID, actor: Actor, dossier_id: UUID, member: str, reason: str) -> None:
        if actor.subject != member:
            _require(actor, SECRETARIES, "ghi thành viên không tham gia biểu quyết")
        session = self.get(session_id)
        session.recuse(dossier_id=str(dossier_id), member=member, reason=reason, by=actor.subject)
        self.app.save(session)

    def vote(self, session_id: UUID, actor: Actor, dossier_id: UUID, choice: str, *,
             member: str | None = None) -> None:
        """A member's own ballot, or (by the secretary, `member` given) an absent member's written one."""
        written = member is not None
        if written:
            _require(actor, SECRETARIES, "ghi phiếu bằng văn bản của thành viên vắng mặt")
        else:
            _require(actor, {"council_member"}, "bỏ phiếu")
        session, box = self.get(session_id), self._box(session_id, dossier_id)
        session.vote(dossier_id=str(dossier_id), member=member or actor.subject, written=written, by=actor.subject)
        box.deposit(choice)
        self.app.save(session, box)

    def invalidate(self, session_id: UUID, actor: Actor, dossier_id: UUID, ballot_id: str, reason: str) -> None:
        _require(actor, SECRETARIES, "hủy phiếu")
        box = self._box(session_id, dossier_id)
        box.invalidate(ballot_id=ballot_id, reason=reason, by=actor.subject)
        self.app.save(box)

    def close(self, session_id: UUID, actor: Actor, now: datetime) -> dict[str, dict[str, Any]]:
        _require(actor, SECRETARIES | {"chair"}, "kết thúc phiên họp và kiểm phiếu")
        session = self.get(session_id)
        boxes = {d: self._box(session_id, UUID(d)) for d in session.agenda}
        results = session.close(tallies={d: box.tally() for d, box in boxes.items()}, by=actor.subject, at=now)
        for box in boxes.values():
            box.seal()
        dossiers = [self.review.record_council_result(UUID(d), session_id, r, r["passed"], now)
                    for d, r in results.items()]
        self.app.save(session, *boxes.values(), *dossiers)
        return results

    def ballot_ids(self, session_id: UUID, actor: Actor, dossier_id: UUID) -> list[str]:
        """The ballots of a dossier, without their choices (for the secretary to invalidate one)."""
        _require(actor, SECRETARIES, "xem danh sách phiếu")
        return sorted(self._box(session_id, dossier_id).ballots)

    def get(self, session_id: UUID) -> CouncilSession:
        session = self._find(session_id)
        if session is None:
            raise SessionNotFoundError(session_id)
        return session

    def _find(self, session_id: UUID) -> CouncilSession | None:
        try:
            found: object = self.app.repository.get(session_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, CouncilSession) else None

    def _box(self, session_id: UUID, dossier_id: UUID) -> BallotBox:
        try:
            return self.app.repository.get(BallotBox.create_id(session_id, str(dossier_id)))
        except AggregateNotFoundError:
            raise CouncilError(f"Hồ sơ {dossier_id} không có trong chương trình phiên họp.") from None


def summary(session: CouncilSession) -> dict[str, Any]:
    """What anyone entitled may see: who attended, who voted (not what), and the results once closed."""
    names = session.members
    items = {d: {"voted": sorted(names[m] for m in session.voted[d]),
                 "recused": sorted(names[m] for m in session.recused[d]), **session.agenda[d],
                 "result": session.results.get(d)} for d in session.agenda}
    return {"session_id": session.id, "title": session.title, "held_on": session.held_on, "quorum": session.quorum,
            "members": names, "present": sorted(names[m] for m in session.present), "closed": session.closed,
            "agenda": items}


def _require(actor: Actor, roles: set[str], what: str) -> None:
    if not actor.roles & (roles | {"admin"}):
        raise NotAllowedError(f"Không có quyền {what}.")


class SessionNotFoundError(CouncilError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__(f"Không tìm thấy phiên họp {session_id}.")
