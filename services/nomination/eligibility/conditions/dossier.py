"""What only the dossier knows: qualitative criteria the unit's council attests, and facts the
dossier states (led its cluster, exceeded its targets, the criterion a nomination is made under)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from services.nomination.eligibility.conditions.base import Condition
from services.nomination.eligibility.context import Context, Result, fail, pass_, unknown

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Attested(Condition):
    """Passes when the council attests `text`, fails when it examined it and did not, else cannot tell."""

    kind: Literal["attested"] = "attested"
    key: Key
    text: str = Field(min_length=3)

    def evaluate(self, ctx: Context) -> Result:
        if self.key in ctx.facts.attestations:
            return pass_(f"Hội đồng Thi đua – Khen thưởng đã xác nhận: {self.text}", [f"Xác nhận: {self.key}"])
        if self.key in ctx.facts.not_attested:
            return fail(f"Hội đồng Thi đua – Khen thưởng không xác nhận: {self.text}", [f"Không xác nhận: {self.key}"])
        return unknown(f"Cần Hội đồng Thi đua – Khen thưởng của đơn vị xác nhận: {self.text}",
                       [f"xác nhận của Hội đồng TĐKT: {self.text}"])


class DossierFact(Condition):
    """A yes/no fact of the dossier; `if_absent: fail` for a criterion the dossier must claim.
    `by: appraiser`: a judgement the appraiser records at appraisal (never computed)."""

    kind: Literal["dossier_fact"] = "dossier_fact"
    key: Key
    text: str = Field(min_length=3)
    if_absent: Literal["unknown", "fail"] = "unknown"
    by: Literal["dossier", "appraiser"] = "dossier"

    def evaluate(self, ctx: Context) -> Result:
        value = ctx.facts.dossier.get(self.key)
        who = "Hồ sơ" if self.by == "dossier" else "Thẩm định"
        if value is True:
            said = "Hồ sơ xác định" if self.by == "dossier" else "Thẩm định ghi nhận"
            return pass_(f"{said}: {self.text}", [f"{who}: {self.key} = có"])
        if value is False:
            said = "Không đáp ứng" if self.by == "dossier" else "Thẩm định đánh giá không đạt"
            return fail(f"{said}: {self.text}", [f"{who}: {self.key} = không"])
        if self.if_absent == "fail":
            said = "Hồ sơ không nêu" if self.by == "dossier" else "Thẩm định không ghi nhận"
            return fail(f"{said}: {self.text}")
        if self.by == "appraiser":
            return unknown(f"Chờ đánh giá của thẩm định: {self.text}", [f"đánh giá của thẩm định: {self.text}"])
        return unknown(f"Hồ sơ chưa xác định: {self.text}", [f"dữ kiện hồ sơ: {self.text}"])
