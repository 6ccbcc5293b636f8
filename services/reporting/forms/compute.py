"""Filling a form for a year (the form's statistical year: `Form.dates`): one SQL statement counts
every cell of the awards and movements forms (`count(*) FILTER (WHERE row AND column)`), a column
that is a sum adds up its columns; the entered forms add up the units' entries cell by cell."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from services.reporting.forms.layout import FIELDS, Form, Line, header
from services.reporting.units import unit_names

Row = dict[str, Any]
_TABLES = {"awards": ("report_dossiers", "decided_on", "decision_number IS NOT NULL AND NOT revoked"),
           "movements": ("report_movements", "launched_on", "true")}


class _Params:
    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def _condition(source: str, where: dict[str, Any], params: _Params) -> str:
    parts = []
    for name, value in where.items():
        column = FIELDS[source][name]
        if name == "duration_days":
            parts.append(f"{column} BETWEEN {params.add(int(value[0]))} AND {params.add(int(value[1]))}")
        elif name.endswith("_not"):
            parts.append(f"NOT ({column} = ANY({params.add([str(v) for v in value])}::text[]))")
        elif isinstance(value, bool):
            parts.append(f"{column} = {params.add(value)}")
        elif isinstance(value, list):
            parts.append(f"{column} = ANY({params.add([str(v) for v in value])}::text[])")
        else:
            parts.append(f"{column} = {params.add(str(value))}")
    return " AND ".join(parts) or "true"


def _scope(form: Form, year: int, params: _Params) -> str:
    _, day, base = _TABLES[form.source]
    first, last = form.dates(year)
    return (f"{base} AND {day} BETWEEN {params.add(first)} AND {params.add(last)} "
            f"AND {_condition(form.source, form.where, params)}")


async def _counted(conn: asyncpg.Connection, form: Form, year: int) -> list[Row]:
    table = _TABLES[form.source][0]
    counted = form.entry_columns()  # the columns that are not sums of others
    params = _Params()
    cells = [f"count(*) FILTER (WHERE ({_condition(form.source, r.where, params)}) AND "
             f"({_condition(form.source, c.where, params)}))" for r in form.rows for c in counted]
    record = await conn.fetchrow(f"SELECT {', '.join(cells)} FROM {table} WHERE {_scope(form, year, params)}",
                                 *params.values)
    width = len(counted)
    rows = [_row(r.code, r.label, _with_sums(form.columns, {c.code: record[i * width + j]
                                                           for j, c in enumerate(counted)}))
            for i, r in enumerate(form.rows)]
    if form.rows_per_unit:
        params = _Params()
        units = [f"count(*) FILTER (WHERE {_condition(form.source, c.where, params)})" for c in counted]
        records = await conn.fetch(f"SELECT unit_code, {', '.join(units)} FROM {table} "
                                   f"WHERE {_scope(form, year, params)} GROUP BY unit_code ORDER BY unit_code",
                                   *params.values)
        names = await unit_names(conn)
        last = max(int(r.code) for r in form.rows)  # a unit's row is numbered after the form's own rows
        rows += [_row(f"{last + i + 1:02d}", f"Đơn vị: {names.get(r['unit_code'], r['unit_code'])}",
                      _with_sums(form.columns, {c.code: r[j + 1] for j, c in enumerate(counted)}))
                 for i, r in enumerate(records)]
    return rows


def _row(code: str, label: str, values: list[int]) -> Row:
    return {"code": code, "label": label, "values": [int(v) for v in values]}


def _with_sums(lines: list[Line], cells: dict[str, int]) -> list[int]:
    """Each line's figure: its own, or the sum of the lines it adds up."""
    return [sum(int(cells.get(s, 0)) for s in line.sum_of) if line.sum_of else int(cells.get(line.code, 0))
            for line in lines]


async def _entered(conn: asyncpg.Connection, form: Form, year: int) -> list[Row]:
    """The form's rows and columns, each cell the sum of what every unit entered in it."""
    records = await conn.fetch("SELECT cells FROM report_form_entries WHERE form = $1 AND year = $2",
                               form.code, year)
    entered: dict[str, int] = {}
    for record in records:
        for cell, value in json.loads(record["cells"]).items():
            entered[cell] = entered.get(cell, 0) + int(value)
    grid = {r.code: {c.code: entered.get(f"{r.code}.{c.code}", 0) for c in form.columns} for r in form.rows}
    by_column = {c.code: _with_sums(form.rows, {r: grid[r][c.code] for r in grid}) for c in form.columns}
    return [_row(r.code, r.label, _with_sums(form.columns, {c: by_column[c][i] for c in by_column}))
            for i, r in enumerate(form.rows)]


async def fill(conn: asyncpg.Connection, form: Form, year: int) -> Row:
    rows = await (_entered(conn, form, year) if form.entered else _counted(conn, form, year))
    first, last = form.dates(year)
    return {"code": form.code, "symbol": form.symbol, "title": form.title, "basis": form.basis, "due": form.due,
            "unit_of_measure": form.unit_of_measure, "year": year, "verified": form.verified,
            "period_start": first, "period_end": last,
            "header": header(), "columns": [{"code": c.code, "label": c.label} for c in form.columns],
            "rows": rows}
