"""Tiền thưởng: the award's multiplier × the base salary in force on the decision date, rounded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.nomination.catalogue import files
from services.nomination.catalogue.model import Rounding
from services.nomination.catalogue.money import (
    NoMultiplierError,
    NoSalaryError,
    SubjectNotAwardedError,
    cash_amount,
    highest_only,
    number,
    rounded,
)
from tests.unit.nomination.catalogue.helpers import edited, shipped, shipped_catalogue

CATALOGUE = shipped_catalogue()


def test_a_decision_takes_the_base_salary_of_its_own_date() -> None:
    ldtt = CATALOGUE.award("LDTT")
    assert cash_amount(ldtt, date(2024, 6, 30), CATALOGUE.salary) == Decimal("540000")  # 0,3 × 1.800.000
    assert cash_amount(ldtt, date(2024, 7, 1), CATALOGUE.salary) == Decimal("710000")  # 702.000 rounded up
    assert CATALOGUE.cash_amount("CSTDCS", date(2019, 7, 1)) == Decimal("1490000")
    assert CATALOGUE.cash_amount("CTDCP", date(2026, 1, 15)) == Decimal("28080000")


def test_the_base_salary_of_nd_161_2026_applies_from_the_first_of_july_2026() -> None:
    assert CATALOGUE.cash_amount("LDTT", date(2026, 3, 1)) == Decimal("710000")  # 0,3 × 2.340.000 = 702.000
    assert CATALOGUE.cash_amount("LDTT", date(2026, 6, 30)) == Decimal("710000")
    assert CATALOGUE.cash_amount("LDTT", date(2026, 7, 1)) == Decimal("760000")  # 0,3 × 2.530.000 = 759.000
    assert CATALOGUE.cash_amount("LDTT", date(2026, 8, 1)) == Decimal("760000")
    assert CATALOGUE.cash_amount("CSTDCS", date(2026, 8, 1)) == Decimal("2530000")  # already a multiple


def test_the_amount_explains_itself_and_says_whether_it_is_verified() -> None:
    amount = CATALOGUE.cash("TTLDTT", date(2026, 8, 1))
    assert amount.explanation == ("0,8 × 2.530.000 đ (mức lương cơ sở từ 01/07/2026) = 2.024.000 đ → 2.030.000 đ")
    assert amount.verified  # NĐ 152 Đ49–50 and the salary decrees, domain.md §7
    assert not CATALOGUE.cash("LDTT", date(2023, 8, 1)).verified  # NĐ 24/2023 not read


def test_orders_and_forms_pay_collectives_their_own_multiple_and_households_one_and_a_half_times() -> None:
    on = date(2026, 8, 1)
    collective = CATALOGUE.cash("BKT", on, "tap_the")
    assert (collective.multiplier, collective.amount, collective.verified) == (Decimal("3.0"), 7590000, True)
    individual = CATALOGUE.cash("BKT", on)  # an individual's amount: UNVERIFIED, visible as such
    assert (individual.subject, individual.multiplier, individual.amount) == ("ca_nhan", Decimal("1.5"), 3800000)
    assert not individual.verified
    household = CATALOGUE.cash("BKT", on, "ho_gia_dinh")
    assert household.multiplier == Decimal("1.5") * individual.multiplier and not household.verified
    assert household.amount == Decimal("5700000")  # 2,25 × 2.530.000 = 5.692.500, rounded up
    assert CATALOGUE.cash_amount("BKTTG", on, "tap_the") == Decimal("17710000")  # 7 × 2.530.000
    assert CATALOGUE.cash_amount("GK", on, "tap_the") == Decimal("1520000")  # 0,6 × 2.530.000 = 1.518.000
    assert CATALOGUE.cash_amount("HCLD3", on, "doanh_nghiep") == Decimal("22770000")  # 9 × 2.530.000
    assert CATALOGUE.cash_amount("HCSV", on, "tap_the") == Decimal("232760000")  # 92 × 2.530.000


def test_an_award_is_paid_only_to_the_kinds_of_nominee_it_is_given_to() -> None:
    with pytest.raises(SubjectNotAwardedError, match="'Lao động tiên tiến' không tặng cho tập thể"):
        CATALOGUE.cash("LDTT", date(2026, 8, 1), "tap_the")


def test_several_titles_of_one_period_pay_only_the_highest() -> None:
    payable = CATALOGUE.cash_for_one_period(["LDTT", "CSTDT", "CSTDCS"], date(2026, 8, 1))
    assert (payable.paid.award, payable.amount) == ("CSTDT", Decimal("7590000"))
    assert sorted(a.award for a in payable.not_paid) == ["CSTDCS", "LDTT"]
    one = highest_only([CATALOGUE.cash("LDTT", date(2026, 8, 1))])
    assert (one.amount, one.not_paid) == (Decimal("760000"), ())


def test_a_date_before_the_salary_table_has_no_amount() -> None:
    with pytest.raises(NoSalaryError, match=r"ngày 30/06/2019: bảng lương cơ sở .* bắt đầu từ 01/07/2019"):
        CATALOGUE.cash_amount("LDTT", date(2019, 6, 30))


def test_an_award_without_a_multiplier_has_no_amount() -> None:
    with pytest.raises(NoMultiplierError, match=r"'Chiến sĩ tiên tiến' \(CSTT\) cho cá nhân"):
        CATALOGUE.cash_amount("CSTT", date(2026, 1, 15))
    assert CATALOGUE.cash_if_known("CSTT", date(2026, 1, 15)) is None
    assert CATALOGUE.cash_if_known("LDTT", date(2026, 1, 15)) == Decimal("710000")


def test_a_new_base_salary_is_a_line_in_the_table() -> None:
    texts = shipped()
    texts["salary.yaml"] = edited(
        texts["salary.yaml"], "\nrounding:", "\n  - {amount: 2800000, valid_from: 2027-07-01}\n\nrounding:")
    raised = files.parse(texts)
    assert raised.cash_amount("CSTDCS", date(2027, 6, 30)) == Decimal("2530000")
    assert raised.cash_amount("CSTDCS", date(2027, 7, 1)) == Decimal("2800000")


@pytest.mark.parametrize(("mode", "expected"), [("up", "710000"), ("half_up", "700000"), ("down", "700000")])
def test_the_rounding_is_configured(mode: str, expected: str) -> None:
    assert rounded(Decimal("702000"), Rounding.model_validate({"step": 10000, "mode": mode})) == Decimal(expected)


def test_amounts_are_written_the_vietnamese_way() -> None:
    assert [number(Decimal(v)) for v in ("2340000", "0.3", "12.0", "1234.5")] == ["2.340.000", "0,3", "12", "1.234,5"]
