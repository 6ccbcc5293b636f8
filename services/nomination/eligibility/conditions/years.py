"""Streaks and counts over years, shared by the rating and title conditions (and the counts of
innovations): a year test answers True, False or None (not known)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field, model_validator

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Condition, SpanRef
from services.nomination.eligibility.context import Context, Result, Span, fail, pass_, unknown

YearTest = Callable[[int], bool | None]


def streak(ctx: Context, n: int, test: YearTest, what: str, noun: str) -> tuple[Result, Span]:
    """N consecutive years ending at the nomination year; the span is the longest run when met."""
    window = range(ctx.year - n + 1, ctx.year + 1)
    marks = {y: test(y) for y in window}
    have = [y for y, v in marks.items() if v]
    lack = [y for y, v in marks.items() if v is False]
    open_ = [y for y, v in marks.items() if v is None]
    facts = [ctx.year_fact(y) for y in window]
    if lack:
        return fail(f"Chưa đủ {wording.two(n)} năm liên tục {what} ({_marks(ctx, have, lack, open_)})", facts), \
            Span(window.start, ctx.year)
    if open_:
        reason = f"Không rõ {noun} năm {wording.years(open_)} (chưa có dữ liệu)"
        return unknown(reason, [f"{noun} năm {y}" for y in open_], facts), Span(window.start, ctx.year)
    run = longest_run(ctx, test)
    return pass_(f"Đủ {wording.two(n)} năm liên tục {what} ({_run(run, n)})", facts), run


def longest_run(ctx: Context, test: YearTest) -> Span:
    first = ctx.year
    while test(first - 1):
        first -= 1
    return Span(first, ctx.year, open_before=test(first - 1) is None)


def _marks(ctx: Context, have: list[int], lack: list[int], open_: list[int]) -> str:
    note = ctx.excluded_note()
    lacking = [f"{y} (không tính: {note})" if ctx.state(y) == "excluded" else str(y) for y in lack]
    parts = [f"có {wording.years(have)}"] if have else ["không có năm nào"]
    parts.append(f"thiếu {', '.join(lacking)}")
    if open_:
        parts.append(f"chưa có dữ liệu {wording.years(open_)}")
    return "; ".join(parts)


def _run(run: Span, n: int) -> str:
    years = wording.years(run.years)
    return years if len(run.years) == n else f"{years}: {wording.two(len(run.years))} năm liên tục"


class Counted(Condition):
    """A count over a span: the last `within_years` years, or the span of a named streak."""

    min: int = Field(default=1, ge=1)
    within_years: int | None = Field(default=None, ge=1, le=50)
    same_span_as: SpanRef = None

    @model_validator(mode="after")
    def _one_span(self) -> Counted:
        if (self.within_years is None) == (self.same_span_as is None):
            raise ValueError("cần đúng một trong hai: within_years hoặc same_span_as")
        return self

    def span(self, ctx: Context) -> Span:
        if self.same_span_as is not None:
            return ctx.spans.get(self.same_span_as, Span(ctx.year, ctx.year, open_before=True))
        assert self.within_years is not None
        return Span(ctx.year - self.within_years + 1, ctx.year)

    def judge(self, ctx: Context, span: Span, found: int, what: str, facts: list[str]) -> Result:
        where = wording.span(span.first, span.last)
        need = f"cần ít nhất {wording.two(self.min)}"
        if found >= self.min:
            return pass_(f"Có {wording.two(found)} {what} trong {where} ({need})", facts)
        missing = [y for y in span.years if ctx.state(y) == "missing"]
        if span.open_before:
            missing.insert(0, span.first - 1)
        said = f"Chỉ có {wording.two(found)} {what} trong {where}, {need}" if found else \
            f"Không có {what} trong {where} ({need})"
        if missing:
            reason = f"{said}; chưa có dữ liệu năm {wording.years(missing)}"
            return unknown(reason, [f"dữ liệu năm {y}" for y in missing], facts)
        return fail(said, facts)

    def known_years(self, ctx: Context, span: Span) -> list[int]:
        return [y for y in span.years if ctx.state(y) == "known"]
