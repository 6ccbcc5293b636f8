"""The statutory forms' data files: every condition is one the form's source knows."""

from __future__ import annotations

import pytest

from services.reporting.forms import layout
from services.reporting.publications import flatten


def test_every_shipped_form_loads_with_its_rows_and_columns() -> None:
    forms = {code: layout.form(code) for code in layout.codes()}
    assert list(forms) == ["0601", "0602", "0603", "0604", "0605"]
    assert [f.symbol for f in forms.values()] == [f"060{n}.N/BNV-TĐKT" for n in range(1, 6)]
    assert [r.code for r in forms["0601"].rows] == [f"{n:02d}" for n in range(1, 13)]
    assert {f.source for f in forms.values()} == {"movements", "awards", "entries"}
    assert [c.code for c in forms["0605"].entry_columns()] == ["2", "3", "4", "5", "6", "7"]


def test_a_condition_the_source_does_not_know_is_refused_on_load() -> None:
    bad = layout.Form(code="9999", symbol="x", title="x", basis="x", due="x", unit_of_measure="x",
                      source="movements", columns=[layout.Line("1", "Tổng số", {"award": "BKT"})],
                      rows=[layout.Line("01", "Tổng số")])
    with pytest.raises(layout.FormLayoutError, match="«award» không dùng được với nguồn movements"):
        layout._check(bad)
    with pytest.raises(layout.UnknownFormError, match="có các biểu: 0601, 0602, 0603, 0604, 0605"):
        layout.form("0999")


def test_figures_are_compared_by_a_stable_path() -> None:
    report = {"awards": {"total": {"key": None, "label": "Tổng", "count": 3, "list_url": "/x"},
                         "by_form": [{"key": "BKT", "label": "Bằng khen", "count": 2, "list_url": "/y"}]},
              "rows": [{"code": "02", "label": "Tập thể", "values": [4, 1]}], "position": {"complete_through": 9}}
    assert flatten(report) == {"awards.total": ("Tổng", 3), "awards.by_form[BKT]": ("Bằng khen", 2),
                               "rows[02].values[1]": ("Tập thể", 4), "rows[02].values[2]": ("Tập thể", 1)}
