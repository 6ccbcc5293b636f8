"""The nomination dossier (hồ sơ đề nghị khen thưởng) of one nominee, and the submission
(what a unit sends together under one title or tờ trình), event-sourced.

Pure domain: `eventsourcing.domain` and the standard library only. The application checks
roles, the catalogue (documents, notice, who decides) and eligibility; this aggregate keeps
the states of domain.md §3 and refuses any command its state does not allow.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from services.nomination.dossiers.states import COMMANDS, LABELS, PROVINCE, State, allowed_in

Nominee = dict[str, Any]  # kind, ref, name, unit_code, masked_id, position, deceased, priority.FACTS
REVOCATION_GROUNDS = {
    "a": "khai man thành tích",
    "b": "cung cấp thông tin sai, làm giả hồ sơ, giấy tờ",
    "c": "thẩm định, xét, đề nghị khen thưởng trái pháp luật",
    "d": "có kết luận, quyết định, bản án xác định vi phạm làm mất tiêu chuẩn khen thưởng",
}
HOLD_GROUNDS = {"discipline": "đang xem xét kỷ luật", "investigation": "đang bị điều tra, thanh tra, kiểm tra",
                "complaint": "đang có khiếu nại, tố cáo"}


class Dossier(Aggregate):
    @staticmethod
    def create_id(unit_code: str, year: int, award_code: str, nominee: Nominee) -> UUID:
        """One dossier per unit, year, award and nominee: proposing the same twice finds it."""
        return Dossier.id_for(unit_code, year, award_code, str(nominee["ref"]))

    @staticmethod
    def id_for(unit_code: str, year: int, award_code: str, nominee_ref: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/dossiers/{unit_code}/{year}/{award_code}/{nominee_ref}")

    class Created(Aggregate.Created):
        unit_code: str
        award_code: str
        award: dict[str, str]
        year: int
        basis: str
        nominee: Nominee
        summary: str
        simplified: bool
        posthumous: bool
        submission_id: UUID | None
        created_by: str
        created_at: datetime
        movement_id: UUID | None = None

    @event(Created)
    def __init__(self, *, unit_code: str, award_code: str, award: dict[str, str], year: int, basis: str,
                 nominee: Nominee,
                 summary: str, simplified: bool, posthumous: bool, submission_id: UUID | None,
                 created_by: str, created_at: datetime, movement_id: UUID | None = None) -> None:
        self.unit_code, self.award_code, self.year, self.basis = unit_code, award_code, year, basis
        self.award = award  # name, category and level as the catalogue said when the dossier opened
        self.nominee, self.summary = nominee, summary
        self.simplified, self.posthumous = simplified, posthumous
        self.submission_id = submission_id
        self.movement_id = movement_id  # the movement a thematic or ad hoc award is for
        self.state, self.state_since = State.DRAFT, created_at
        self.late_in: str | None = None  # the state whose time limit has passed, while in it
        self.documents: dict[str, dict[str, Any]] = {}  # "kind/sha256" -> kind, filename, media_type, size
        self.returns: list[dict[str, Any]] = []
        self.outcome: dict[str, Any] = {}  # decision, forwarding, council result, conferral, revocation …
        self.level = unit_code  # who holds it: the unit, a parent unit (its code) or the province (PROVINCE)
        self.route: list[str] = []  # the parent units above the unit, nearest first, resolved at submission
        self.chain: list[dict[str, Any]] = []  # the levels it went through: from, to, step, at (and tờ trình)

    def _enter(self, state: State, at: datetime) -> None:
        self.state, self.state_since, self.late_in = state, at, None

    def check(self, command: str) -> None:
        if self.state not in COMMANDS[command].sources:
            raise IllegalTransitionError(self.state, command)

    # -- the unit prepares it ------------------------------------------------------------
    def edit(self, *, summary: str | None, basis: str | None, position: str | None, by: str, at: datetime,
             priority: dict[str, Any] | None = None) -> None:
        """Correct the summary, basis, position or (`priority`, checked by the caller) every priority fact."""
        self.check("edit")
        self._edited(summary=summary, basis=basis, position=position, by=by, at=at, priority=priority)

    @event("Edited")
    def _edited(self, summary: str | None, basis: str | None, position: str | None, by: str, at: datetime,
                priority: dict[str, Any] | None = None) -> None:  # absent from the edits stored before it
        self.summary = summary if summary is not None else self.summary
        self.basis = basis or self.basis
        if position is not None:
            self.nominee = {**self.nominee, "position": position}
        if priority is not None:
            self.nominee = {**self.nominee, **priority}

    def attach_document(self, *, kind: str, sha256: str, filename: str, media_type: str, size: int,
                        by: str, at: datetime) -> bool:
        self.check("attach_document")
        if f"{kind}/{sha256}" in self.documents:
            return False
        self._document_attached(kind=kind, sha256=sha256, filename=filename, media_type=media_type,
                                size=size, by=by, at=at)
        return True

    @event("DocumentAttached")
    def _document_attached(self, kind: str, sha256: str, filename: str, media_type: str, size: int,
                           by: str, at: datetime) -> None:
        self.documents[f"{kind}/{sha256}"] = {"kind": kind, "sha256": sha256, "filename": filename,
                                             "media_type": media_type, "size": size}

    def remove_document(self, *, sha256: str, by: str, at: datetime) -> None:
        """Remove a file (under every kind it was attached as)."""
        self.check("remove_document")
        if not self.document(sha256):
            raise DocumentNotAttachedError(sha256)
        self._document_removed(sha256=sha256, by=by, at=at)

    @event("DocumentRemoved")
    def _document_removed(self, sha256: str, by: str, at: datetime) -> None:
        self.documents = {k: d for k, d in self.documents.items() if d["sha256"] != sha256}

    def document(self, sha256: str) -> dict[str, Any] | None:
        return next((d for d in self.documents.values() if d["sha256"] == sha256), None)

    def document_kinds(self) -> set[str]:
        return {d["kind"] for d in self.documents.values()}

    def record_unit_council(self, *, meeting_on: date, agreed: int, present: int, attestations: list[str],
                            by: str, at: datetime) -> None:
        """The unit council's minutes: who was present, how many agreed, and the qualitative
        criteria (e.g. "gương mẫu chấp hành …") it attests for the nominee. Recorded again
        before submission, the new minutes replace the old."""
        self.check("record_unit_council")
        if not 0 <= agreed <= present or present < 1:
            raise InvalidCouncilCountError(agreed, present)
        self._unit_council_recorded(meeting_on=meeting_on, agreed=agreed, present=present,
                                    attestations=sorted(set(attestations)), by=by, at=at)

    @event("UnitCouncilRecorded")
    def _unit_council_recorded(self, meeting_on: date, agreed: int, present: int, attestations: list[str],
                               by: str, at: datetime) -> None:
        self.outcome["unit_council"] = {"meeting_on": meeting_on, "agreed": agreed, "present": present,
                                        "attestations": attestations}
        self._enter(State.UNIT_COUNCIL_DONE, at)

    def submit(self, *, missing_documents: list[str], by: str, at: datetime, route: list[str] | None = None) -> None:
        """Submit to Sở Nội vụ or, for a unit with parent units (`route`, nearest first), to its parent."""
        self.check("submit")
        if "unit_council" not in self.outcome and not self.simplified:
            raise UnitCouncilRequiredError()
        if missing_documents:
            raise MissingDocumentsError(missing_documents)
        if route:
            self._sent_to_parent(parent=route[0], route=list(route), by=by, at=at)
        else:
            self._submitted(by=by, at=at)

    @event("Submitted")
    def _submitted(self, by: str, at: datetime) -> None:
        if self.level != PROVINCE:
            self.chain.append({"step": "submitted", "from": self.level, "to": PROVINCE, "at": at})
        self.level = PROVINCE
        self._enter(State.SUBMITTED, at)

    # -- the parent units (a school's dossier at Sở Giáo dục và Đào tạo) -----------------------
    @event("SentToParent")
    def _sent_to_parent(self, parent: str, route: list[str], by: str, at: datetime) -> None:
        self.chain.append({"step": "submitted", "from": self.unit_code, "to": parent, "at": at})
        self.level, self.route = parent, route
        self._enter(State.AT_PARENT, at)

    def next_level(self) -> str:
        """Where the parent unit holding the dossier sends it: the next parent, or the province."""
        above = self.route[self.route.index(self.level) + 1:] if self.level in self.route else []
        return above[0] if above else PROVINCE

    def return_to_unit(self, *, reasons: list[str], by: str, at: datetime) -> None:
        self.check("return_to_unit")
        kept = [r.strip() for r in reasons if r.strip()]
        if not kept:
            raise ReasonRequiredError("trả lại hồ sơ cho đơn vị trực thuộc")
        self._returned_by_parent(level=self.level, reasons=kept, by=by, at=at)

    @event("ReturnedByParent")
    def _returned_by_parent(self, level: str, reasons: list[str], by: str, at: datetime) -> None:
        self.returns.append({"reasons": reasons, "at": at, "by_level": level})
        self.chain.append({"step": "returned", "from": level, "to": self.unit_code, "at": at})
        self.level = self.unit_code
        self._enter(State.RETURNED, at)

    def forward_up(self, *, submission_id: UUID, number: str, title: str, by: str, at: datetime) -> str:
        """The parent unit sends it on in its own tờ trình (`number`): to the next parent, or to
        Sở Nội vụ (then it is submitted). Returns the level it went to."""
        self.check("forward_up")
        to_level = self.next_level()
        self._forwarded_up(from_level=self.level, to_level=to_level, submission_id=submission_id, number=number,
                           title=title, by=by, at=at)
        if to_level == PROVINCE:
            self._submitted(by=by, at=at)
        return to_level

    @event("ForwardedUp")
    def _forwarded_up(self, from_level: str, to_level: str, submission_id: UUID, number: str, title: str,
                      by: str, at: datetime) -> None:
        self.chain.append({"step": "forwarded", "from": from_level, "to": to_level, "at": at,
                           "submission_id": submission_id, "number": number, "title": title})
        self.level = to_level
        if to_level != PROVINCE:
            self._enter(State.AT_PARENT, at)

    # -- Sở Nội vụ appraises it ------------------------------------------------------------
    def return_for_supplement(self, *, reasons: list[str], by: str, at: datetime) -> None:
        self.check("return")
        if not [r for r in reasons if r.strip()]:
            raise ReasonRequiredError("trả lại hồ sơ")
        self._returned(reasons=[r.strip() for r in reasons if r.strip()], by=by, at=at)

    @event("Returned")
    def _returned(self, reasons: list[str], by: str, at: datetime) -> None:
        self.returns.append({"reasons": reasons, "at": at})
        self.chain.append({"step": "returned", "from": PROVINCE, "to": self.unit_code, "at": at})
        self.level = self.unit_code
        self._enter(State.RETURNED, at)

    def accept(self, *, by: str, at: datetime) -> None:
        self.check("accept")
        self._accepted(by=by, at=at)

    @event("Accepted")
    def _accepted(self, by: str, at: datetime) -> None:
        self._enter(State.APPRAISING, at)

    def request_consultation(self, *, agencies: list[str], by: str, at: datetime) -> None:
        self.check("request_consultation")
        if not agencies:
            raise ReasonRequiredError("xin ý kiến hiệp y (nêu cơ quan được hỏi ý kiến)")
        self._consultation_requested(agencies=agencies, by=by, at=at)

    @event("ConsultationRequested")
    def _consultation_requested(self, agencies: list[str], by: str, at: datetime) -> None:
        self.outcome["consultation"] = {"agencies": agencies, "opinions": {}}
        self._enter(State.CONSULTING, at)

    def record_consultation(self, *, agency: str, agrees: bool, opinion: str, by: str, at: datetime) -> None:
        self.check("record_consultation")
        self._consultation_recorded(agency=agency, agrees=agrees, opinion=opinion, by=by, at=at)

    @event("ConsultationRecorded")
    def _consultation_recorded(self, agency: str, agrees: bool, opinion: str, by: str, at: datetime) -> None:
        self.outcome["consultation"]["opinions"][agency] = {"agrees": agrees, "opinion": opinion}

    def finish_consultation(self, *, by: str, at: datetime) -> None:
        self.check("finish_consultation")
        self._consultation_finished(by=by, at=at)

    @event("ConsultationFinished")
    def _consultation_finished(self, by: str, at: datetime) -> None:
        self._enter(State.APPRAISING, at)

    def put_on_hold(self, *, ground: str, note: str, by: str, at: datetime) -> None:
        self.check("put_on_hold")
        if ground not in HOLD_GROUNDS:
            raise InvalidGroundError(ground, HOLD_GROUNDS)
        self._put_on_hold(ground=ground, note=note, held_in=self.state.value, by=by, at=at)

    @event("PutOnHold")
    def _put_on_hold(self, ground: str, note: str, held_in: str, by: str, at: datetime) -> None:
        self.outcome["hold"] = {"ground": ground, "note": note, "held_in": held_in}
        self._enter(State.ON_HOLD, at)

    def resume(self, *, by: str, at: datetime) -> None:
        self.check("resume")
        self._resumed(by=by, at=at)

    @event("Resumed")
    def _resumed(self, by: str, at: datetime) -> None:
        self.outcome.pop("hold", None)
        self._enter(State.APPRAISING, at)  # domain.md §3: resume → appraising

    def appraise(self, *, verdicts: dict[str, Any], today: date, notice_until: date | None, skip_council: bool,
                 council_required: bool, by: str, at: datetime) -> None:
        """Appraisal concluded the nominee qualifies; the next step is public notice (from
        `today`, the province's calendar day), the council, or (simplified procedure, or an
        award without a council step) the decision."""
        self.check("appraise")
        if skip_council and council_required and not self.simplified:
            raise CouncilRequiredError()
        nxt = State.PUBLIC_NOTICE if notice_until else (
            State.AWAITING_DECISION if skip_council else State.COUNCIL_REVIEW)
        self._appraised(verdicts=verdicts, next_state=nxt.value, by=by, at=at)
        if notice_until:
            self._notice_started(notice_from=today, notice_until=notice_until, at=at)

    @event("Appraised")
    def _appraised(self, verdicts: dict[str, Any], next_state: str, by: str, at: datetime) -> None:
        self.outcome["appraisal"] = verdicts
        self._enter(State(next_state), at)

    @event("NoticeStarted")
    def _notice_started(self, notice_from: date, notice_until: date, at: datetime) -> None:
        self.outcome["notice"] = {"from": notice_from, "until": notice_until, "comments": []}

    def record_notice_comment(self, *, author: str, content: str, by: str, at: datetime) -> None:
        self.check("record_notice_comment")
        if not content.strip():
            raise ReasonRequiredError("góp ý (nội dung)")
        self._notice_commented(author=author.strip(), content=content.strip(), by=by, at=at)

    @event("NoticeCommented")
    def _notice_commented(self, author: str, content: str, by: str, at: datetime) -> None:
        self.outcome["notice"]["comments"].append({"author": author, "content": content, "at": at})

    def close_notice(self, *, today: date, by: str, at: datetime) -> None:
        self.check("close_notice")
        until = self.outcome["notice"]["until"]
        if today <= until:
            raise NoticeStillOpenError(until)
        self._notice_closed(by=by, at=at)

    @event("NoticeClosed")
    def _notice_closed(self, by: str, at: datetime) -> None:
        self._enter(State.COUNCIL_REVIEW, at)

    # -- the council, the decision and after ---------------------------------------------------
    def record_council_result(self, *, session_id: UUID, tally: dict[str, Any], passed: bool, at: datetime) -> None:
        self.check("record_council_result")
        self._council_voted(session_id=session_id, tally=tally, passed=passed, at=at)

    @event("CouncilVoted")
    def _council_voted(self, session_id: UUID, tally: dict[str, Any], passed: bool, at: datetime) -> None:
        self.outcome["council"] = {"session_id": session_id, "tally": tally, "passed": passed}
        self._enter(State.COUNCIL_PASSED if passed else State.COUNCIL_FAILED, at)

    def send_for_decision(self, *, by: str, at: datetime) -> None:
        self.check("send_for_decision")
        self._sent_for_decision(by=by, at=at)

    @event("SentForDecision")
    def _sent_for_decision(self, by: str, at: datetime) -> None:
        self._enter(State.AWAITING_DECISION, at)

    def decide(self, *, number: str, decided_on: date, signed_by: str, cash: int | None,
               by: str, at: datetime) -> None:
        self.check("decide")
        self._decided(number=number, decided_on=decided_on, signed_by=signed_by, cash=cash, by=by, at=at)

    @event("Decided")
    def _decided(self, number: str, decided_on: date, signed_by: str, cash: int | None,
                 by: str, at: datetime) -> None:
        self.outcome["decision"] = {"number": number, "decided_on": decided_on, "signed_by": signed_by,
                                    "cash": cash}
        self._enter(State.DECIDED, at)

    def forward(self, *, submission_number: str, forwarded_on: date, by: str, at: datetime) -> None:
        self.check("forward")
        self._forwarded(submission_number=submission_number, forwarded_on=forwarded_on, by=by, at=at)

    @event("Forwarded")
    def _forwarded(self, submission_number: str, forwarded_on: date, by: str, at: datetime) -> None:
        self.outcome["forwarded"] = {"submission_number": submission_number, "forwarded_on": forwarded_on}
        self._enter(State.FORWARDED_CENTRAL, at)

    def record_central_decision(self, *, number: str, decided_on: date, authority: str, cash: int | None,
                                by: str, at: datetime) -> None:
        self.check("record_central_decision")
        self._central_decided(number=number, decided_on=decided_on, authority=authority, cash=cash, by=by, at=at)

    @event("CentralDecided")
    def _central_decided(self, number: str, decided_on: date, authority: str, cash: int | None,
                         by: str, at: datetime) -> None:
        self.outcome["decision"] = {"number": number, "decided_on": decided_on, "signed_by": authority,
                                    "cash": cash, "central": True}
        self._enter(State.CENTRAL_DECIDED, at)

    def reject(self, *, reason: str, by: str, at: datetime) -> None:
        self.check("reject")
        if not reason.strip():
            raise ReasonRequiredError("không khen thưởng (lý do gửi đơn vị)")
        self._rejected(reason=reason.strip(), rejected_in=self.state.value, by=by, at=at)

    @event("Rejected")
    def _rejected(self, reason: str, rejected_in: str, by: str, at: datetime) -> None:
        self.outcome["rejection"] = {"reason": reason, "rejected_in": rejected_in}
        self._enter(State.NOT_AWARDED, at)

    def confer(self, *, conferred_on: date, received_by: str, cash_paid: int | None, by: str, at: datetime) -> None:
        self.check("confer")
        if self.posthumous and not received_by.strip():
            raise ReasonRequiredError("trao tặng truy tặng (người đại diện gia đình nhận)")
        self._conferred(conferred_on=conferred_on, received_by=received_by.strip(), cash_paid=cash_paid,
                        by=by, at=at)

    @event("Conferred")
    def _conferred(self, conferred_on: date, received_by: str, cash_paid: int | None, by: str, at: datetime) -> None:
        self.outcome["conferral"] = {"conferred_on": conferred_on, "received_by": received_by,
                                     "cash_paid": cash_paid}
        self._enter(State.AWARDED, at)

    def revoke(self, *, ground: str, number: str, revoked_on: date, note: str, by: str, at: datetime) -> None:
        self.check("revoke")
        if ground not in REVOCATION_GROUNDS:
            raise InvalidGroundError(ground, REVOCATION_GROUNDS)
        self._revoked(ground=ground, number=number, revoked_on=revoked_on, note=note, by=by, at=at)

    @event("Revoked")
    def _revoked(self, ground: str, number: str, revoked_on: date, note: str, by: str, at: datetime) -> None:
        self.outcome["revocation"] = {"ground": ground, "number": number, "revoked_on": revoked_on, "note": note}
        self._enter(State.REVOKED, at)

    def mark_late(self, *, due: date, today: date, at: datetime) -> bool:
        """Once per stay in a state: the state's time limit has passed."""
        if self.late_in == self.state.value or today <= due:
            return False
        self._became_late(in_state=self.state.value, due=due, at=at)
        return True

    @event("BecameLate")
    def _became_late(self, in_state: str, due: date, at: datetime) -> None:
        self.late_in = in_state


class DossierError(Exception):
    """Base of the rules a dossier command can break."""


class IllegalTransitionError(DossierError):
    def __init__(self, state: State, command: str) -> None:
        allowed = allowed_in(state)
        self.details = {"state": state.value, "command": command, "allowed_commands": allowed}
        names = ", ".join(COMMANDS[c].label for c in allowed) or "không có"
        super().__init__(f"Hồ sơ đang ở trạng thái '{LABELS[state]}': không thể {COMMANDS[command].label}. "
                         f"Lệnh được phép: {names}.")


class MissingDocumentsError(DossierError):
    def __init__(self, missing: list[str]) -> None:
        self.details = {"missing_documents": missing}
        super().__init__(f"Hồ sơ còn thiếu: {'; '.join(missing)}.")


class UnitCouncilRequiredError(DossierError):
    def __init__(self) -> None:
        super().__init__("Chưa có kết quả bình xét của Hội đồng TĐKT đơn vị (chỉ thủ tục đơn giản mới được bỏ qua).")


class CouncilRequiredError(DossierError):
    def __init__(self) -> None:
        super().__init__("Chỉ hồ sơ theo thủ tục đơn giản mới được trình quyết định không qua Hội đồng.")


class ReasonRequiredError(DossierError):
    def __init__(self, what: str) -> None:
        super().__init__(f"Thiếu nội dung bắt buộc khi {what}.")


class InvalidCouncilCountError(DossierError):
    def __init__(self, agreed: int, present: int) -> None:
        super().__init__(f"Số đồng ý ({agreed}) và số có mặt ({present}) không hợp lệ.")


class InvalidGroundError(DossierError):
    def __init__(self, ground: str, grounds: dict[str, str]) -> None:
        options = "; ".join(f"{k}: {v}" for k, v in grounds.items())
        super().__init__(f"Căn cứ '{ground}' không hợp lệ. Chọn một trong: {options}.")


class NoticeStillOpenError(DossierError):
    def __init__(self, until: date) -> None:
        super().__init__(f"Thời gian công khai đến hết ngày {until:%d/%m/%Y}; chưa thể trình Hội đồng.")


class NotUnderNoticeError(DossierError):
    def __init__(self) -> None:
        super().__init__("Hồ sơ này không trong thời gian công khai.")


class DocumentNotAttachedError(DossierError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"Hồ sơ không có tài liệu {sha256[:12]}….")


class Submission(Aggregate):
    """What a unit submitted together: a title (e.g. its Tờ trình) and the dossiers it holds."""

    @staticmethod
    def create_id(unit_code: str, year: int, title: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/submissions/{unit_code}/{year}/{' '.join(title.lower().split())}")

    @event("Opened")
    def __init__(self, *, unit_code: str, year: int, title: str, opened_by: str, opened_at: datetime) -> None:
        self.unit_code, self.year, self.title = unit_code, year, title
        self.dossiers: list[UUID] = []
        self.sources: list[str] = []
        self.number: str | None = None  # the tờ trình a parent unit sent it upward with
        self.sent_to: str | None = None  # the level it was sent to

    def add(self, dossier_ids: list[UUID], source: str, by: str, at: datetime) -> None:
        present = set(self.dossiers)
        new = [d for d in dossier_ids if d not in present]
        if new or source not in self.sources:
            self._added(dossier_ids=new, source=source, by=by, at=at)

    @event("DossiersAdded")
    def _added(self, dossier_ids: list[UUID], source: str, by: str, at: datetime) -> None:
        self.dossiers.extend(dossier_ids)
        if source not in self.sources:
            self.sources.append(source)

    def send_up(self, *, number: str, to_level: str, dossier_ids: list[UUID], by: str, at: datetime) -> None:
        """A parent unit sends its units' dossiers upward under its tờ trình `number` (one number
        per submission: sending more dossiers later keeps it)."""
        if self.number is not None and self.number != number:
            raise SubmissionNumberConflictError(self.title, self.number, number)
        self._sent_up(number=number, to_level=to_level, dossier_ids=dossier_ids, by=by, at=at)

    @event("SentUp")
    def _sent_up(self, number: str, to_level: str, dossier_ids: list[UUID], by: str, at: datetime) -> None:
        self.number, self.sent_to = number, to_level
        present = set(self.dossiers)
        for dossier_id in dossier_ids:  # once each, as before (a set made once, not once per id)
            if dossier_id not in present:
                self.dossiers.append(dossier_id)
                present.add(dossier_id)


# Submissions were first stored from the spreadsheet intake module; their stored events keep that topic.
register_topic("services.nomination.dossiers.bulk:Submission", Submission)


class SubmissionNumberConflictError(DossierError):
    def __init__(self, title: str, number: str, given: str) -> None:
        super().__init__(f"Đợt '{title}' đã trình với tờ trình số {number}, không ghi lại thành số {given}; "
                         "đặt tên đợt khác cho tờ trình mới.")
