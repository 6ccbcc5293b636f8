"""Awards for a leader's whole contribution (quá trình cống hiến): a table of position × years
held, read from the rule file (R14). A position the table does not list cannot be judged."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Code, Condition
from services.nomination.eligibility.context import Context, Result, fail, pass_, unknown


class Tenure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    position: str = Field(min_length=2)
    award: Code
    min_years: float = Field(ge=0)
    below_years: float | None = Field(default=None, gt=0)  # None: no upper bound

    def covers(self, years: float) -> bool:
        return years >= self.min_years and (self.below_years is None or years < self.below_years)

    def text(self) -> str:
        if self.below_years is None:
            return f"từ {self.min_years:g} năm trở lên"
        return f"từ {self.min_years:g} đến dưới {self.below_years:g} năm"


class ServiceYears(Condition):
    kind: Literal["service_years"] = "service_years"
    table: list[Tenure] = Field(min_length=1)

    def evaluate(self, ctx: Context) -> Result:
        held = ctx.facts.positions_held
        if not held:
            return unknown("Không rõ chức vụ lãnh đạo và thời gian giữ chức vụ",
                           ["chức vụ và số năm giữ chức vụ"])
        facts = [f"{position}: {years:g} năm" for position, years in held.items()]
        answers = [self._judge(ctx, position, years) for position, years in held.items()]
        for outcome in ("pass", "fail"):
            chosen = [a for a in answers if a.outcome == outcome]
            if chosen:
                return Result(outcome, "; ".join(a.reason for a in chosen), tuple(facts))
        missing = tuple(m for a in answers for m in a.missing)
        return Result("unknown", "; ".join(a.reason for a in answers), tuple(facts), missing)

    def _judge(self, ctx: Context, position: str, years: float) -> Result:
        name = ctx.labels.name(ctx.award)
        rows = [t for t in self.table if wording.norm(t.position) == wording.norm(position) and t.award == ctx.award]
        if not rows:
            return unknown(f"Bảng khen cống hiến chưa có mức {name} cho chức vụ {position}",
                           [f"mức {name} cho chức vụ {position} trong bảng khen cống hiến"])
        met = next((t for t in rows if t.covers(years)), None)
        if met:
            return pass_(f"{position} {years:g} năm: đủ mức {name} ({met.text()})")
        need = " hoặc ".join(t.text() for t in rows)
        return fail(f"{position} {years:g} năm: chưa đủ mức {name} (cần {need})")
