"""The statutory forms' data files: every condition is one the form's source knows."""

from __future__ import annotations

from datetime import date

import pytest

from services.reporting.forms import layout
from services.reporting.publications import flatten


def test_every_shipped_form_loads_with_its_rows_and_columns() -> None:
    forms = {code: layout.form(code) for code in layout.codes()}
    assert list(forms) == ["0601", "0602", "0603", "0604", "0605"]
    assert [f.symbol for f in forms.values()] == [f"060{n}.N/BNV-TĐKT" for n in range(1, 6)]
    assert [r.code for r in forms["0601"].rows] == [f"{n:02d}" for n in range(1, 13)]
    assert {f.source for f in forms.values()} == {"movements", "awards", "entries"}
    assert all(not f.verified for f in forms.values())  # the circular's text was not found (SOURCES.md)
    # the rows of the vendor's rendering the events can count, with its codes
    assert [r.code for r in forms["0603"].rows] == [f"{n:02d}" for n in range(1, 18)]
    assert [r.code for r in forms["0602"].rows] == ["01", "03", *(f"{n:02d}" for n in range(6, 22))]
    assert forms["0602"].rows[7].where == {"kind": "ca_nhan", "leadership_tier": "cap_vu_so"}  # row 11
    assert [r.where for r in forms["0603"].rows[10:]] == [{"basis": b} for b in (
        "cong_trang", "chuyen_de", "dot_xuat", "doi_ngoai", "cong_hien", "nien_han", "khang_chien")]
    assert [c.code for c in forms["0602"].columns] == [str(n) for n in range(1, 10)]
    assert forms["0603"].columns[0].sum_of == ["2", "3", "4", "5"]
    assert forms["0603"].rows[9].where == {"kind": "ca_nhan", "direct_labourer": True}
    # the entered forms: a unit enters each cell that is not a sum, as "row.column"
    assert forms["0604"].entry_cells() == ["02.1", "03.1", "04.1", "05.1"]
    assert [r.code for r in forms["0605"].rows] == [f"{n:02d}" for n in range(1, 16)]
    assert forms["0605"].entry_cells()[:3] == ["02.1", "02.2", "03.1"] and len(forms["0605"].entry_cells()) == 28


def test_the_tdkt_statistical_year_runs_from_the_first_of_december_before() -> None:
    for code in layout.codes():
        assert layout.form(code).dates(2026) == (date(2025, 12, 1), date(2026, 11, 30)), code
    calendar = layout.Form(code="9999", symbol="x", title="x", basis="x", due="x", unit_of_measure="x",
                           source="awards", columns=[], rows=[])
    assert calendar.dates(2026) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_condition_the_source_does_not_know_is_refused_on_load() -> None:
    bad = layout.Form(code="9999", symbol="x", title="x", basis="x", due="x", unit_of_measure="x",
                      source="movements", columns=[layout.Line("1", "Tổng số", {"award": "BKT"})],
                      rows=[layout.Line("01", "Tổng số")])
    with pytest.raises(layout.FormLayoutError, match="«award» không dùng được với nguồn movements"):
        layout._check(bad)
    with pytest.raises(layout.UnknownFormError, match="có các biểu: 0601, 0602, 0603, 0604, 0605"):
        layout.form("0999")
    summed = layout.Form(code="9999", symbol="x", title="x", basis="x", due="x", unit_of_measure="x",
                         source="entries", columns=[layout.Line("1", "Số lượng")],
                         rows=[layout.Line("01", "Tổng số", sum_of=["02", "09"]), layout.Line("02", "Nữ")])
    with pytest.raises(layout.FormLayoutError, match="Biểu 9999: dòng 01 cộng dòng không có: 09"):
        layout._check(summed)


def test_figures_are_compared_by_a_stable_path() -> None:
    report = {"awards": {"total": {"key": None, "label": "Tổng", "count": 3, "list_url": "/x"},
                         "by_form": [{"key": "BKT", "label": "Bằng khen", "count": 2, "list_url": "/y"}]},
              "rows": [{"code": "02", "label": "Tập thể", "values": [4, 1]}], "position": {"complete_through": 9}}
    assert flatten(report) == {"awards.total": ("Tổng", 3), "awards.by_form[BKT]": ("Bằng khen", 2),
                               "rows[02].values[1]": ("Tập thể", 4), "rows[02].values[2]": ("Tập thể", 1)}
