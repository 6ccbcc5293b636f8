"""Periods a report covers, as people write them."""

from __future__ import annotations

from datetime import date

import pytest

from services.reporting.documents.heading import heading
from services.reporting.periods import PeriodError, of, parse


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "quý I năm 2026"),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "quý III năm 2026"),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quý IV năm 2026"),
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), "6 tháng đầu năm 2026"),
    ("2026-H2", date(2026, 7, 1), date(2026, 12, 31), "6 tháng cuối năm 2026"),
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "năm 2026"),
    ("2026-02-10..2026-05-03", date(2026, 2, 10), date(2026, 5, 3), "từ ngày 10/02/2026 đến ngày 03/05/2026"),
])
def test_reads_quarters_halves_years_and_ranges(text: str, start: date, end: date, label: str) -> None:
    period = parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_a_range_knows_the_quarters_it_touches() -> None:
    assert parse("2026-02-10..2026-05-03").quarters() == [(2026, 1), (2026, 2)]
    assert parse("2026").quarters() == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    assert parse("2026-11-01..2027-01-31").quarters() == [(2026, 4), (2027, 1)]


@pytest.mark.parametrize(("text", "says"), [
    ("2026-Q5", "không đúng dạng"), ("2026-02-30..2026-03-01", "không có thật"),
    ("2026-06-01..2026-01-01", "trước ngày bắt đầu"), ("2000-01-01..2020-01-01", "dài quá 10 năm"),
])
def test_refuses_what_is_not_a_period_in_vietnamese(text: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says):
        parse(text)


def test_a_sub_command_takes_only_its_own_kind_of_period() -> None:
    assert of("half", "2026-H1").end == date(2026, 6, 30)
    with pytest.raises(PeriodError, match="không phải một kỳ loại quarter"):
        of("quarter", "2026")


def test_document_dates_take_leading_zeros_as_nd30_asks() -> None:
    assert heading(date(2027, 2, 5)).place_date == "Cao Bằng, ngày 05 tháng 02 năm 2027"
    assert heading(date(2026, 12, 15)).place_date == "Cao Bằng, ngày 15 tháng 12 năm 2026"
    assert heading(date(2026, 3, 9)).place_date == "Cao Bằng, ngày 09 tháng 3 năm 2026"


@pytest.mark.parametrize("text", ["0000", "1999-Q4", "2101-H1", "1999-12-01..2000-01-31", "0001-01-01..0001-01-02",
                                  "2100-06-01..2101-01-31"])
def test_refuses_years_outside_the_systems_range(text: str) -> None:
    with pytest.raises(PeriodError, match=r"2000–2100"):
        parse(text)
