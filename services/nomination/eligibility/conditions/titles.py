"""Conditions on the titles (danh hiệu) held in a year: in one year, in consecutive years,
a number of times within a span. A list of codes means any of them (LĐTT or Chiến sĩ tiên tiến)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.nomination.eligibility.conditions.base import Codes, Condition, SpanName, YearOffset
from services.nomination.eligibility.conditions.years import Counted, YearTest, streak
from services.nomination.eligibility.context import Context, Result, decide, fail, unknown


def title_test(ctx: Context, codes: list[str]) -> YearTest:
    def test(year: int) -> bool | None:
        if ctx.state(year) == "excluded":
            return False
        record = ctx.record(year)
        return None if record is None else any(code in record.titles for code in codes)
    return test


class TitleInYear(Condition):
    kind: Literal["title_in_year"] = "title_in_year"
    title: Codes
    year: YearOffset = 0

    def evaluate(self, ctx: Context) -> Result:
        year = ctx.year + self.year
        facts = [ctx.year_fact(year)]
        name = ctx.labels.names(self.title)
        if ctx.state(year) == "excluded":
            return fail(f"Năm {year} không được tính ({ctx.excluded_note()})", facts)
        record = ctx.record(year)
        if record is None:
            return unknown(f"Không rõ danh hiệu năm {year} (chưa có dữ liệu)", [f"danh hiệu năm {year}"], facts)
        held = [code for code in self.title if code in record.titles]
        return decide(bool(held), f"Năm {year} đạt {ctx.labels.names(held)}", f"Năm {year} không đạt {name}", facts)


class TitleStreak(Condition):
    """The title in each of N consecutive years ending at the nomination year."""

    kind: Literal["title_streak"] = "title_streak"
    title: Codes
    years: int = Field(ge=1, le=50)
    id: SpanName = None

    def evaluate(self, ctx: Context) -> Result:
        what = f"đạt {ctx.labels.names(self.title)}"
        result, span = streak(ctx, self.years, title_test(ctx, self.title), what, "danh hiệu")
        if self.id:
            ctx.spans[self.id] = span
        return result


class TitleCount(Counted):
    kind: Literal["title_count"] = "title_count"
    title: Codes

    def evaluate(self, ctx: Context) -> Result:
        span = self.span(ctx)
        test = title_test(ctx, self.title)
        found = sum(1 for y in self.known_years(ctx, span) if test(y))
        what = f"lần đạt {ctx.labels.names(self.title)}"
        return self.judge(ctx, span, found, what, [ctx.year_fact(y) for y in span.years])
