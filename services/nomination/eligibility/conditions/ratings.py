"""Conditions on the annual rating (HTXSNV > HTTNV > HTNV > KHTNV)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Condition, SpanName, YearOffset
from services.nomination.eligibility.conditions.years import Counted, YearTest, streak
from services.nomination.eligibility.context import Context, Result, fail, pass_, unknown
from services.nomination.eligibility.facts import Rating


def rating_test(ctx: Context, least: Rating) -> YearTest:
    def test(year: int) -> bool | None:
        if ctx.state(year) == "excluded":
            return False
        record = ctx.record(year)
        if record is None or record.rating is None:
            return None
        return record.rating.rank >= least.rank
    return test


def at_least(least: Rating) -> str:
    label = wording.rating(least)
    return label if least == Rating.HTXSNV else f"từ {label} trở lên"


class RatingAtLeast(Condition):
    kind: Literal["rating_at_least"] = "rating_at_least"
    min: Rating
    year: YearOffset = 0

    def evaluate(self, ctx: Context) -> Result:
        year = ctx.year + self.year
        facts = [ctx.year_fact(year)]
        if ctx.state(year) == "excluded":
            return fail(f"Năm {year} không được tính ({ctx.excluded_note()})", facts)
        record = ctx.record(year)
        if record is None or record.rating is None:
            return unknown(f"Không rõ xếp loại năm {year} (chưa có dữ liệu)", [f"xếp loại năm {year}"], facts)
        got = wording.rating(record.rating)
        if record.rating.rank >= self.min.rank:
            return pass_(f"Năm {year} xếp loại {got} (yêu cầu {at_least(self.min)})", facts)
        return fail(f"Năm {year} xếp loại {got}, thấp hơn {wording.rating(self.min)}", facts)


class RatingStreak(Condition):
    """N consecutive years ending at the nomination year rated at least `min`; `id` names the
    span (the longest such run) for counts "in that span"."""

    kind: Literal["rating_streak"] = "rating_streak"
    min: Rating
    years: int = Field(ge=1, le=50)
    id: SpanName = None

    def evaluate(self, ctx: Context) -> Result:
        what = f"xếp loại {at_least(self.min)}"
        result, span = streak(ctx, self.years, rating_test(ctx, self.min), what, "xếp loại")
        if self.id:
            ctx.spans[self.id] = span
        return result


class RatingCount(Counted):
    """At least `min` years rated at least `rating` within the span."""

    kind: Literal["rating_count"] = "rating_count"
    rating: Rating

    def evaluate(self, ctx: Context) -> Result:
        span = self.span(ctx)
        test = rating_test(ctx, self.rating)
        found = sum(1 for y in self.known_years(ctx, span) if test(y))
        what = f"năm xếp loại {at_least(self.rating)}"
        return self.judge(ctx, span, found, what, [ctx.year_fact(y) for y in span.years])
