"""Quotas (tỷ lệ): at most a share of one award among another, per unit (or the province)
and year, e.g. Chiến sĩ thi đua cơ sở among Lao động tiên tiến.

Pure: the standard library and the catalogue's models. The counts are the caller's (the
dossier module counts what a unit proposes or was given in a year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from services.nomination.catalogue.model import Quota


@dataclass(frozen=True)
class UnitYearCounts:
    """How many of each award (by catalogue code) a unit has, or proposes, in one year."""

    unit: str  # unit code; for a quota with scope "tinh", the province
    year: int
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QuotaResult:
    quota: str
    unit: str
    year: int
    count: int
    base: int
    max_share: Decimal
    allowed: int  # the most the base allows
    ok: bool
    verified: bool  # the quota's legal basis is confirmed
    explanation: str


def check_quota(quota: Quota, counts: UnitYearCounts, labels: Mapping[str, str] | None = None) -> QuotaResult:
    """Whether `counts` keep within `quota`, with the reason in Vietnamese."""
    labels = labels or {}
    count, base = counts.counts.get(quota.award, 0), counts.counts.get(quota.base, 0)
    check_counts(count, base)
    allowed = int((quota.max_share * base).to_integral_value(rounding=ROUND_FLOOR))
    ok = count <= allowed
    award, of = labels.get(quota.award, quota.award), labels.get(quota.base, quota.base)
    who = "Tỉnh" if quota.scope == "tinh" else f"Đơn vị {counts.unit}"
    limit = percent(quota.max_share)
    if base == 0:
        reason = f"{count} {award}, không có {of} nào ({'đạt' if ok else 'vượt'} tỷ lệ tối đa {limit})"
    else:
        share = Decimal(count) / Decimal(base)
        reason = f"{count} {award} / {base} {of} = {percent(share)} {'≤' if ok else '>'} {limit}"
        reason += "" if ok else f" (tối đa {allowed} {award})"
    return QuotaResult(quota=quota.code, unit=counts.unit, year=counts.year, count=count, base=base,
                       max_share=quota.max_share, allowed=allowed, ok=ok, verified=quota.verified,
                       explanation=f"{who} năm {counts.year}: {reason}")


def percent(share: Decimal) -> str:
    value = (share * 100).quantize(Decimal("0.01")).normalize()
    if value == value.to_integral():
        return f"{int(value)}%"
    return f"{value:f}".replace(".", ",") + "%"


def check_counts(*numbers: int) -> None:
    if any(n < 0 for n in numbers):
        raise NegativeCountError(numbers)


class NegativeCountError(ValueError):
    """Raised when a count given to a quota check is negative."""

    def __init__(self, numbers: tuple[int, ...]) -> None:
        super().__init__(f"Số lượng để tính tỷ lệ không được âm: {list(numbers)}")
