"""Sở Nội vụ's side of a dossier and what follows: reception, appraisal (with the eligibility
rules of the day), consultation, hold, public notice, the council's result, the decision or
the submission upward, rejection, conferral, revocation, and time limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from servicekit.auth import Principal
from services.nomination.dossiers.base import DossierUseCases
from services.nomination.dossiers.domainmodel import Dossier, DossierError
from services.nomination.dossiers.ports import (
    AwardCounts,
    Calendar,
    Catalogue,
    Eligibility,
    Evaluation,
    History,
    TimeLimits,
)
from services.nomination.dossiers.states import CLOCK_STOPPED, FINAL


class Review(DossierUseCases):
    def __init__(self, app: Application[UUID], catalogue: Catalogue, eligibility: Eligibility, history: History,
                 calendar: Calendar, limits: TimeLimits, simplified_skips_council: bool,
                 counts: AwardCounts | None = None) -> None:
        super().__init__(app)
        self.catalogue, self.eligibility, self.history = catalogue, eligibility, history
        self.calendar, self.limits = calendar, limits
        self.simplified_skips_council = simplified_skips_council
        self.counts = counts

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
        records = self.history.decided(dossier.nominee, award.code, dossier.year, number, decided_on, dossier.basis)
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
                                       dossier.basis)
        return self.save(dossier, *records)

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

    def mark_late(self, dossier_id: UUID, today: date, now: datetime) -> bool:
        """Record that the dossier's current step passed its time limit (once per step)."""
        dossier = self.load(dossier_id)
        due = self.step_due(dossier)
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
