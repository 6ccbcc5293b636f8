"""The guards' conditions: nothing pending against the nominee (G1), the discipline period over
(G1), the same form not already given for the same achievement year (G3), the unit not
dissolved (G5)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.nomination.eligibility import wording
from services.nomination.eligibility.conditions.base import Condition
from services.nomination.eligibility.context import Context, Result, fail, pass_, unknown

Matter = Literal["discipline_pending", "investigation_pending", "complaint_pending", "unit_dissolved"]
MATTER_LABELS = {
    "discipline_pending": "đang bị cơ quan có thẩm quyền xem xét kỷ luật",
    "investigation_pending": "đang bị điều tra, thanh tra, kiểm tra có dấu hiệu vi phạm",
    "complaint_pending": "có đơn thư khiếu nại, tố cáo đang được xem xét, giải quyết",
    "unit_dissolved": "đơn vị đã giải thể do sắp xếp tổ chức bộ máy",
}


class NoPending(Condition):
    """Each listed matter of `Standing` must be known to be false."""

    kind: Literal["no_pending"] = "no_pending"
    matters: list[Matter] = Field(min_length=1)

    def evaluate(self, ctx: Context) -> Result:
        values = {m: getattr(ctx.facts.standing, m) for m in self.matters}
        facts = [f"{MATTER_LABELS[m]}: {_yes_no(v)}" for m, v in values.items()]
        true = [MATTER_LABELS[m] for m, v in values.items() if v is True]
        if true:
            return fail(f"Không xét khen thưởng: {'; '.join(true)}", facts)
        open_ = [MATTER_LABELS[m] for m, v in values.items() if v is None]
        if open_:
            return unknown(f"Chưa xác định được: {'; '.join(open_)}", [f"tình trạng: {m}" for m in open_], facts)
        return pass_(f"Không thuộc trường hợp: {'; '.join(MATTER_LABELS[m] for m in values)}", facts)


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


def _yes_no(value: bool | None) -> str:
    return {True: "có", False: "không", None: "chưa rõ"}[value]
