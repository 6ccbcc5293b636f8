"""Conditions on a collective's members in a year: the share holding a title or a rating, how
many hold a title, how many were disciplined."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Codes, Condition, YearOffset
from services.nomination.eligibility.conditions.ratings import at_least
from services.nomination.eligibility.context import Context, Result, decide, fail, unknown
from services.nomination.eligibility.facts import MembersYear, Rating

Level = Literal["khien_trach", "canh_cao", "ha_bac", "giang_chuc", "cach_chuc", "buoc_thoi_viec"]


class MembersCondition(Condition):
    year: YearOffset = 0

    def members(self, ctx: Context) -> tuple[int, MembersYear | Result]:
        """The year, and its members' record or the answer when that record cannot be used."""
        year = ctx.year + self.year
        record = ctx.facts.members.get(year)
        if ctx.state(year) == "excluded":
            return year, fail(f"Năm {year} không được tính ({ctx.excluded_note()})")
        if record is None or record.members == 0:
            return year, unknown(f"Không rõ số thành viên năm {year} (chưa có dữ liệu)", [f"số thành viên năm {year}"])
        return year, record

    def titled(self, ctx: Context, record: MembersYear, codes: list[str]) -> int | None:
        counts = [record.titles[code] for code in codes if code in record.titles]
        return sum(counts) if counts else None

    def unknown_count(self, year: int, what: str, facts: list[str]) -> Result:
        return unknown(f"Không rõ số thành viên {what} năm {year} (chưa có dữ liệu)",
                       [f"số thành viên {what} năm {year}"], facts)


def members_fact(ctx: Context, year: int, record: MembersYear) -> str:
    parts = [f"{record.members} thành viên"]
    parts += [f"từ {rating.value} {count}" for rating, count in record.at_least.items()]
    parts += [f"{ctx.labels.short(code)} {count}" for code, count in record.titles.items()]
    return f"{year}: {'; '.join(parts)}"


class MembersShare(MembersCondition):
    """At least `min_percent` of the members hold the title, or are rated at least `rating`."""

    kind: Literal["members_share"] = "members_share"
    title: Codes | None = None
    rating: Rating | None = None
    min_percent: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _title_or_rating(self) -> MembersShare:
        if (self.title is None) == (self.rating is None):
            raise ValueError("cần đúng một trong hai: title hoặc rating")
        return self

    def evaluate(self, ctx: Context) -> Result:
        year, record = self.members(ctx)
        if isinstance(record, Result):
            return record
        facts = [members_fact(ctx, year, record)]
        what, counted, count = self._count(ctx, record)
        if count is None:
            return self.unknown_count(year, counted, facts)
        share = f"Tỷ lệ {what} {wording.percent(count, record.members)} ({count}/{record.members})"
        threshold = f"{self.min_percent:g}%".replace(".", ",")
        met = count * 100 >= self.min_percent * record.members
        return decide(met, f"{share}, đạt mức từ {threshold}", f"{share} thấp hơn {threshold}", facts)


    def _count(self, ctx: Context, record: MembersYear) -> tuple[str, str, int | None]:
        """What is shared, how its members are named when their count is unknown, and the count."""
        if self.title is not None:
            counted = [code for code in self.title if code in record.titles] or self.title
            count = self.titled(ctx, record, self.title)
            return ctx.labels.names(counted), f"đạt {ctx.labels.names(self.title)}", count
        assert self.rating is not None
        rated = f"xếp loại {at_least(self.rating)}"
        return f"thành viên {rated}", rated, record.at_least.get(self.rating)


class MembersWithTitle(MembersCondition):
    kind: Literal["members_with_title"] = "members_with_title"
    title: Codes
    min: int = Field(default=1, ge=1)

    def evaluate(self, ctx: Context) -> Result:
        year, record = self.members(ctx)
        if isinstance(record, Result):
            return record
        facts = [members_fact(ctx, year, record)]
        name = ctx.labels.names(self.title)
        count = self.titled(ctx, record, self.title)
        if count is None:
            return self.unknown_count(year, f"đạt {name}", facts)
        said = f"{_members(count)} đạt {name} năm {year} (cần ít nhất {self.min})"
        return decide(count >= self.min, said, said, facts)


class MembersDisciplined(MembersCondition):
    """At most `max` members disciplined at `level` or heavier in the year."""

    kind: Literal["members_disciplined"] = "members_disciplined"
    level: Level = "khien_trach"
    max: int = Field(default=0, ge=0)

    def evaluate(self, ctx: Context) -> Result:
        year, record = self.members(ctx)
        if isinstance(record, Result):
            return record
        level = wording.DISCIPLINE_LABELS[self.level]
        facts = [f"{year}: {record.disciplined} thành viên bị kỷ luật (từ khiển trách)"]
        count = record.disciplined_levels.get(self.level)
        if count is None and (self.level == "khien_trach" or record.disciplined == 0):
            count = record.disciplined
        if count is None:
            return self.unknown_count(year, f"bị kỷ luật từ mức {level}", facts)
        said = f"{_members(count)} bị kỷ luật từ mức {level} trở lên năm {year} (tối đa {self.max})"
        return decide(count <= self.max, said, said, facts)


def _members(count: int) -> str:
    return f"Có {count} thành viên" if count else "Không có thành viên nào"
