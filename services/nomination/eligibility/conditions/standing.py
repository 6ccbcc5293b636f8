"""The guards' conditions: nothing pending against the nominee (G1), the discipline period over
(G1), the same form not already given for the same achievement year (G3), the unit not
dissolved (G5)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Condition
from services.nomination.eligibility.context import Context, Result, fail, pass_, unique, unknown
from services.nomination.eligibility.facts import Confirmation, Matter

MATTER_LABELS: dict[Matter, str] = {
    "discipline_pending": "đang bị cơ quan có thẩm quyền xem xét kỷ luật",
    "investigation_pending": "đang bị điều tra, thanh tra, kiểm tra có dấu hiệu vi phạm",
    "complaint_pending": "có đơn thư khiếu nại, tố cáo đang được xem xét, giải quyết",
    "unit_dissolved": "đơn vị đã giải thể do sắp xếp tổ chức bộ máy",
}


class NoPending(Condition):
    """Each listed matter must be known not to be the case on the evaluation date: a record that
    says so (an open case: fail), or a confirmation of its absence dated on or before that day,
    not older than `confirmed_within_days` (None: any age). Without either it cannot tell."""

    kind: Literal["no_pending"] = "no_pending"
    matters: list[Matter] = Field(min_length=1)
    confirmed_within_days: int | None = Field(default=None, ge=1, le=3660)

    def evaluate(self, ctx: Context) -> Result:
        answers = {m: self._answer(ctx, m) for m in self.matters}
        facts = [fact for _, fact in answers.values()]
        true = [MATTER_LABELS[m] for m, (v, _) in answers.items() if v is True]
        if true:
            return fail(f"Không xét khen thưởng: {'; '.join(true)}", facts)
        open_ = [m for m, (v, _) in answers.items() if v is None]
        if open_:
            labels = "; ".join(MATTER_LABELS[m] for m in open_)
            return unknown(f"Chưa xác định được: {labels} (cần xác nhận không thuộc trường hợp này tính đến ngày "
                           f"xét {wording.dmy(ctx.on)}: ai xác nhận, theo văn bản nào)",
                           [f"tình trạng: {MATTER_LABELS[m]}" for m in open_], facts)
        used = unique(said for m in answers if (said := self._confirmed(ctx, m)))
        basis = f" (theo {'; '.join(used)})" if used else ""
        return pass_(f"Không thuộc trường hợp: {'; '.join(MATTER_LABELS[m] for m in answers)}{basis}", facts)

    def _answer(self, ctx: Context, matter: Matter) -> tuple[bool | None, str]:
        value: bool | None = getattr(ctx.facts.standing, matter)
        label = MATTER_LABELS[matter]
        if value is not None:
            return value, f"{label}: {_yes_no(value)}"
        confirmation = ctx.facts.standing.confirmation(matter, ctx.on)
        if confirmation is None:
            return None, f"{label}: chưa rõ (chưa có xác nhận đến ngày xét)"
        said = _said(confirmation)
        if not self._fresh(ctx, confirmation):
            return None, f"{label}: chưa rõ ({said}: đã quá {self.confirmed_within_days} ngày trước ngày xét)"
        return False, f"{label}: không ({said})"

    def _confirmed(self, ctx: Context, matter: Matter) -> str | None:
        """What states the matter's absence, when the record itself says nothing of it."""
        confirmation = ctx.facts.standing.confirmation(matter, ctx.on)
        if getattr(ctx.facts.standing, matter) is not None or confirmation is None:
            return None
        return _said(confirmation) if self._fresh(ctx, confirmation) else None

    def _fresh(self, ctx: Context, confirmation: Confirmation) -> bool:
        limit = self.confirmed_within_days
        return limit is None or (ctx.on - confirmation.as_of).days <= limit


class DisciplineOver(Condition):
    """No discipline period runs on the evaluation date (its years are not counted: see Context)."""

    kind: Literal["discipline_over"] = "discipline_over"

    def evaluate(self, ctx: Context) -> Result:
        ended = ctx.facts.standing.discipline_ended_on
        if ended is None:
            return pass_("Không có kỷ luật được ghi nhận")
        facts = [f"Kỷ luật hết hiệu lực ngày {wording.dmy(ended)}"]
        if ended > ctx.on:
            return fail(f"Đang trong thời hạn kỷ luật (đến {wording.dmy(ended)})", facts)
        return pass_(f"Đã hết thời hạn kỷ luật ngày {wording.dmy(ended)}; thành tích được tính từ năm "
                     f"{ended.year + 1}", facts)


class NotAlreadyAwarded(Condition):
    """The form asked for is not already given for the same achievement year and basis."""

    kind: Literal["not_already_awarded"] = "not_already_awarded"

    def evaluate(self, ctx: Context) -> Result:
        name = ctx.labels.name(ctx.award)
        same = [a for a in ctx.facts.awards if (a.code, a.year, a.basis) == (ctx.award, ctx.year, ctx.basis)]
        record = ctx.facts.years.get(ctx.year)
        if same or (ctx.basis == "cong_trang" and record and ctx.award in record.titles):
            ref = f" ({same[0].decision_ref})" if same and same[0].decision_ref else ""
            return fail(f"Đã được tặng {name} cho thành tích năm {ctx.year}{ref}; một thành tích chỉ khen một "
                        "hình thức một lần", [f"{ctx.labels.short(ctx.award)} {ctx.year}{ref}"])
        if not ctx.awards_known(ctx.year):
            return unknown(f"Không rõ khen thưởng năm {ctx.year} (chưa có dữ liệu)", [f"khen thưởng năm {ctx.year}"])
        return pass_(f"Chưa được tặng {name} cho thành tích năm {ctx.year}")


def _said(confirmation: Confirmation) -> str:
    document = f", văn bản {confirmation.document}" if confirmation.document else ""
    return f"xác nhận của {confirmation.confirmed_by} tính đến ngày {wording.dmy(confirmation.as_of)}{document}"


def _yes_no(value: bool | None) -> str:
    return {True: "có", False: "không", None: "chưa rõ"}[value]
