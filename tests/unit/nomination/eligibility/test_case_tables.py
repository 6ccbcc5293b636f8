"""The case tables shipped with the rules: every case gets the verdicts the law gives, every rule
and guard has its table with a pass, a fail and a cannot-tell, and the runner reports mismatches."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.nomination.eligibility import DEFAULT_RULES, load_rules
from services.nomination.eligibility.__main__ import main
from services.nomination.eligibility.cases import SHIPPED_CASES, case_files, load_cases, run_file

RULES = load_rules(DEFAULT_RULES)
NEVER_UNKNOWN = {"R7-CD", "R9-K2"}  # one claim or judgement (if_absent: fail): it is made or it is not


@pytest.mark.parametrize("path", case_files(SHIPPED_CASES), ids=lambda p: p.name)
def test_every_shipped_case_gets_the_expected_verdicts(path: Path) -> None:
    mismatches = [f"{r.case.name}: {m}" for r in run_file(path, RULES) for m in r.mismatches]
    assert mismatches == []


def test_every_rule_and_guard_has_a_table() -> None:
    names = {p.stem for p in case_files(SHIPPED_CASES)}
    assert names >= {f"R{i}" for i in range(1, 15)} | {f"G{i}" for i in range(1, 6)}


def test_every_rule_is_shown_passing_failing_and_undecidable() -> None:
    seen: dict[str, set[str]] = {rule.id: set() for rule in RULES.rules}
    for path in case_files(SHIPPED_CASES):
        for case in load_cases(path, RULES).cases:
            for key, expect in case.expect.items():
                seen.setdefault(key, set()).add(expect.outcome)
    lacking = {rule_id: {"pass", "fail", "unknown"} - outcomes - ({"unknown"} if rule_id in NEVER_UNKNOWN else set())
               for rule_id, outcomes in seen.items() if rule_id != "overall"}
    assert {k: v for k, v in lacking.items() if v} == {}


def test_the_runner_exits_zero_when_every_case_matches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SHIPPED_CASES / "R6.yaml")]) == 0
    out = capsys.readouterr().out
    assert "✓ [TTLDXS 2025] 65% LĐTT thì không đạt" in out
    assert "Tỷ lệ Lao động tiên tiến 65% (13/20) thấp hơn 70%" in out


MISMATCH = """\
cases:
  - name: Kỳ vọng sai để thử
    award: LDTT
    year: 2025
    nominee: {years: {2025: HTNV}, attested: [tu_luc_doan_ket]}
    expect: {R1: pass}
"""


def test_the_runner_exits_non_zero_on_a_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sai.yaml").write_text(MISMATCH, encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "✗ [LDTT 2025] Kỳ vọng sai để thử" in out and "KHÔNG KHỚP R1: cần pass, được fail" in out


def test_an_edited_rule_set_is_tested_on_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edited = tmp_path / "rules.yaml"
    edited.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("min_percent: 70", "min_percent: 60"),
                      encoding="utf-8")
    assert main(["check", str(SHIPPED_CASES / "R6.yaml"), "--rules", str(edited)]) == 1
    assert "KHÔNG KHỚP R6: cần fail, được pass" in capsys.readouterr().out


def test_a_broken_rule_file_or_table_exits_two_with_the_place(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("awards: [CSTDCS]", "awards: [CSTDSC]"),
                      encoding="utf-8")
    assert main(["check", str(SHIPPED_CASES), "--rules", str(broken)]) == 2
    assert f"{broken}:" in capsys.readouterr().err
    table = tmp_path / "bang.yaml"
    table.write_text(MISMATCH.replace("expect: {R1: pass}", "expect: {R99: pass}"), encoding="utf-8")
    assert main(["check", str(table)]) == 2
    assert f"{table}:6:" in capsys.readouterr().err
