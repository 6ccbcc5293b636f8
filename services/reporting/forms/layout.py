"""Reading the forms' data files: rows, columns and the conditions of each cell, checked on load;
the period a form counts (the circular's statistical year) and, for the forms units enter, which
cells they enter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

HERE = Path(__file__).parent
Source = Literal["awards", "movements", "entries"]
# The conditions a form may use, per source: name → SQL expression over the read model.
FIELDS: dict[str, dict[str, str]] = {
    "awards": {"award": "award_code", "award_not": "award_code", "category": "award_category",
               "category_not": "award_category", "level": "award_level", "kind": "nominee_kind", "central": "central",
               "direct_labourer": "nominee_direct_labourer", "leadership_tier": "nominee_leadership_tier",
               "basis": "award_basis"},
    "movements": {"launcher_level": "launcher_level", "scope": "scope", "kind": "kind",
                  "duration_days": "(ends_on - starts_on + 1)"},
    "entries": {},
}


class UnknownFormError(LookupError):
    """Raised when no data file describes the form asked for."""


class FormLayoutError(ValueError):
    """Raised when a form's data file names a condition its source does not know."""


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    where: dict[str, Any] = field(default_factory=dict)
    sum_of: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Form:
    code: str
    symbol: str
    title: str
    basis: str
    due: str
    unit_of_measure: str
    source: Source
    columns: list[Line]
    rows: list[Line]
    where: dict[str, Any] = field(default_factory=dict)
    rows_per_unit: bool = False
    verified: bool = False
    period: tuple[str, str] = ("01-01", "12-31")  # month-day of the first and last day counted

    @property
    def entered(self) -> bool:
        return self.source == "entries"

    def entry_columns(self) -> list[Line]:
        """The columns a unit enters (the others are sums)."""
        return [c for c in self.columns if not c.sum_of]

    def entry_cells(self) -> list[str]:
        """The cells a unit enters, as `row.column` ("02.1"); rows and columns that are sums are
        added up, not entered."""
        return [f"{r.code}.{c.code}" for r in self.rows if not r.sum_of for c in self.entry_columns()]

    def dates(self, year: int) -> tuple[date, date]:
        """The days the form counts for `year`: a first day later in the year than the last one
        is in the year before (the TĐKT statistical year runs from 1 December to 30 November)."""
        (first_month, first_day), (last_month, last_day) = (map(int, d.split("-")) for d in self.period)
        before = (first_month, first_day) > (last_month, last_day)
        return date(year - before, first_month, first_day), date(year, last_month, last_day)


def _line(raw: dict[str, Any]) -> Line:
    return Line(code=str(raw["code"]), label=raw["label"], where=dict(raw.get("where") or {}),
                sum_of=[str(c) for c in raw.get("sum_of") or []])


def _check(form: Form) -> Form:
    known = FIELDS[form.source]
    for line in (*form.columns, *form.rows):
        for name in (*line.where, *form.where):
            if name not in known:
                raise FormLayoutError(f"Biểu {form.code}: điều kiện «{name}» không dùng được với nguồn {form.source}.")
    for lines, what in ((form.columns, "cột"), (form.rows, "dòng")):
        codes = {line.code for line in lines}
        for line in lines:
            if missing := [code for code in line.sum_of if code not in codes or code == line.code]:
                raise FormLayoutError(f"Biểu {form.code}: {what} {line.code} cộng {what} không có: "
                                      f"{', '.join(missing)}.")
    return form


@cache
def form(code: str) -> Form:
    path = HERE / f"{code}.yaml"
    if not path.is_file() or code == "header":
        raise UnknownFormError(f"Không có biểu mẫu {code}; có các biểu: {', '.join(codes())}.")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return _check(Form(code=str(raw["code"]), symbol=raw["symbol"], title=raw["title"], basis=raw["basis"],
                       due=raw["due"], unit_of_measure=raw["unit_of_measure"], source=raw["source"],
                       columns=[_line(c) for c in raw["columns"]], rows=[_line(r) for r in raw["rows"]],
                       where=dict(raw.get("where") or {}), rows_per_unit=bool(raw.get("rows_per_unit")),
                       verified=bool(raw.get("verified")), period=_period(raw.get("period"))))


def _period(raw: dict[str, str] | None) -> tuple[str, str]:
    if not raw:
        return Form.period
    first, last = str(raw["start"]), str(raw["end"])
    for day in (first, last):
        month, number = map(int, day.split("-"))
        date(2024, month, number)  # a day that exists (a leap year allows 29 February)
    return first, last


def codes() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml") if p.stem != "header")


@cache
def header() -> dict[str, str]:
    loaded: dict[str, str] = yaml.safe_load((HERE / "header.yaml").read_text(encoding="utf-8"))
    return loaded
