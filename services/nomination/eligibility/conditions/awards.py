"""Awards already held: once (before the span of the nomination, within N years, or ever), or
N consecutive times at a fixed period (CSTĐ tỉnh twice in a row). Awards whose basis G4 does
not count (chuyên đề, đột xuất) are left out and said so, naming the movement they were for.
Titles in a year's record count too."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Codes, Condition
from services.nomination.eligibility.context import Context, Result, fail, pass_, unknown


def held(ctx: Context, codes: list[str]) -> tuple[dict[int, str], list[str]]:
    """Counted instances by year (with their decision), and notes on the ones not counted."""
    found: dict[int, str] = {}
    ignored: list[str] = []
    for award in ctx.facts.awards:
        if award.code not in codes:
            continue
        name = f"{ctx.labels.short(award.code)} {award.year}"
        if award.basis in ctx.not_counted_bases:
            ignored.append(f"không tính {name} (khen {award.describe_basis()}, theo {ctx.not_counted_by})")
        else:
            found[award.year] = f"{name} ({award.decision_ref})" if award.decision_ref else name
    for year, record in ctx.facts.years.items():
        for code in set(codes) & record.titles:
            found.setdefault(year, f"{ctx.labels.short(code)} {year}")
    return found, ignored


class AwardHeld(Condition):
    kind: Literal["award_held"] = "award_held"
    codes: Codes
    before_years: int | None = Field(default=None, ge=1, le=50)  # held in or before year − N
    within_years: int | None = Field(default=None, ge=1, le=50)  # held in the last N years

    @model_validator(mode="after")
    def _one_window(self) -> AwardHeld:
        if self.before_years is not None and self.within_years is not None:
            raise ValueError("chỉ được dùng một trong hai: before_years hoặc within_years")
        return self

    def evaluate(self, ctx: Context) -> Result:
        first, last = self._window(ctx)
        found, ignored = held(ctx, self.codes)
        inside = {y: text for y, text in found.items() if (first is None or y >= first) and y <= last}
        facts = [*found.values(), *ignored]
        name = ctx.labels.names(self.codes)
        if inside:
            return pass_(f"Đã được tặng {name}: {'; '.join(inside[y] for y in sorted(inside))}", facts)
        outside = [text for y, text in sorted(found.items()) if y not in inside]
        notes = [f"có {text}: ngoài khoảng năm xét" for text in outside] + ignored
        said = f"Chưa được tặng {name} {self._where(first, last)}" + (f" ({'; '.join(notes)})" if notes else "")
        gap = ctx.facts.awards_known_from
        if gap is not None and (first is None or first < gap):
            return unknown(f"{said}; không rõ khen thưởng trước năm {gap} (chưa có dữ liệu)",
                           [f"khen thưởng trước năm {gap}"], facts)
        return fail(said, facts)

    def _window(self, ctx: Context) -> tuple[int | None, int]:
        if self.before_years is not None:
            return None, ctx.year - self.before_years
        if self.within_years is not None:
            return ctx.year - self.within_years + 1, ctx.year
        return None, ctx.year

    def _where(self, first: int | None, last: int) -> str:
        return f"từ năm {last} trở về trước" if first is None else f"trong {wording.span(first, last)}"


class AwardChain(Condition):
    """`times` instances at the nomination year, year − period, year − 2·period, …"""

    kind: Literal["award_chain"] = "award_chain"
    codes: Codes
    times: int = Field(ge=2, le=10)
    period_years: int = Field(ge=1, le=10)

    def evaluate(self, ctx: Context) -> Result:
        needed = [ctx.year - i * self.period_years for i in reversed(range(self.times))]
        found, ignored = held(ctx, self.codes)
        have = [y for y in needed if y in found]
        lack = [y for y in needed if y not in found and ctx.awards_known(y)]
        open_ = [y for y in needed if y not in found and not ctx.awards_known(y)]
        facts = [*found.values(), *ignored]
        what = f"{wording.two(self.times)} lần liên tục đạt {ctx.labels.names(self.codes)}"
        if lack:
            extra = f"; {'; '.join(ignored)}" if ignored else ""
            return fail(f"Chưa đủ {what} (có {wording.years(have) or 'không'}; thiếu {wording.years(lack)}{extra})",
                        facts)
        if open_:
            return unknown(f"Không rõ khen thưởng năm {wording.years(open_)} (chưa có dữ liệu)",
                           [f"khen thưởng năm {y}" for y in open_], facts)
        return pass_(f"Đủ {what} ({wording.years(have)})", facts)
