"""Filling a form for a year: one SQL statement counts every cell of the awards and movements
forms (`count(*) FILTER (WHERE row AND column)`); the entered forms add up the units' entries."""

from __future__ import annotations

import json
from datetime import date
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
    return (f"{base} AND {day} BETWEEN {params.add(date(year, 1, 1))} AND {params.add(date(year, 12, 31))} "
            f"AND {_condition(form.source, form.where, params)}")


async def _counted(conn: asyncpg.Connection, form: Form, year: int) -> list[Row]:
    table = _TABLES[form.source][0]
    params = _Params()
    cells = [f"count(*) FILTER (WHERE ({_condition(form.source, r.where, params)}) AND "
             f"({_condition(form.source, c.where, params)}))" for r in form.rows for c in form.columns]
    record = await conn.fetchrow(f"SELECT {', '.join(cells)} FROM {table} WHERE {_scope(form, year, params)}",
                                 *params.values)
    width = len(form.columns)
    rows = [_row(r.code, r.label, [record[i * width + j] for j in range(width)]) for i, r in enumerate(form.rows)]
    if form.rows_per_unit:
        params = _Params()
        units = [f"count(*) FILTER (WHERE {_condition(form.source, c.where, params)})" for c in form.columns]
        records = await conn.fetch(f"SELECT unit_code, {', '.join(units)} FROM {table} "
                                   f"WHERE {_scope(form, year, params)} GROUP BY unit_code ORDER BY unit_code",
                                   *params.values)
        names = await unit_names(conn)
        rows += [_row(f"{len(form.rows) + i + 1:02d}", f"Đơn vị: {names.get(r['unit_code'], r['unit_code'])}",
                      list(r.values())[1:]) for i, r in enumerate(records)]
    return rows


def _row(code: str, label: str, values: list[int]) -> Row:
    return {"code": code, "label": label, "values": [int(v) for v in values]}


def _with_sums(columns: list[Line], cells: dict[str, int]) -> list[int]:
    return [sum(int(cells.get(s, 0)) for s in c.sum_of) if c.sum_of else int(cells.get(c.code, 0)) for c in columns]


async def _entered(conn: asyncpg.Connection, form: Form, year: int) -> list[Row]:
    records = await conn.fetch("SELECT unit_code, unit_name, cells FROM report_form_entries "
                               "WHERE form = $1 AND year = $2 ORDER BY unit_code", form.code, year)
    units = [_row(f"{i + 2:02d}", r["unit_name"], _with_sums(form.columns, json.loads(r["cells"])))
             for i, r in enumerate(records)]
    total = [sum(u["values"][j] for u in units) for j in range(len(form.columns))]
    return [_row(form.rows[0].code, form.rows[0].label, total), *units]


async def fill(conn: asyncpg.Connection, form: Form, year: int) -> Row:
    rows = await (_entered(conn, form, year) if form.entered else _counted(conn, form, year))
    return {"code": form.code, "symbol": form.symbol, "title": form.title, "basis": form.basis, "due": form.due,
            "unit_of_measure": form.unit_of_measure, "year": year, "verified": form.verified,
            "header": header(), "columns": [{"code": c.code, "label": c.label} for c in form.columns],
            "rows": rows}
