"""all / any / not in Kleene's three-valued logic, and a reference to another rule's outcome.

all: fail if one fails, else unknown if one is unknown, else pass. any: pass if one passes,
else unknown if one is unknown, else fail. not: swaps pass and fail, keeps unknown.
Every child is evaluated (no short cut), so the facts used and the missing facts are complete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo

from services.nomination.eligibility.conditions.base import Condition
from services.nomination.eligibility.context import Context, Result, unique
from services.nomination.eligibility.facts import Outcome

if TYPE_CHECKING:
    from services.nomination.eligibility.conditions import AnyCondition


class AllOf(Condition):
    kind: Literal["all"] = "all"
    conditions: list[AnyCondition] = Field(min_length=1)

    def evaluate(self, ctx: Context) -> Result:
        results = [c.evaluate(ctx) for c in self.conditions]
        facts = unique(f for r in results for f in r.facts)
        failed = [r for r in results if r.outcome == "fail"]
        if failed:
            return Result("fail", _join(failed), facts)
        open_ = [r for r in results if r.outcome == "unknown"]
        if open_:
            return Result("unknown", _join(open_), facts, unique(m for r in open_ for m in r.missing))
        return Result("pass", _join(results), facts)


class AnyOf(Condition):
    kind: Literal["any"] = "any"
    conditions: list[AnyCondition] = Field(min_length=1)

    def evaluate(self, ctx: Context) -> Result:
        results = [c.evaluate(ctx) for c in self.conditions]
        passed = next((r for r in results if r.outcome == "pass"), None)
        if passed:
            return passed
        facts = unique(f for r in results for f in r.facts)
        open_ = [r for r in results if r.outcome == "unknown"]
        if open_:
            missing = unique(m for r in open_ for m in r.missing)
            return Result("unknown", _join(open_), facts, missing)
        return Result("fail", "Không đạt tiêu chí nào trong các tiêu chí thay thế: " + _join(results), facts)


class NotOf(Condition):
    kind: Literal["not"] = "not"
    condition: AnyCondition

    def evaluate(self, ctx: Context) -> Result:
        inner = self.condition.evaluate(ctx)
        swapped: dict[Outcome, Outcome] = {"pass": "fail", "fail": "pass", "unknown": "unknown"}
        return Result(swapped[inner.outcome], f"Phủ định của: {inner.reason}", inner.facts, inner.missing)


def _known_rule(rule_id: str, info: ValidationInfo) -> str:
    rule_ids = (info.context or {}).get("rule_ids")
    if rule_ids is not None and rule_id not in rule_ids:
        raise ValueError(f"không có quy tắc '{rule_id}' trong tệp")
    return rule_id


class RuleRef(Condition):
    """The outcome of another rule for the same nominee and year (e.g. R2 uses R1)."""

    kind: Literal["rule"] = "rule"
    id: Annotated[str, AfterValidator(_known_rule)]

    def evaluate(self, ctx: Context) -> Result:
        inner = ctx.resolve_rule(self.id)
        return Result(inner.outcome, f"Theo {self.id}: {inner.reason}", inner.facts, inner.missing)


def _join(results: list[Result]) -> str:
    return "; ".join(dict.fromkeys(r.reason for r in results))
