"""Use cases of council sessions: open with an agenda of dossiers ready for the council,
attendance, recusals, ballots (in person or in writing), invalidation, and closing — which
records every dossier's result (CouncilVoted) in the same transaction as the session."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from servicekit.auth import Principal, Role
from services.nomination.council.domainmodel import BallotBox, CouncilError, CouncilSession
from services.nomination.dossiers.application import Review
from services.nomination.dossiers.base import NotAllowedError
from services.nomination.dossiers.ports import Catalogue
from services.nomination.dossiers.states import State


class Allowed(NamedTuple):
    roles: frozenset[Role]  # an administrator always may
    label: str


_SECRETARY = frozenset({Role.COUNCIL_SECRETARY})
COMMANDS: dict[str, Allowed] = {
    "open": Allowed(_SECRETARY, "mở phiên họp Hội đồng"),
    "attendance": Allowed(_SECRETARY, "ghi danh sách có mặt"),
    "recuse": Allowed(_SECRETARY | {Role.COUNCIL_MEMBER}, "ghi việc không tham gia biểu quyết"),
    "recuse_other": Allowed(_SECRETARY, "ghi thành viên không tham gia biểu quyết"),
    "vote": Allowed(frozenset({Role.COUNCIL_MEMBER}), "bỏ phiếu"),
    "written_vote": Allowed(_SECRETARY, "ghi phiếu bằng văn bản của thành viên vắng mặt"),
    "invalidate": Allowed(_SECRETARY, "hủy phiếu"),
    "read": Allowed(_SECRETARY | {Role.COUNCIL_MEMBER, Role.CHAIR, Role.APPRAISER, Role.AUDITOR},
                    "xem phiên họp Hội đồng"),
    "close": Allowed(_SECRETARY | {Role.CHAIR}, "kết thúc phiên họp và kiểm phiếu"),
    "ballot_ids": Allowed(_SECRETARY, "xem danh sách phiếu"),
}


class Council:
    def __init__(self, app: Application[UUID], catalogue: Catalogue, review: Review) -> None:
        self.app, self.catalogue, self.review = app, catalogue, review

    def open(self, actor: Principal, *, title: str, held_on: date, members: dict[str, str], quorum: int,
             dossier_ids: list[UUID], now: datetime) -> tuple[UUID, bool]:
        check_may(actor, "open")
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

    def attendance(self, session_id: UUID, actor: Principal, member: str, present: bool) -> None:
        check_may(actor, "attendance")
        session = self.get(session_id)
        session.record_attendance(member=member, present=present, by=actor.subject)
        self.app.save(session)

    def recuse(self, session_id: UUID, actor: Principal, dossier_id: UUID, member: str, reason: str) -> None:
        check_may(actor, "recuse")
        if actor.subject != member:
            check_may(actor, "recuse_other")
        session = self.get(session_id)
        session.recuse(dossier_id=str(dossier_id), member=member, reason=reason, by=actor.subject)
        self.app.save(session)

    def vote(self, session_id: UUID, actor: Principal, dossier_id: UUID, choice: str, *,
             member: str | None = None) -> None:
        """A member's own ballot, or (by the secretary, `member` given) an absent member's written one."""
        written = member is not None
        if written:
            check_may(actor, "written_vote")
        else:
            check_may(actor, "vote")
        session, box = self.get(session_id), self._box(session_id, dossier_id)
        session.vote(dossier_id=str(dossier_id), member=member or actor.subject, written=written, by=actor.subject)
        box.deposit(choice)
        self.app.save(session, box)

    def invalidate(self, session_id: UUID, actor: Principal, dossier_id: UUID, ballot_id: str, reason: str) -> None:
        check_may(actor, "invalidate")
        box = self._box(session_id, dossier_id)
        box.invalidate(ballot_id=ballot_id, reason=reason, by=actor.subject)
        self.app.save(box)

    def close(self, session_id: UUID, actor: Principal, now: datetime) -> dict[str, dict[str, Any]]:
        check_may(actor, "close")
        session = self.get(session_id)
        boxes = {d: self._box(session_id, UUID(d)) for d in session.agenda}
        results = session.close(tallies={d: box.tally() for d, box in boxes.items()}, by=actor.subject, at=now)
        for box in boxes.values():
            box.seal()
        dossiers = [self.review.record_council_result(UUID(d), session_id, r, r["passed"], now)
                    for d, r in results.items()]
        self.app.save(session, *boxes.values(), *dossiers)
        return results

    def ballot_ids(self, session_id: UUID, actor: Principal, dossier_id: UUID) -> list[str]:
        """The ballots of a dossier, without their choices (for the secretary to invalidate one)."""
        check_may(actor, "ballot_ids")
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


def check_may(actor: Principal, command: str) -> None:
    """Raise NotAllowedError unless `actor` holds a role the command table gives the command."""
    allowed = COMMANDS[command]
    if not actor.has_any(allowed.roles):
        raise NotAllowedError(f"Không có quyền {allowed.label}.")


class SessionNotFoundError(CouncilError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__(f"Không tìm thấy phiên họp {session_id}.")
