"""Checking eligibility on its own: one case (a nominee written as in the case tables) or a
nominee's record, answered rule by rule, without opening a dossier or taking its slot. The same
rule set in force (the dossiers' `RuleLoader`) and the same engine as the dossiers' appraisal."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from servicekit.auth import ForbiddenError, Principal, Role
from services.nomination.eligibility.casefile import CheckRequest
from services.nomination.eligibility.cases import compare
from services.nomination.eligibility.domainmodel import Summary, evaluate, summarize
from services.nomination.eligibility.facts import NomineeFacts, Verdict
from services.nomination.eligibility.ruleset import RuleLoader, RuleSet

# Who may do what in this sub-domain (an administrator always may).
COMMANDS: dict[str, frozenset[Role]] = {
    "check": frozenset({Role.UNIT_CLERK, Role.APPRAISER, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.CHAIR,
                        Role.PLANNER, Role.INTEGRATOR}),
}

FactsOf = Callable[[str, Iterable[str], Mapping[str, bool]], NomineeFacts]
"""A nominee's record as the engine reads it: (reference, attested criteria, dossier facts)."""


@dataclass(frozen=True)
class CheckResult:
    award: str
    award_name: str
    year: int
    evaluated_on: date
    basis: str
    subject_kind: str
    nominee_ref: str | None
    rules_version: str
    verdicts: tuple[Verdict, ...]
    summary: Summary
    mismatches: tuple[str, ...] | None  # None: nothing was expected


class EligibilityChecks:
    def __init__(self, loader: RuleLoader, facts_of: FactsOf, today: Callable[[], date]) -> None:
        self.loader, self.facts_of, self.today = loader, facts_of, today

    def check(self, request: CheckRequest, actor: Principal) -> CheckResult:
        """Every rule's verdict for the case on its evaluation date (a case: 15/01 of the next
        year; a nominee's record: today), with the reasons and the facts used."""
        check_permitted(actor, "check")
        rule_set = self.loader.refresh()
        check_codes(request, rule_set)
        facts, on = self._facts(request)
        verdicts = evaluate(rule_set, request.award, request.year, facts, on, basis=request.basis)
        mismatches = tuple(compare(request.expect, verdicts)[1]) if request.expect else None
        return CheckResult(request.award, rule_set.labels.name(request.award), request.year, on, request.basis,
                           facts.subject_kind, request.nominee_ref, rule_set.version, tuple(verdicts),
                           summarize(verdicts), mismatches)

    def _facts(self, request: CheckRequest) -> tuple[NomineeFacts, date]:
        if request.nominee is not None:
            return request.nominee.facts(), request.evaluated_on or date(request.year + 1, 1, 15)
        assert request.nominee_ref is not None
        facts = self.facts_of(request.nominee_ref, request.attested, request.dossier)
        facts = dataclasses.replace(facts, not_attested=frozenset(request.not_attested))
        return facts, request.evaluated_on or self.today()


def check_permitted(actor: Principal, command: str) -> None:
    if not actor.has_any(COMMANDS[command]):
        raise ForbiddenError(f"Cần một trong các vai trò: {', '.join(sorted(r.value for r in COMMANDS[command]))}")


def check_codes(request: CheckRequest, rule_set: RuleSet) -> None:
    """Award and title codes known to the rule set, expectations naming its rules; else 422."""
    context = {"codes": set(rule_set.codes), "rule_ids": {rule.id for rule in rule_set.rules}}
    try:
        CheckRequest.model_validate(request.model_dump(exclude_unset=True), context=context)
    except ValidationError as error:
        raise CheckInputError(error) from None


class CheckInputError(ValueError):
    """Raised when a check names codes or rules the rule set in force does not know."""

    def __init__(self, error: ValidationError) -> None:
        self.details = [{"loc": ["body", *e["loc"]], "msg": str(e["msg"]).removeprefix("Value error, "),
                         "type": e["type"]} for e in error.errors()]
        first = self.details[0]
        where = ".".join(str(part) for part in first["loc"])
        super().__init__(f"Dữ liệu không hợp lệ ({where}): {first['msg']}")
