"""Entries of forms 0604 and 0605 entered column by column, before the forms took the circular's
rows: their figures are kept aside, and those whose column is one cell of the layout of today are
entered in it."""

from __future__ import annotations

from services.reporting.forms import layout
from services.reporting.store import COLUMN_CELLS, moved


def test_a_column_that_is_one_cell_is_entered_there_and_every_column_figure_is_kept_aside() -> None:
    cells, earlier = moved("0605", {"2": 3, "3": 1, "4": 2, "6": 3, "7": 1}, {})
    assert cells == {"11.1": 3, "12.1": 1}  # trình độ đại học, sau đại học
    assert earlier == {"2": 3, "3": 1, "4": 2, "6": 3, "7": 1}
    assert moved("0605", cells, earlier) == (cells, earlier)  # once moved, nothing moves again
    since = moved("0605", {"6": 3, "11.1": 4}, {})
    assert since == ({"11.1": 4}, {"6": 3})  # a cell entered since wins over the earlier column
    assert moved("0604", {"2": 1, "3": 2, "4": 1}, {}) == ({}, {"2": 1, "3": 2, "4": 1})  # ambiguous: kept aside


def test_every_cell_a_column_moves_to_is_one_a_unit_enters() -> None:
    for form, columns in COLUMN_CELLS.items():
        assert set(columns.values()) <= set(layout.form(form).entry_cells()), form
