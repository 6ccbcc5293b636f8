"""The reporting service's own records (not rebuilt from the stream): published reports, frozen
with their bytes and hash, and the figures units enter for forms 0604 and 0605.

Entries of forms 0604 and 0605 were first entered column by column ("2": 3), before the forms took
the circular's rows and were entered cell by cell ("02.1": 3). On start, such an entry's figures
move to `earlier_cells` (kept, never shown); a figure whose column is one cell of the new layout
(`COLUMN_CELLS`) is also entered in that cell, unless the unit entered that cell since."""

from __future__ import annotations

import json
import re
from typing import Any

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_publications (
    publication_id uuid PRIMARY KEY, kind text NOT NULL, ref text NOT NULL, format text NOT NULL,
    media_type text NOT NULL, sha256 text NOT NULL, stream_position bigint NOT NULL, content bytea NOT NULL,
    published_by text NOT NULL, published_at timestamptz NOT NULL, announced boolean NOT NULL DEFAULT false,
    UNIQUE (kind, ref, format));
CREATE TABLE IF NOT EXISTS report_form_entries (
    form text NOT NULL, year int NOT NULL, unit_code text NOT NULL, unit_name text NOT NULL,
    cells jsonb NOT NULL, entered_by text NOT NULL, entered_at timestamptz NOT NULL,
    PRIMARY KEY (form, year, unit_code));
ALTER TABLE report_publications ADD COLUMN IF NOT EXISTS figures jsonb;
ALTER TABLE report_form_entries ADD COLUMN IF NOT EXISTS earlier_cells jsonb;
"""
CELL = re.compile(r"^\d{2}\.\d{1,2}$")  # a cell of the layout: "row.column"
# The column-only entries' columns that are one cell of the layout of today ("row.column"). Of 0605's
# earlier columns, "Trình độ đại học" (6) and "Trình độ sau đại học" (7) are rows 11 "Đại học" and 12
# "Trên đại học" of the training breakdown, column 1; the others are not one cell: "Chuyên trách" (2),
# "Kiêm nhiệm" (3) and "Người dân tộc thiểu số" (5) are no row of the form, "Trong đó: Nữ" (4) is column 2
# of row 01, which adds up the age rows (the women's ages were not entered), and "Tổng số" (1) their sum.
# Of 0604's, the kinds of organisation (ban/phòng chuyên trách, bộ phận kiêm nhiệm, Hội đồng) are no row of
# a layout by level (cấp ban or cấp phòng thuộc Sở Nội vụ): a "ban, phòng chuyên trách" may be either.
COLUMN_CELLS: dict[str, dict[str, str]] = {"0605": {"6": "11.1", "7": "12.1"}}


async def move_column_entries(pool: asyncpg.Pool) -> int:
    """Move the column-only figures of every entry out of `cells` (into `earlier_cells`, with what
    was kept there before), entering those `COLUMN_CELLS` maps; the entries moved. Once moved, an
    entry has no column-only figure left: running again changes nothing."""
    async with pool.acquire() as conn, conn.transaction():
        records = await conn.fetch(
            "SELECT form, year, unit_code, cells, earlier_cells FROM report_form_entries "
            "WHERE EXISTS (SELECT 1 FROM jsonb_object_keys(cells) AS k WHERE k !~ $1) FOR UPDATE", CELL.pattern)
        for record in records:
            cells, earlier = moved(record["form"], json.loads(record["cells"]),
                                   json.loads(record["earlier_cells"] or "{}"))
            await conn.execute("UPDATE report_form_entries SET cells = $4, earlier_cells = $5 "
                               "WHERE form = $1 AND year = $2 AND unit_code = $3", record["form"], record["year"],
                               record["unit_code"], json.dumps(cells), json.dumps(earlier))
    return len(records)


def moved(form: str, cells: dict[str, Any], earlier: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An entry's cells without its column-only figures, those `COLUMN_CELLS` maps entered in their
    cell (unless entered there already); and the column-only figures kept."""
    old = {key: value for key, value in cells.items() if not CELL.match(key)}
    kept = {key: value for key, value in cells.items() if CELL.match(key)}
    for column, cell in COLUMN_CELLS.get(form, {}).items():
        if column in old and cell not in kept:
            kept[cell] = old[column]
    return kept, {**earlier, **old}
