"""Quotas are checked per unit (or province) and year, with the reason in Vietnamese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.nomination.catalogue.bundle import UnknownQuotaError
from services.nomination.catalogue.quotas import NegativeCountError, UnitYearCounts, check_quota
from tests.unit.nomination.catalogue.helpers import shipped_catalogue

CATALOGUE = shipped_catalogue()


def snv(**counts: int) -> UnitYearCounts:
    return UnitYearCounts(unit="SNV", year=2026, counts=counts)


def test_too_many_cstdcs_among_ldtt_are_refused_with_the_reason() -> None:
    result = CATALOGUE.check_quota("CSTDCS_LDTT", snv(CSTDCS=4, LDTT=20))
    assert not result.ok
    assert result.allowed == 3
    assert result.explanation == "Đơn vị SNV năm 2026: 4 CSTĐCS / 20 LĐTT = 20% > 15% (tối đa 3 CSTĐCS)"
    assert not result.verified  # the 15% of the repealed decree 91/2017


def test_a_share_at_the_limit_is_allowed() -> None:
    result = CATALOGUE.check_quota("CSTDCS_LDTT", snv(CSTDCS=3, LDTT=20))
    assert result.ok
    assert result.explanation == "Đơn vị SNV năm 2026: 3 CSTĐCS / 20 LĐTT = 15% ≤ 15%"


def test_the_allowed_number_is_rounded_down() -> None:
    result = CATALOGUE.check_quota("CSTDCS_LDTT", snv(CSTDCS=2, LDTT=19))
    assert (result.allowed, result.ok) == (2, True)
    assert "= 10,53% ≤ 15%" in result.explanation


def test_none_of_the_base_allows_none_of_the_award() -> None:
    assert CATALOGUE.check_quota("CSTDCS_LDTT", snv()).ok
    result = CATALOGUE.check_quota("CSTDCS_LDTT", snv(CSTDCS=1))
    assert not result.ok
    assert result.explanation == "Đơn vị SNV năm 2026: 1 CSTĐCS, không có LĐTT nào (vượt tỷ lệ tối đa 15%)"


def test_a_province_wide_quota_speaks_of_the_province() -> None:
    result = CATALOGUE.check_quota("CTDCP_CTDT", UnitYearCounts("CaoBang", 2026, {"CTDCP": 3, "CTDT": 10}))
    assert result.explanation == ("Tỉnh năm 2026: 3 Cờ thi đua Chính phủ / 10 Cờ thi đua tỉnh = 30% > 20% "
                                  "(tối đa 2 Cờ thi đua Chính phủ)")


def test_bad_counts_and_unknown_quotas_are_refused() -> None:
    with pytest.raises(NegativeCountError):
        check_quota(CATALOGUE.quota("CSTDCS_LDTT"), snv(CSTDCS=-1, LDTT=3))
    with pytest.raises(UnknownQuotaError):
        CATALOGUE.quota("KHONG_CO")


def test_without_labels_the_codes_are_shown() -> None:
    result = check_quota(CATALOGUE.quota("CSTDCS_LDTT"), snv(CSTDCS=1, LDTT=10))
    assert result.explanation == "Đơn vị SNV năm 2026: 1 CSTDCS / 10 LDTT = 10% ≤ 15%"
    assert result.max_share == Decimal("0.15")
