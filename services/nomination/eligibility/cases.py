"""Run case tables against a rule set: each case's verdicts compared with what it expects."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.nomination import yamlconfig
from services.nomination.eligibility.casefile import Case, CaseFile, Expect
from services.nomination.eligibility.domainmodel import Summary, evaluate, summarize
from services.nomination.eligibility.facts import Verdict
from services.nomination.eligibility.ruleset import RuleSet

SHIPPED_CASES = Path(__file__).parent / "cases"


@dataclass
class CaseResult:
    source: str
    case: Case
    lines: list[str] = field(default_factory=list)  # one per expectation: what came out
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def case_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.yaml")) if path.is_dir() else [path]


def load_cases(path: Path, rule_set: RuleSet) -> CaseFile:
    """Raises ConfigError (file:line) for a broken table, an unknown code or rule id."""
    rule_ids = {rule.id for rule in rule_set.rules}
    context = {"codes": set(rule_set.codes), "rule_ids": rule_ids}
    return yamlconfig.load(path.read_text(encoding="utf-8"), CaseFile, str(path), context=context)


def run_file(path: Path, rule_set: RuleSet) -> list[CaseResult]:
    return [run_case(case, rule_set, str(path)) for case in load_cases(path, rule_set).cases]


def run_case(case: Case, rule_set: RuleSet, source: str = "") -> CaseResult:
    verdicts = evaluate(rule_set, case.award, case.year, case.nominee.facts(), case.on, basis=case.basis)
    result = CaseResult(source, case)
    result.lines, result.mismatches = compare(case.expect, verdicts)
    return result


def compare(expected: Mapping[str, Expect], verdicts: list[Verdict]) -> tuple[list[str], list[str]]:
    """What came out for each expectation (one line each), and what does not match."""
    by_id = {v.rule_id: v for v in verdicts}
    lines: list[str] = []
    mismatches: list[str] = []
    for key, expect in expected.items():
        got = summarize(verdicts) if key == "overall" else by_id.get(key)
        lines.append(_describe(key, got))
        mismatches += [f"{key}: {problem}" for problem in _compare(expect, got)]
    return lines, mismatches


def _describe(key: str, got: Verdict | Summary | None) -> str:
    if got is None:
        return f"{key}: không áp dụng"
    reason = got.text if isinstance(got, Summary) else got.reason
    missing = f" [thiếu: {'; '.join(got.missing)}]" if got.missing else ""
    return f"{key}: {got.outcome} — {reason}{missing}"


def _compare(expect: Expect, got: Verdict | Summary | None) -> list[str]:
    outcome = got.outcome if got is not None else "not_applied"
    if outcome != expect.outcome:
        return [f"cần {expect.outcome}, được {outcome}"]
    if got is None:
        return []
    reason = _nfc(got.text if isinstance(got, Summary) else got.reason)
    problems = [f"lý do không chứa «{f}»" for f in expect.reason if _nfc(f) not in reason]
    missing = _nfc(" | ".join(got.missing))
    problems += [f"phần thiếu không chứa «{f}»" for f in expect.missing if _nfc(f) not in missing]
    if expect.provisional is not None and isinstance(got, Summary) and got.provisional != expect.provisional:
        problems.append(f"cần provisional={expect.provisional}, được {got.provisional}")
    return problems


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
