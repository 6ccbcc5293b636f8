"""A one-rule rule set written inline, to test conditions through the real loader and engine."""

from __future__ import annotations

import textwrap
from datetime import date

from services.nomination.eligibility import NomineeFacts, Verdict, evaluate, load_rules

HEADER = """\
version: test
labels:
  X: {name: Danh hiệu thử, short: DHT}
  LDTT: {name: Lao động tiên tiến, short: LĐTT}
  CSTDCS: {name: Chiến sĩ thi đua cơ sở, short: CSTĐCS}
rules:
"""


def rules_text(*rules: str) -> str:
    return HEADER + "".join(textwrap.indent(textwrap.dedent(rule), "  ") for rule in rules)


def rule(condition: str, rule_id: str = "T1", legal: str = "{document: Luật thử, verified: true}") -> str:
    body = textwrap.indent(textwrap.dedent(condition).strip(), "    ")
    return f"- id: {rule_id}\n  title: Quy tắc thử\n  awards: [X]\n  legal: {legal}\n  when:\n{body}\n"


def verdict(condition: str, facts: NomineeFacts, year: int = 2025, on: date = date(2026, 1, 15)) -> Verdict:
    (result,) = evaluate(load_rules(rules_text(rule(condition))), "X", year, facts, on)
    return result
