"""Recognised innovations (sáng kiến) and accepted, applied research (đề tài, đề án): how many,
of which scope and kind, recognised by whom, within a span."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import as_list
from services.nomination.eligibility.conditions.years import Counted
from services.nomination.eligibility.context import Context, Result, Span, unknown
from services.nomination.eligibility.facts import SCOPE_ORDER, Innovation, Scope

Kind = Literal["sang_kien", "de_tai"]


class Innovations(Counted):
    kind: Literal["innovations"] = "innovations"
    scope_at_least: Scope = "co_so"
    kinds: Annotated[list[Kind], BeforeValidator(as_list), Field(min_length=1)] = ["sang_kien", "de_tai"]
    recognised_by: Annotated[list[str], BeforeValidator(as_list)] = []  # empty: any authority

    def evaluate(self, ctx: Context) -> Result:
        span = self.span(ctx)
        found = [i for i in ctx.facts.innovations if self._fits(ctx, span, i)]
        sure = [i for i in found if self._recognition(i) is True]
        unsure = [i for i in found if self._recognition(i) is None]
        facts = [_fact(i) for i in ctx.facts.innovations if i.year in span.years]
        if len(sure) < self.min <= len(sure) + len(unsure):
            names = ", ".join(f"'{i.title or i.kind}' ({i.year})" for i in unsure)
            reason = f"Không rõ cấp công nhận {names}: cần {self.recognised_by[0]} công nhận"
            return unknown(reason, [f"cấp công nhận {wording.KIND_LABELS[i.kind]} năm {i.year}" for i in unsure], facts)
        return self.judge(ctx, span, len(sure), self._what(), facts)

    def _fits(self, ctx: Context, span: Span, item: Innovation) -> bool:
        return (item.year in span.years and ctx.state(item.year) != "excluded" and item.kind in self.kinds
                and SCOPE_ORDER[item.scope] >= SCOPE_ORDER[self.scope_at_least])

    def _recognition(self, item: Innovation) -> bool | None:
        if not self.recognised_by:
            return True
        if item.recognised_by is None:
            return None
        return wording.norm(item.recognised_by) in {wording.norm(r) for r in self.recognised_by}

    def _what(self) -> str:
        by = f", do {self.recognised_by[0]} công nhận" if self.recognised_by else ""
        return f"{wording.kinds(self.kinds)} phạm vi ảnh hưởng {wording.scope_at_least(self.scope_at_least)}{by}"


def _fact(item: Innovation) -> str:
    by = f", {item.recognised_by}" if item.recognised_by else ""
    ref = f" {item.reference}" if item.reference else ""
    title = f": {item.title}" if item.title else ""
    scope = wording.SCOPE_LABELS[item.scope]
    return f"{wording.KIND_LABELS[item.kind].capitalize()} {item.year} ({scope}{by}{ref}){title}"
