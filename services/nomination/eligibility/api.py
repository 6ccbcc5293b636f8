"""HTTP API of eligibility on its own: `POST /eligibility/check` answers every rule for one case
or one nominee's record, without opening a dossier. Reading a person's record this way is
recorded in the history's read audit, as every read of a person's record is."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from servicekit.auth import Principal, require
from services.nomination.eligibility.application import COMMANDS, CheckInputError, CheckResult, EligibilityChecks
from services.nomination.eligibility.casefile import CheckRequest
from services.nomination.eligibility.domainmodel import Summary
from services.nomination.eligibility.facts import Outcome, Verdict
from services.nomination.history.api import AuditDep, RuntimeDep
from services.nomination.history.application import ref_id

ERRORS: dict[type[Exception], tuple[int, str]] = {CheckInputError: (422, "invalid_input")}
PURPOSE = "Kiểm tra điều kiện khen thưởng (POST /eligibility/check)"


async def get_checks(request: Request) -> EligibilityChecks:
    checks: EligibilityChecks = request.app.state.runtime.checks
    return checks


ChecksDep = Annotated[EligibilityChecks, Depends(get_checks)]
Checker = Annotated[Principal, Depends(require(*COMMANDS["check"]))]
router = APIRouter(prefix="/eligibility", tags=["eligibility"])


class VerdictPublic(BaseModel):
    rule_id: str
    title: str
    kind: Literal["rule", "guard"]
    group: str  # rules of one group are alternatives
    outcome: Outcome
    reason: str  # in Vietnamese
    facts_used: list[str]
    missing: list[str]  # what must be supplied to tell (when unknown)
    verified: bool  # False: the rule's legal text is not verified (the province's configuration)
    legal_basis: str

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictPublic:
        return cls(rule_id=verdict.rule_id, title=verdict.title, kind=verdict.kind, group=verdict.group,
                   outcome=verdict.outcome, reason=verdict.reason, facts_used=list(verdict.facts_used),
                   missing=list(verdict.missing), verified=verdict.verified, legal_basis=verdict.legal_basis)


class SummaryPublic(BaseModel):
    outcome: Outcome  # never "pass" when a rule cannot tell
    text: str
    deciding: list[str]
    unverified: list[str]
    missing: list[str]
    provisional: bool  # the outcome rests on unverified rules

    @classmethod
    def of(cls, summary: Summary) -> SummaryPublic:
        return cls(outcome=summary.outcome, text=summary.text, deciding=list(summary.deciding),
                   unverified=list(summary.unverified), missing=list(summary.missing),
                   provisional=summary.provisional)


class CheckPublic(BaseModel):
    award: str
    award_name: str
    year: int
    evaluated_on: date
    basis: str
    subject_kind: str
    nominee_ref: str | None
    rules_version: str
    overall: SummaryPublic
    verdicts: list[VerdictPublic]
    matches: bool | None  # None: nothing expected
    mismatches: list[str]

    @classmethod
    def of(cls, result: CheckResult) -> CheckPublic:
        return cls(award=result.award, award_name=result.award_name, year=result.year,
                   evaluated_on=result.evaluated_on, basis=result.basis, subject_kind=result.subject_kind,
                   nominee_ref=result.nominee_ref, rules_version=result.rules_version,
                   overall=SummaryPublic.of(result.summary), verdicts=[VerdictPublic.of(v) for v in result.verdicts],
                   matches=None if result.mismatches is None else not result.mismatches,
                   mismatches=list(result.mismatches or ()))


@router.post("/check")
async def check(body: CheckRequest, checks: ChecksDep, actor: Checker, request: Request, runtime: RuntimeDep,
                audit: AuditDep) -> CheckPublic:
    """Every rule's verdict, reason and facts used for one case or one nominee's record; opens no dossier."""
    result = await asyncio.to_thread(checks.check, body, actor)
    if body.nominee_ref is not None and result.subject_kind == "ca_nhan":  # a person's history was read
        record_id = ref_id(body.nominee_ref)
        await audit.record(record_id=record_id, requested_id=record_id, read_by=actor.subject,
                           read_by_name=actor.name, roles=[r.value for r in actor.roles], unit=actor.unit,
                           unmasked=False, address=request.client.host if request.client else None,
                           forwarded_for=request.headers.get("x-forwarded-for"), purpose=PURPOSE,
                           read_at=runtime.now())
    return CheckPublic.of(result)
