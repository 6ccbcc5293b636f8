"""The domain model of eligibility: evaluate the rules of one award for one nominee and year, and
sum the verdicts up. Its values are the nominee's facts (`facts.py`) and the rules (`rules.py`,
`conditions/`); it keeps no state, so it has no aggregate and publishes nothing.

Summary semantics (`summarize`): each guard is a requirement of its own; the rules of an award
are requirements too, except that rules sharing a `group` are alternatives (the group passes if
one of them passes, fails only if all fail). Requirements combine like Kleene's `and`:
- fail    if a requirement fails;
- unknown if none fails and one cannot be told, or if no rule covers the award for this subject
          ("cannot tell" is never reported as pass);
- pass    if every requirement passes.
Unverified rules count like verified ones (they are the province's configured practice), but
the summary names the unverified rules its outcome rests on (`unverified`; `provisional`): a
pass that needs an unverified rule, a fail where no failing requirement is verified-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.nomination.eligibility.context import Context, Result, unique, unknown
from services.nomination.eligibility.facts import NomineeFacts, Outcome, Verdict
from services.nomination.eligibility.rules import Rule
from services.nomination.eligibility.ruleset import RuleSet


def evaluate(rule_set: RuleSet, award_code: str, year: int, facts: NomineeFacts, on: date,
             *, basis: str = "cong_trang") -> list[Verdict]:
    """One verdict per guard and rule valid on `on` for the award, basis and the nominee's kind."""
    run = _Run(rule_set, award_code, year, facts, on, basis)
    rules = rule_set.for_award(award_code, on, basis=basis, subject=facts.subject_kind)
    return [_verdict(rule, run.result(rule)) for rule in rules]


@dataclass
class _Run:
    rule_set: RuleSet
    award: str
    year: int
    facts: NomineeFacts
    on: date
    basis: str
    cache: dict[str, Result] = field(default_factory=dict)

    def __post_init__(self) -> None:
        principles = self.rule_set.principles_on(self.on)
        bases = frozenset(b for p in principles for b in p.not_counted_bases)
        by = ", ".join(p.id for p in principles if p.not_counted_bases)
        self.ctx = Context(self.facts, self.year, self.on, self.award, self.basis, self.rule_set.labels,
                           bases, by, self.resolve)

    def result(self, rule: Rule) -> Result:
        if rule.id not in self.cache:
            saved, self.ctx.spans = self.ctx.spans, {}
            self.cache[rule.id] = rule.when.evaluate(self.ctx)
            self.ctx.spans = saved
        return self.cache[rule.id]

    def resolve(self, rule_id: str) -> Result:
        rule = self.rule_set.rule(rule_id, self.on)
        if rule is None:
            return unknown(f"Quy tắc {rule_id} không có hiệu lực ngày {self.on:%d/%m/%Y}", [f"quy tắc {rule_id}"])
        return self.result(rule)


def _verdict(rule: Rule, result: Result) -> Verdict:
    return Verdict(rule.id, rule.title, result.outcome, result.reason, result.facts, result.missing,
                   rule.verified, rule.legal.text(), rule.kind, rule.group or rule.id)


@dataclass(frozen=True)
class Summary:
    outcome: Outcome
    text: str  # in Vietnamese, for the dossier
    deciding: tuple[str, ...]  # the rules the outcome comes from
    unverified: tuple[str, ...]  # unverified rules the outcome rests on
    missing: tuple[str, ...]  # what must be supplied to tell (when unknown)

    @property
    def provisional(self) -> bool:
        return bool(self.unverified)


def summarize(verdicts: list[Verdict]) -> Summary:
    units = _units(verdicts)
    if not any(v.kind == "rule" for v in verdicts):
        return Summary("unknown", "Chưa có quy tắc điều kiện cho hình thức khen thưởng này và đối tượng này",
                       (), (), ("quy tắc điều kiện",))
    failed = [u for u in units if _outcome(u) == "fail"]
    if failed:
        return _failed(failed)
    open_ = [v for u in units if _outcome(u) == "unknown" for v in u if v.outcome == "unknown"]
    if open_:
        missing = unique(m for v in open_ for m in v.missing)
        return Summary("unknown", f"Chưa đủ căn cứ để kết luận; còn thiếu: {'; '.join(missing)}",
                       unique(v.rule_id for v in open_), unique(v.rule_id for v in open_ if not v.verified), missing)
    return _passed(units)


def _failed(failed: list[list[Verdict]]) -> Summary:
    solid = any(all(v.verified for v in u) for u in failed)
    loose = () if solid else unique(v.rule_id for u in failed for v in u if not v.verified)
    first = failed[0][0]
    note = f" (theo quy tắc chưa kiểm chứng: {', '.join(loose)})" if loose else ""
    return Summary("fail", f"Không đủ điều kiện — {first.rule_id}: {first.reason}{note}",
                   unique(v.rule_id for u in failed for v in u), loose, ())


def _passed(units: list[list[Verdict]]) -> Summary:
    passing = [[v for v in u if v.outcome == "pass"] for u in units]
    loose = unique(v.rule_id for p in passing if not any(v.verified for v in p) for v in p)
    text = (f"Đủ điều kiện theo quy tắc chưa kiểm chứng ({', '.join(loose)}): cần đối chiếu văn bản pháp luật "
            "trước khi trình" if loose else "Đủ điều kiện theo các quy tắc đã kiểm chứng")
    return Summary("pass", text, unique(v.rule_id for p in passing for v in p), loose, ())


def _units(verdicts: list[Verdict]) -> list[list[Verdict]]:
    """Each guard alone; the rules of one group together."""
    units: dict[str, list[Verdict]] = {}
    for v in verdicts:
        units.setdefault(v.rule_id if v.kind == "guard" else f"group:{v.group or v.rule_id}", []).append(v)
    return list(units.values())


def _outcome(unit: list[Verdict]) -> Outcome:
    outcomes = {v.outcome for v in unit}
    return "pass" if "pass" in outcomes else "unknown" if "unknown" in outcomes else "fail"
