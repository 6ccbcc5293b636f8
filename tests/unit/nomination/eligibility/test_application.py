"""The standalone check as a use case: the rule set in force and the engine of the dossiers, the
command table's roles, codes checked against the rule set, a reference read through the history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pytest

from servicekit.auth import ForbiddenError, Principal, Role
from services.nomination.eligibility import DEFAULT_RULES, NomineeFacts, RuleLoader, Standing, YearRecord
from services.nomination.eligibility.application import CheckInputError, EligibilityChecks
from services.nomination.eligibility.casefile import CheckRequest
from services.nomination.eligibility.facts import Confirmation, Rating

CLERK = Principal(subject="canbo", unit="SGDDT", roles=frozenset({Role.UNIT_CLERK}))
CASE: dict[str, Any] = {"award": "LDTT", "year": 2025,
                        "nominee": {"years": {2025: "HTTNV"}, "attested": ["tu_luc_doan_ket"], "standing": "clear"}}


def record(ref: str, attested: Iterable[str], dossier: Mapping[str, bool]) -> NomineeFacts:
    assert ref == "004190012345"
    cleared = Confirmation(date(2026, 2, 20), "Giám đốc Sở", "45/XN-SGDĐT")
    return NomineeFacts("ca_nhan", years={2025: YearRecord(2025, Rating.HTTNV)}, attestations=frozenset(attested),
                        dossier=dict(dossier), standing=Standing(confirmations=(cleared,)))


@pytest.fixture
def checks() -> EligibilityChecks:
    return EligibilityChecks(RuleLoader(DEFAULT_RULES), record, lambda: date(2026, 3, 2))


def test_a_case_is_answered_rule_by_rule_on_15_january_of_the_next_year(checks: EligibilityChecks) -> None:
    result = checks.check(CheckRequest.model_validate(CASE), CLERK)
    assert [(v.rule_id, v.outcome) for v in result.verdicts] == [("G1", "pass"), ("G3", "pass"), ("R1", "pass")]
    assert (result.summary.outcome, result.evaluated_on, result.mismatches) == ("pass", date(2026, 1, 15), None)
    assert result.award_name == "Lao động tiên tiến" and result.rules_version == checks.loader.current.version


def test_a_reference_is_read_through_the_history_and_evaluated_today(checks: EligibilityChecks) -> None:
    request = CheckRequest.model_validate({"award": "LDTT", "year": 2025, "nominee_ref": "004190012345",
                                           "attested": ["tu_luc_doan_ket"], "not_attested": ["x"]})
    result = checks.check(request, CLERK)
    assert (result.evaluated_on, result.summary.outcome) == (date(2026, 3, 2), "pass")
    g1 = next(v for v in result.verdicts if v.rule_id == "G1")
    assert "45/XN-SGDĐT" in g1.reason


def test_only_the_roles_of_the_command_table_may_check(checks: EligibilityChecks) -> None:
    with pytest.raises(ForbiddenError, match="unit_clerk"):
        checks.check(CheckRequest.model_validate(CASE), Principal(subject="kt", roles=frozenset({Role.AUDITOR})))
    admin = Principal(subject="qt", roles=frozenset({Role.ADMIN}))
    assert checks.check(CheckRequest.model_validate(CASE), admin).summary.outcome == "pass"


def test_codes_and_rule_ids_are_those_of_the_rule_set_in_force(checks: EligibilityChecks) -> None:
    wrong = {**CASE, "nominee": {**CASE["nominee"], "years": {2025: "HTTNV LDTX"}}, "expect": {"R77": "pass"}}
    with pytest.raises(CheckInputError) as error:
        checks.check(CheckRequest.model_validate(wrong), CLERK)
    places = [".".join(map(str, d["loc"])) for d in error.value.details]
    assert places == ["body.nominee.years.2025.titles.0", "body.expect.R77.[key]"]
    assert str(error.value).startswith("Dữ liệu không hợp lệ (body.nominee.years.2025.titles.0): mã 'LDTX'")


def test_an_expectation_is_compared_as_in_a_case_table(checks: EligibilityChecks) -> None:
    result = checks.check(CheckRequest.model_validate({**CASE, "expect": {"R1": "fail", "G1": "pass"}}), CLERK)
    assert result.mismatches == ("R1: cần fail, được pass",)
