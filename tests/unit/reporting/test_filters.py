"""A report's rows link to their lists: the links made in one pass are those of each row's own filter."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from services.reporting import figures
from services.reporting.filters import AwardFilter, TaskFilter


def test_links_made_in_one_pass_equal_each_rows_own_filter() -> None:
    base = AwardFilter(awarded=True, decided_from=date(2026, 1, 1), decided_to=date(2026, 12, 31))
    cases: list[tuple[str, list[object]]] = [
        ("unit", ["SGDDT", "Sở Y tế & Dân số", None]), ("central", [True, False, None]), ("year", [2025, 2026]),
        ("award", ["BKT"]), ("awarded", [False])]  # awarded is set already: made one by one
    for name, values in cases:
        assert base.urls_by(name, values) == [base.but(**{name: v}).url() for v in values], name
    later_set = base.but(year=2025)  # a field after `unit` is set: the links are still each row's own
    assert later_set.urls_by("unit", ["SYT"]) == [later_set.but(unit="SYT").url()]
    assert TaskFilter().urls_by("lead_unit", ["SNV"]) == [TaskFilter(lead_unit="SNV").url()]


def test_a_link_is_its_filters_fields_url_encoded() -> None:
    cases = [AwardFilter(), AwardFilter(awarded=True, decided_from=date(2026, 1, 1), unit="Sở Y tế & Dân số/1+2",
                                        central=False, year=2026, movement="3f2b1c9e-0000-4000-8000-000000000001"),
             TaskFilter(due_from=date(2026, 4, 1), outcome="late", lead_unit="SNV_01", quarter=2)]
    for flt in cases:
        assert flt.url() == f"{flt.path}?{urlencode(flt.params())}"


def test_the_leading_units_links_made_in_one_pass_equal_each_units_own() -> None:
    base = TaskFilter(due_from=date(2026, 1, 1), due_to=date(2026, 6, 30))
    units = ["SNV", "Sở Y tế & Dân số", "DV0042"]
    assert figures._unit_links(base, units) == [figures._links(base.but(lead_unit=u)) for u in units]
