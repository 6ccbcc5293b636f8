"""`python -m services.nomination.eligibility check CASES_FILE_OR_DIR [--rules RULES.yaml]`

Prints each case with its result; exits 1 when a case does not get what it expects, 2 when the
rule file or a case table is broken (with file:line of each error)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.nomination.eligibility.cases import CaseResult, case_files, run_file
from services.nomination.eligibility.rules import DEFAULT_RULES
from services.nomination.eligibility.ruleset import load_rules
from services.nomination.yamlconfig import ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.nomination.eligibility")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="chạy bảng ca kiểm thử với một bộ quy tắc")
    check.add_argument("cases", type=Path, nargs="+", help="tệp hoặc thư mục bảng ca (*.yaml)")
    check.add_argument("--rules", type=Path, default=DEFAULT_RULES, help="tệp quy tắc (mặc định: bộ quy tắc kèm theo)")
    args = parser.parse_args(argv)
    try:
        rule_set = load_rules(args.rules)
        results = [r for path in args.cases for file in case_files(path) for r in run_file(file, rule_set)]
    except (ConfigError, OSError) as error:
        for line in getattr(error, "details", None) or [str(error)]:
            print(line, file=sys.stderr)
        return 2
    return report(results)


def report(results: list[CaseResult]) -> int:
    source = None
    for result in results:
        if result.source != source:
            source = result.source
            print(source)
        case = result.case
        print(f"  {'✓' if result.ok else '✗'} [{case.award} {case.year}] {case.name}")
        for line in result.lines + [f"KHÔNG KHỚP {m}" for m in result.mismatches]:
            print(f"      {line}")
    failed = sum(not r.ok for r in results)
    print(f"{len(results)} ca, {len(results) - failed} khớp, {failed} không khớp")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
