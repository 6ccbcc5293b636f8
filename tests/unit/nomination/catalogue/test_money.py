"""Tiền thưởng: the award's multiplier × the base salary in force on the decision date, rounded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.nomination.catalogue import files
from services.nomination.catalogue.model import Rounding
from services.nomination.catalogue.money import NoMultiplierError, NoSalaryError, cash_amount, number, rounded
from tests.unit.nomination.catalogue.helpers import edited, shipped, shipped_catalogue

CATALOGUE = shipped_catalogue()


def test_a_decision_takes_the_base_salary_of_its_own_date() -> None:
    ldtt = CATALOGUE.award("LDTT")
    assert cash_amount(ldtt, date(2024, 6, 30), CATALOGUE.salary) == Decimal("540000")  # 0,3 × 1.800.000
    assert cash_amount(ldtt, date(2024, 7, 1), CATALOGUE.salary) == Decimal("710000")  # 702.000 rounded up
    assert CATALOGUE.cash_amount("CSTDCS", date(2019, 7, 1)) == Decimal("1490000")
    assert CATALOGUE.cash_amount("CTDCP", date(2026, 1, 15)) == Decimal("28080000")


def test_the_amount_explains_itself_and_says_it_is_not_verified() -> None:
    amount = CATALOGUE.cash("TTLDTT", date(2025, 3, 1))
    assert amount.explanation == ("0,8 × 2.340.000 đ (mức lương cơ sở từ 01/07/2024) = 1.872.000 đ → 1.880.000 đ")
    assert not amount.verified  # salary decrees and current multipliers not checked against their text


def test_a_date_before_the_salary_table_has_no_amount() -> None:
    with pytest.raises(NoSalaryError, match=r"ngày 30/06/2019: bảng lương cơ sở .* bắt đầu từ 01/07/2019"):
        CATALOGUE.cash_amount("LDTT", date(2019, 6, 30))


def test_an_award_without_a_multiplier_has_no_amount() -> None:
    with pytest.raises(NoMultiplierError, match=r"'Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh' \(BKT\)"):
        CATALOGUE.cash_amount("BKT", date(2026, 1, 15))
    assert CATALOGUE.cash_if_known("BKT", date(2026, 1, 15)) is None
    assert CATALOGUE.cash_if_known("LDTT", date(2026, 1, 15)) == Decimal("710000")


def test_a_new_base_salary_is_a_line_in_the_table() -> None:
    texts = shipped()
    texts["salary.yaml"] = edited(
        texts["salary.yaml"], "\nrounding:", "\n  - {amount: 2530000, valid_from: 2026-07-01}\n\nrounding:")
    raised = files.parse(texts)
    assert raised.cash_amount("CSTDCS", date(2026, 6, 30)) == Decimal("2340000")
    assert raised.cash_amount("CSTDCS", date(2026, 7, 1)) == Decimal("2530000")


@pytest.mark.parametrize(("mode", "expected"), [("up", "710000"), ("half_up", "700000"), ("down", "700000")])
def test_the_rounding_is_configured(mode: str, expected: str) -> None:
    assert rounded(Decimal("702000"), Rounding.model_validate({"step": 10000, "mode": mode})) == Decimal(expected)


def test_amounts_are_written_the_vietnamese_way() -> None:
    assert [number(Decimal(v)) for v in ("2340000", "0.3", "12.0", "1234.5")] == ["2.340.000", "0,3", "12", "1.234,5"]
