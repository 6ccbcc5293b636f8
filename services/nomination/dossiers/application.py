"""The use cases of a dossier, one object per side of the work, each method one use case (get,
call, save), each checking the acting principal against the command table in `states.py`:

- `Drafting`, the unit's side: open a dossier, complete it, attach its documents, record the
  unit council's vote, submit it (and again after a return);
- `Review`, Sở Nội vụ's side and what follows: reception, appraisal (with the eligibility rules
  of the day), consultation, hold, public notice, the council's result, the decision or the
  submission upward, rejection, conferral, revocation, and time limits;
- `Levels`, a parent unit's side of its units' dossiers (a school's at Sở Giáo dục và Đào tạo, a
  company's at its group): return one to the unit with the reasons, or send several upward as
  one submission under the parent's own tờ trình, to the next parent or to Sở Nội vụ.

The spreadsheet intake (`bulk.py`) builds on `Drafting`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from servicekit.auth import Principal, Role
from services.nomination.dossiers import priority
from services.nomination.dossiers.base import DossierUseCases, authorize, levels_of
from services.nomination.dossiers.domainmodel import DocumentNotAttachedError, Dossier, DossierError, Submission
from services.nomination.dossiers.ports import (
    AwardCounts,
    AwardInfo,
    Calendar,
    Catalogue,
    DocumentStore,
    Eligibility,
    Evaluation,
    History,
    KnownMovement,
    Movements,
    NoParents,
    TimeLimits,
    Units,
)
from services.nomination.dossiers.states import CLOCK_STOPPED, FINAL, TIMED

# The bases of award (loại hình khen thưởng; `contracts.nomination.AwardBasis`): "cong_trang" is the
# statutory forms' "thường xuyên"; "khang_chien" their awards for the resistance wars.
BASES = {"cong_trang": "công trạng, thành tích thường xuyên", "chuyen_de": "theo chuyên đề, theo đợt",
         "dot_xuat": "đột xuất", "cong_hien": "quá trình cống hiến", "nien_han": "niên hạn",
         "doi_ngoai": "đối ngoại", "khang_chien": "kháng chiến"}


@dataclass(frozen=True)
class NewDossier:
    unit_code: str
    award_code: str
    year: int
    basis: str | None  # None: the award's own (`default_basis`)
    nominee_kind: str
    nominee: dict[str, Any]  # what identifies the nominee (see History.resolve)
    summary: str = ""
    simplified: bool = False
    posthumous: bool = False
    submission_id: UUID | None = None
    movement_id: UUID | None = None


# The bases of award a movement's dossier may have (khen thưởng theo chuyên đề, đột xuất).
MOVEMENT_BASES = ("chuyen_de", "dot_xuat")
# How long after a movement's conclusion (tổng kết) dossiers for its awards may still be opened.
MOVEMENT_AWARD_DAYS = 365


class Drafting(DossierUseCases):
    def __init__(self, app: Application[UUID], catalogue: Catalogue, history: History, store: DocumentStore,
                 units: Units | None = None, movements: Movements | None = None) -> None:
        super().__init__(app)
        self.catalogue = catalogue
        self.history = history
        self.store = store
        self.units: Units = units or NoParents()
        self.movements = movements  # None: movements are not checked (no bus)

    def open(self, actor: Principal, new: NewDossier, now: datetime) -> tuple[UUID, bool]:
        """Open the dossier for the acting clerk's unit (an admin names it); the same unit, year,
        award and nominee again finds the same one."""
        new = replace(new, unit_code=proposing_unit(actor, new.unit_code, "không mở được hồ sơ"))
        dossier, records = self.prepare(actor, new, now)
        if self.exists(dossier.id):
            return dossier.id, False
        self.app.save(*records, dossier)
        return dossier.id, True

    def read_ahead(self, news: Sequence[NewDossier]) -> ReadAhead:
        """What `prepare` reads for many dossiers, read once for all of them (`ReadAhead`)."""
        return ReadAhead(self.catalogue, self.history.read_ahead([(n.nominee_kind, _nominee_data(n)) for n in news]))

    def prepare(self, actor: Principal, new: NewDossier, now: datetime,
                ahead: ReadAhead | None = None) -> tuple[Dossier, list[Any]]:
        """Check everything and build the dossier (and a new person record) without saving;
        `ahead`: the award and the nominee's record as read for a batch (`read_ahead`)."""
        authorize(actor, "edit", new.unit_code)
        award = ahead.award(new.award_code) if ahead else self.catalogue.award(new.award_code)
        new = replace(new, basis=new.basis or default_basis(award, new.movement_id))
        check_fits(award, new)
        facts = priority.checked(new.nominee_kind, new.nominee)
        if new.movement_id is not None and self.movements is not None:
            check_movement(self.movements.find(new.movement_id), new, now.date())
        nominee, records = self.history.resolve(new.nominee_kind, _nominee_data(new), actor.subject,
                                                ahead.records if ahead else None)
        nominee = {**nominee, **facts, "gender": nominee.get("gender") or facts["gender"]}
        assert new.basis is not None
        dossier = Dossier(unit_code=new.unit_code, award_code=award.code, year=new.year, basis=new.basis,
                          award={"name": award.name, "category": award.category, "level": award.level},
                          nominee=nominee, summary=new.summary.strip(), simplified=new.simplified,
                          posthumous=new.posthumous, submission_id=new.submission_id, created_by=actor.subject,
                          created_at=now, movement_id=new.movement_id)
        return dossier, records

    def exists(self, dossier_id: UUID) -> bool:
        try:
            self.load(dossier_id)
        except DossierError:
            return False
        return True

    def edit(self, dossier_id: UUID, version: int | None, actor: Principal, *, summary: str | None,
             basis: str | None, position: str | None, now: datetime, priority: dict[str, Any] | None = None) -> int:
        """Correct the dossier; `priority` holds the priority facts given again (the others stay)."""
        dossier = self.for_command(dossier_id, version, actor, "edit")
        if basis is not None and basis not in BASES:
            raise InvalidBasisError(basis)
        facts = corrected_facts(dossier.nominee, priority) if priority else None
        dossier.edit(summary=summary, basis=basis, position=position, priority=facts, by=actor.subject, at=now)
        return self.save(dossier)

    def attach(self, dossier_id: UUID, version: int | None, actor: Principal, *, kind: str, data: bytes,
               filename: str, media_type: str, now: datetime, replaces: str | None = None) -> int:
        """Attach a file; with `replaces`, the file it replaces is removed in the same change."""
        dossier = self.for_command(dossier_id, version, actor, "attach_document")
        kinds = self.catalogue.required_documents(dossier.award_code, dossier.nominee["kind"])
        if kind not in kinds and kind != "khac":
            raise UnknownDocumentKindError(kind, self.catalogue.award(dossier.award_code).name, kinds)
        if replaces is not None and dossier.document(replaces) is None:
            raise DocumentNotAttachedError(replaces)
        sha256 = self.store.put(data)
        changed = dossier.attach_document(kind=kind, sha256=sha256, filename=filename, media_type=media_type,
                                          size=len(data), by=actor.subject, at=now)
        if replaces is not None and replaces != sha256:
            dossier.remove_document(sha256=replaces, by=actor.subject, at=now)
            changed = True
        if changed:
            self.save(dossier)
        return dossier.version

    def remove(self, dossier_id: UUID, version: int | None, actor: Principal, sha256: str, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "remove_document")
        dossier.remove_document(sha256=sha256, by=actor.subject, at=now)
        return self.save(dossier)

    def record_unit_council(self, dossier_id: UUID, version: int | None, actor: Principal, *, meeting_on: date,
                            agreed: int, present: int, now: datetime, attestations: Sequence[str] = ()) -> int:
        dossier = self.for_command(dossier_id, version, actor, "record_unit_council")
        dossier.record_unit_council(meeting_on=meeting_on, agreed=agreed, present=present,
                                    attestations=list(attestations), by=actor.subject, at=now)
        return self.save(dossier)

    def submit(self, dossier_id: UUID, version: int | None, actor: Principal, now: datetime) -> int:
        """Submit to Sở Nội vụ, or to the unit's parent unit (its route upward resolved now)."""
        dossier = self.for_command(dossier_id, version, actor, "submit")
        dossier.submit(missing_documents=self.missing_documents(dossier), route=self.units.route(dossier.unit_code),
                       by=actor.subject, at=now)
        return self.save(dossier)

    def required_documents(self, dossier: Dossier) -> dict[str, str]:
        return self.catalogue.required_documents(dossier.award_code, dossier.nominee["kind"])

    def missing_documents(self, dossier: Dossier) -> list[str]:
        present = dossier.document_kinds()
        return [name for code, name in self.required_documents(dossier).items() if code not in present]


class ReadAhead:
    """What the dossiers of one batch share, each read once: the awards of the catalogue in
    force (once per award code) and the records their nominees may name (one query)."""

    def __init__(self, catalogue: Catalogue, records: object) -> None:
        self.catalogue, self.records = catalogue, records
        self._awards: dict[str, AwardInfo] = {}

    def award(self, code: str) -> AwardInfo:
        if code not in self._awards:
            self._awards[code] = self.catalogue.award(code)  # an unknown code raises, each time it is met
        return self._awards[code]


def _nominee_data(new: NewDossier) -> dict[str, Any]:
    """The nominee as the history resolves it: the proposing unit's unless the nominee names one."""
    return {**new.nominee, "unit_code": new.nominee.get("unit_code") or new.unit_code}


def corrected_facts(nominee: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The nominee's priority facts with those `given` again, checked together: a new ethnicity
    decides the minority flag anew, a new leadership fact or tier the other one, "no leadership
    position" drops the title kept before."""
    kept = {k: nominee.get(k) for k in priority.FACTS}
    if "ethnicity" in given and "ethnic_minority" not in given:
        kept["ethnic_minority"] = None
    if "leadership" in given and "leadership_tier" not in given:
        kept["leadership_tier"] = None  # decided anew from the yes/no fact
    if "leadership_tier" in given and "leadership" not in given:
        kept["leadership"] = None  # decided anew from the tier
    if (given.get("leadership") is False or given.get("leadership_tier") == "khong") \
            and "leadership_title" not in given:
        kept["leadership_title"] = None
    facts = priority.checked(nominee["kind"], {**kept, **given})
    return {**facts, "gender": nominee.get("gender")}


def default_basis(award: AwardInfo, movement_id: UUID | None) -> str:
    """The basis a dossier takes when the unit names none: an award proposed for an emulation
    movement is a thematic one (khen thưởng theo chuyên đề: the movement's own award, domain §1);
    an award the catalogue gives on one basis only (a Kỷ niệm chương for cống hiến) takes that one;
    any other rewards achievements (công trạng, thành tích thường xuyên)."""
    if movement_id is not None:
        return "chuyen_de"
    if len(award.bases) == 1 and award.bases[0] in BASES:
        return award.bases[0]
    return "cong_trang"


def check_fits(award: AwardInfo, new: NewDossier) -> None:
    if new.nominee_kind not in award.subjects:
        raise NomineeKindError(award, new.nominee_kind)
    if new.basis not in BASES:
        raise InvalidBasisError(str(new.basis))
    if new.posthumous and not award.posthumous_allowed:
        raise PosthumousNotAllowedError(award)
    if new.movement_id is not None and new.basis not in MOVEMENT_BASES:
        raise MovementBasisError(new.basis)


def check_movement(movement: KnownMovement | None, new: NewDossier, today: date) -> None:
    """The movement named is one the plan launched, the achievement year falls in its period,
    and it was not concluded more than `MOVEMENT_AWARD_DAYS` ago."""
    assert new.movement_id is not None
    if movement is None:
        raise UnknownMovementError(new.movement_id)
    if not movement.starts_on.year <= new.year <= max(movement.ends_on, movement.concluded_on or date.min).year:
        raise MovementPeriodError(movement, new.year)
    if movement.concluded_on is not None and (today - movement.concluded_on).days > MOVEMENT_AWARD_DAYS:
        raise MovementConcludedError(movement)


class UnknownMovementError(DossierError):
    def __init__(self, movement_id: UUID) -> None:
        super().__init__(f"Không có phong trào thi đua mã {movement_id} trong số các phong trào đã phát động: "
                         "kiểm tra lại mã phong trào (phong trào mới soạn, chưa có quyết định phát động thì chưa "
                         "đề nghị khen thưởng được).")


class MovementPeriodError(DossierError):
    def __init__(self, movement: KnownMovement, year: int) -> None:
        super().__init__(f"Năm thành tích {year} nằm ngoài thời gian của phong trào «{movement.name}» "
                         f"({movement.starts_on:%d/%m/%Y} – {movement.ends_on:%d/%m/%Y}).")


class MovementConcludedError(DossierError):
    def __init__(self, movement: KnownMovement) -> None:
        super().__init__(f"Phong trào «{movement.name}» đã tổng kết ngày {movement.concluded_on:%d/%m/%Y}, quá "
                         f"{MOVEMENT_AWARD_DAYS} ngày: không mở thêm hồ sơ khen thưởng cho phong trào này.")


class NomineeKindError(DossierError):
    def __init__(self, award: AwardInfo, kind: str) -> None:
        super().__init__(f"'{award.name}' không xét tặng cho đối tượng '{kind}' "
                         f"(chỉ cho: {', '.join(sorted(award.subjects))}).")


class InvalidBasisError(DossierError):
    def __init__(self, basis: str) -> None:
        super().__init__(f"Loại hình khen thưởng '{basis}' không hợp lệ; dùng một trong: "
                         + priority.codes_with_labels(BASES) + ".")


class MovementBasisError(DossierError):
    def __init__(self, basis: str) -> None:
        super().__init__("Chỉ hồ sơ khen thưởng theo chuyên đề, theo đợt hoặc đột xuất mới gắn với phong trào "
                         f"thi đua; hồ sơ này có loại hình '{BASES.get(basis, basis)}'.")


class PosthumousNotAllowedError(DossierError):
    def __init__(self, award: AwardInfo) -> None:
        super().__init__(f"'{award.name}' không được truy tặng.")


class UnknownDocumentKindError(DossierError):
    def __init__(self, kind: str, award: str, kinds: dict[str, str]) -> None:
        listed = "; ".join(f"{c} ({n})" for c, n in kinds.items())
        super().__init__(f"Loại tài liệu '{kind}' không thuộc hồ sơ '{award}'. Các loại: {listed}; khac.")


class Review(DossierUseCases):
    def __init__(self, app: Application[UUID], catalogue: Catalogue, eligibility: Eligibility, history: History,
                 calendar: Calendar, limits: TimeLimits, simplified_skips_council: bool,
                 counts: AwardCounts | None = None, movements: Movements | None = None) -> None:
        super().__init__(app)
        self.catalogue, self.eligibility, self.history = catalogue, eligibility, history
        self.calendar, self.limits = calendar, limits
        self.simplified_skips_council = simplified_skips_council
        self.counts = counts
        self.movements = movements

    def step(self, dossier_id: UUID, version: int | None, actor: Principal, command: str, now: datetime,
             **arguments: Any) -> int:
        """The commands that need nothing but the dossier: return, accept, consultation, hold,
        resume, notice comments, sending for decision, rejection."""
        dossier = self.for_command(dossier_id, version, actor, command)
        method = {"return": dossier.return_for_supplement}.get(command) or getattr(dossier, command)
        method(**arguments, by=actor.subject, at=now)
        return self.save(dossier)

    def evaluate(self, dossier: Dossier, on: date, dossier_facts: dict[str, Any] | None = None) -> Evaluation:
        """The rules on the nominee's history, with what the unit council attested and what
        the appraiser adds."""
        facts = dict(dossier_facts or {})
        attested = dossier.outcome.get("unit_council", {}).get("attestations", [])
        facts["attestations"] = sorted(set(attested) | set(facts.get("attestations", [])))
        return self.eligibility.evaluate(dossier.award_code, dossier.year, dossier.basis, dossier.nominee, facts, on)

    def appraise(self, dossier_id: UUID, version: int | None, actor: Principal, *, dossier_facts: dict[str, Any],
                 confirmed_unknown: str | None, today: date, now: datetime) -> int:
        """Conclude the appraisal: the rules must pass; a rule that cannot tell needs the
        appraiser's written confirmation; a rule that fails stops it (reject instead)."""
        dossier = self.for_command(dossier_id, version, actor, "appraise")
        evaluation = self.evaluate(dossier, today, dossier_facts)
        check_evaluation(evaluation, confirmed_unknown, self.quota_problems(dossier))
        award = self.catalogue.award(dossier.award_code)
        notice = self.calendar.add_working_days(today, award.notice_working_days) if award.notice_working_days \
            else None
        snapshot = {"overall": evaluation.overall, "rules_version": evaluation.rules_version,
                    "catalogue_version": self.catalogue.version, "confirmed_unknown": confirmed_unknown,
                    "quotas": self.quota_problems(dossier),
                    "verdicts": [asdict(v) for v in evaluation.verdicts]}
        skip = not award.council_required or (dossier.simplified and self.simplified_skips_council)
        dossier.appraise(verdicts=snapshot, today=today, notice_until=notice, by=actor.subject, at=now,
                         skip_council=skip, council_required=award.council_required)
        return self.save(dossier)

    def quota_problems(self, dossier: Dossier) -> list[str]:
        if self.counts is None:
            return []
        counts = self.counts(dossier.unit_code, dossier.year)
        return self.catalogue.quota_problems(dossier.award_code, dossier.unit_code, dossier.year, counts)

    def close_notice(self, dossier_id: UUID, version: int | None, actor: Principal, today: date, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "close_notice")
        dossier.close_notice(today=today, by=actor.subject, at=now)
        return self.save(dossier)

    def record_council_result(self, dossier_id: UUID, session_id: UUID, tally: dict[str, Any], passed: bool,
                              now: datetime) -> Dossier:
        """Called by the council session when it closes (not saved: the session saves both)."""
        dossier = self.load(dossier_id)
        dossier.record_council_result(session_id=session_id, tally=tally, passed=passed, at=now)
        return dossier

    def decide(self, dossier_id: UUID, version: int | None, actor: Principal, *, number: str, decided_on: date,
               signed_by: str, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "decide")
        award = self.catalogue.award(dossier.award_code)
        if not award.province_decides:
            raise ForwardInsteadError(award.name)
        dossier.decide(number=number, decided_on=decided_on, signed_by=signed_by,
                       cash=self.catalogue.cash(award.code, dossier.nominee["kind"], decided_on), by=actor.subject,
                       at=now)
        records = self.history.decided(dossier.nominee, award.code, dossier.year, number, decided_on, dossier.basis,
                                       self.movement_of(dossier))
        return self.save(dossier, *records)

    def forward(self, dossier_id: UUID, version: int | None, actor: Principal, *, submission_number: str,
                forwarded_on: date, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "forward")
        award = self.catalogue.award(dossier.award_code)
        if award.province_decides:
            raise DecideInsteadError(award.name)
        dossier.forward(submission_number=submission_number, forwarded_on=forwarded_on, by=actor.subject, at=now)
        return self.save(dossier)

    def record_central_decision(self, dossier_id: UUID, version: int | None, actor: Principal, *, number: str,
                                decided_on: date, authority: str, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "record_central_decision")
        cash = self.catalogue.cash(dossier.award_code, dossier.nominee["kind"], decided_on)
        dossier.record_central_decision(number=number, decided_on=decided_on, authority=authority, cash=cash,
                                        by=actor.subject, at=now)
        records = self.history.decided(dossier.nominee, dossier.award_code, dossier.year, number, decided_on,
                                       dossier.basis, self.movement_of(dossier))
        return self.save(dossier, *records)

    def movement_of(self, dossier: Dossier) -> tuple[str, str | None] | None:
        """The movement a thematic or ad hoc award is for (id, and name when known), for the
        nominee's record: guard G4 names it when it leaves the award out of a chain."""
        movement_id: UUID | None = getattr(dossier, "movement_id", None)
        if movement_id is None:
            return None
        known = self.movements.find(movement_id) if self.movements is not None else None
        return str(movement_id), known.name if known else None

    def confer(self, dossier_id: UUID, version: int | None, actor: Principal, *, conferred_on: date,
               received_by: str, cash_paid: int | None, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "confer")
        dossier.confer(conferred_on=conferred_on, received_by=received_by, cash_paid=cash_paid,
                       by=actor.subject, at=now)
        return self.save(dossier)

    def revoke(self, dossier_id: UUID, version: int | None, actor: Principal, *, ground: str, number: str,
               revoked_on: date, note: str, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "revoke")
        dossier.revoke(ground=ground, number=number, revoked_on=revoked_on, note=note, by=actor.subject, at=now)
        decided = dossier.outcome["decision"]["number"]
        records = self.history.revoked(dossier.nominee, dossier.award_code, dossier.year, decided, revoked_on)
        return self.save(dossier, *records)

    def step_due(self, dossier: Dossier) -> date | None:
        """The province's day by which the dossier's current step must be done: its time limit in
        working days from the day it entered the step; None when the clock stands still or the
        step has no limit."""
        if dossier.state in CLOCK_STOPPED or dossier.state in FINAL:
            return None
        return self.limits.due(dossier.state.value, self.calendar.day_of(dossier.state_since), self.calendar)

    def due(self, dossier: Dossier) -> date | None:
        """The day by which whoever holds the dossier must act: the province's step, or a parent
        unit's review (reviewed and returned or sent upward); None when no limit runs."""
        if dossier.state not in TIMED:
            return None
        return self.limits.due(dossier.state.value, self.calendar.day_of(dossier.state_since), self.calendar)

    def mark_late(self, dossier_id: UUID, today: date, now: datetime) -> bool:
        """Record that the dossier's current step passed its time limit (once per step, and once
        per parent unit holding it)."""
        dossier = self.load(dossier_id)
        due = self.due(dossier)
        if due is None or not dossier.mark_late(due=due, today=today, at=now):
            return False
        self.save(dossier)
        return True


def check_evaluation(evaluation: Evaluation, confirmed_unknown: str | None, quota_problems: list[str]) -> None:
    """A verified failure stops the appraisal; an outcome that cannot be told, that rests on
    unverified rules, or that exceeds a quota of the unit needs the appraiser's written confirmation."""
    deciding = [v for v in evaluation.verdicts if v.rule_id in evaluation.deciding] or list(evaluation.verdicts)
    if evaluation.overall == "fail" and not evaluation.unverified:
        raise NotEligibleError([v for v in deciding if v.outcome == "fail"] or deciding)
    uncertain = evaluation.overall != "pass" or evaluation.unverified or quota_problems
    if uncertain and not (confirmed_unknown or "").strip():
        raise ConfirmationRequiredError([v for v in evaluation.verdicts if v.outcome != "pass"
                                         or v.rule_id in evaluation.unverified], quota_problems)


class NotEligibleError(DossierError):
    def __init__(self, failed: list[Any]) -> None:
        self.details = {"verdicts": [{"rule_id": v.rule_id, "reason": v.reason} for v in failed]}
        reasons = "; ".join(f"{v.rule_id}: {v.reason}" for v in failed)
        super().__init__(f"Chưa đủ điều kiện theo quy định ({reasons}). Trả lại hoặc không khen thưởng, nêu lý do.")


class ConfirmationRequiredError(DossierError):
    def __init__(self, unknown: list[Any], quota_problems: Sequence[str] = ()) -> None:
        self.details = {"verdicts": [{"rule_id": v.rule_id, "reason": v.reason, "missing": list(v.missing)}
                                     for v in unknown], "quotas": list(quota_problems)}
        reasons = "; ".join([f"{v.rule_id}: {v.reason}" for v in unknown] + list(quota_problems))
        super().__init__(f"Chưa xác định được ({reasons}). Người thẩm định cần ghi xác nhận đã kiểm tra "
                         "(confirmed_unknown) hoặc bổ sung dữ liệu.")


class ForwardInsteadError(DossierError):
    def __init__(self, award: str) -> None:
        super().__init__(f"'{award}' do cấp Nhà nước quyết định: trình cấp Nhà nước, không ghi quyết định của tỉnh.")


class DecideInsteadError(DossierError):
    def __init__(self, award: str) -> None:
        super().__init__(f"'{award}' do Chủ tịch UBND tỉnh quyết định: không trình cấp Nhà nước.")


@dataclass(frozen=True)
class SentUp:
    submission_id: UUID
    number: str
    from_level: str
    to_level: str
    dossiers: list[UUID]


class Levels(DossierUseCases):
    def __init__(self, app: Application[UUID], units: Units) -> None:
        super().__init__(app)
        self.units = units

    def return_to_unit(self, dossier_id: UUID, version: int | None, actor: Principal, reasons: list[str],
                       now: datetime) -> int:
        """Return a dossier the parent unit holds to the unit that sent it, with the reasons."""
        dossier = self._held(dossier_id, version, actor, "return_to_unit")
        dossier.return_to_unit(reasons=reasons, by=actor.subject, at=now)
        return self.save(dossier)

    def send_up(self, actor: Principal, *, title: str, number: str, year: int, dossier_ids: list[UUID],
                now: datetime) -> SentUp:
        """Send the dossiers the actor's unit holds upward as one submission of that unit (its
        id from the unit, year and title; its tờ trình `number`), all or none: they must all be
        at the same level and go to the same next one."""
        unique = list(dict.fromkeys(dossier_ids))
        dossiers = [self._held(d, None, actor, "forward_up") for d in unique]
        levels = {d.level for d in dossiers}
        if len(levels) > 1:
            raise MixedLevelsError(sorted(levels))
        targets = {d.next_level() for d in dossiers}
        if len(targets) > 1:
            raise MixedLevelsError(sorted(targets), going=True)
        from_level = levels.pop()
        submission = self._submission(from_level, year, title, actor, now)
        to_level = targets.pop()
        submission.send_up(number=number, to_level=to_level, dossier_ids=unique, by=actor.subject, at=now)
        for dossier in dossiers:
            dossier.forward_up(submission_id=submission.id, number=number, title=submission.title,
                               by=actor.subject, at=now)
        self.app.save(submission, *dossiers)
        return SentUp(submission.id, number, from_level, to_level, unique)

    def _held(self, dossier_id: UUID, version: int | None, actor: Principal, command: str) -> Dossier:
        """The dossier for a parent unit's `command`; a unit that held it and sent it on (or
        returned it) is told where it is now."""
        dossier = self.load(dossier_id)
        if actor.unit and actor.unit != dossier.level and actor.unit in levels_of(dossier):
            raise NoLongerHeldError(self.units.name(dossier.level), dossier.level)
        return self.for_command(dossier_id, version, actor, command)

    def _submission(self, unit: str, year: int, title: str, actor: Principal, now: datetime) -> Submission:
        submission_id = Submission.create_id(unit, year, title)
        try:
            found: object = self.app.repository.get(submission_id)
        except AggregateNotFoundError:
            return Submission(unit_code=unit, year=year, title=" ".join(title.split()), opened_by=actor.subject,
                              opened_at=now)
        if not isinstance(found, Submission):
            raise DossierError(f"Không mở được đợt đề nghị '{title}'.")
        return found

    def where(self, dossier: Dossier) -> dict[str, object]:
        """The dossier's level and route in words (the units' names from the province's file)."""
        level, *route = self.units.names([dossier.level, *dossier.route])
        return {"level_name": level, "route_names": route}


def proposing_unit(actor: Principal, named: str, doing: str) -> str:
    """The unit proposing: the acting clerk's own; an admin without a unit names it (`named`)."""
    if actor.unit:
        return actor.unit
    if Role.ADMIN not in actor.roles:
        raise DossierError(f"Tài khoản chưa gắn với đơn vị nào: {doing}.")
    return named


class MixedLevelsError(DossierError):
    def __init__(self, levels: list[str], going: bool = False) -> None:
        self.details = {"levels": levels}
        where = "đi tới các cấp khác nhau" if going else "đang ở các cấp khác nhau"
        super().__init__(f"Các hồ sơ trong một tờ trình phải cùng một cấp: những hồ sơ này {where} "
                         f"({', '.join(levels)}). Trình riêng từng nhóm.")


class NoLongerHeldError(DossierError):
    def __init__(self, name: str, level: str) -> None:
        self.details = {"level": level}
        super().__init__(f"Hồ sơ không còn ở đơn vị (đã trình tiếp hoặc trả lại); hiện ở: {name}.")
