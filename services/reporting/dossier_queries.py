"""Questions the reports answer about dossiers and awards, over the dossiers read model.

An award counts when its decision was recorded (AwardDecided) and not revoked since; `year` is
the year of the achievement the dossier was made for, as the nomination service publishes it.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.filters import AwardFilter
from services.reporting.labels import STATES, SUBJECTS, state_label

_SCOPE = "($1::int IS NULL OR year = $1) AND ($2::text IS NULL OR unit_code = $2)"
_AWARDED = f"{_SCOPE} AND decision_number IS NOT NULL AND NOT revoked"
_COLUMNS = """
SELECT dossier_id, version, state, unit_code, award_code, year, nominee_kind, nominee_ref, nominee_name,
       nominee_masked_id, late, late_in_state, late_due, created_on, submitted_on, times_returned,
       decision_number, decided_on, signed_by, central, award_name, award_category, award_level, cash_amount,
       conferred_on, revoked, revoked_on, revocation_number, forwarded_on, submission_number, updated_at, at_level,
       movement_id
FROM report_dossiers"""
_ROWS = f"""{_COLUMNS}
WHERE {_SCOPE} AND ($3::text IS NULL OR state = $3) AND ($4::text IS NULL OR award_code = $4)
  AND ($5::boolean IS NULL OR late = $5)
"""


async def by_state(conn: asyncpg.Connection, *, year: int | None, unit: str | None) -> dict[str, Any]:
    records = await conn.fetch(f"SELECT state, count(*) AS n FROM report_dossiers WHERE {_SCOPE} GROUP BY state",
                               year, unit)
    counts = {r["state"]: r["n"] for r in records}
    states = [*STATES, *sorted(set(counts) - set(STATES))]
    return {"year": year, "unit": unit, "total": sum(counts.values()),
            "states": [{"state": s, "label": state_label(s), "count": counts.get(s, 0)} for s in states]}


async def dossiers(conn: asyncpg.Connection, flt: AwardFilter, *, limit: int = 200,
                   offset: int = 0) -> list[dict[str, Any]]:
    where, args = flt.where()
    records = await conn.fetch(
        f"{_COLUMNS} WHERE {where} ORDER BY year, unit_code, award_code, nominee_name, dossier_id "
        f"LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}", *args, limit, offset)
    return [_row(r) for r in records]


async def late_dossiers(conn: asyncpg.Connection, *, year: int | None, unit: str | None) -> list[dict[str, Any]]:
    """Dossiers whose current step is past its time limit, the longest overdue first."""
    records = await conn.fetch(_ROWS + " ORDER BY late_due, unit_code, dossier_id", year, unit, None, None, True)
    return [_row(r) for r in records]


def _row(record: asyncpg.Record) -> dict[str, Any]:
    row = dict(record)
    row["nominee"] = {"kind": row.pop("nominee_kind"), "ref": row.pop("nominee_ref"),
                      "name": row.pop("nominee_name"), "masked_id": row.pop("nominee_masked_id")}
    row["state_label"] = state_label(row["state"])
    row["late_in_state_label"] = state_label(row["late_in_state"])
    return row


async def awards(conn: asyncpg.Connection, *, year: int | None, unit: str | None) -> dict[str, Any]:
    """Decided, not revoked awards: per form, level and kind of subject, with their cash."""
    total = await _group(conn, "", year, unit)
    revoked = await conn.fetchrow(
        f"SELECT count(*) AS count, coalesce(sum(cash_amount), 0)::bigint AS cash_total FROM report_dossiers "
        f"WHERE {_SCOPE} AND decision_number IS NOT NULL AND revoked", year, unit)
    subjects = {r["nominee_kind"]: r for r in await _group(conn, "nominee_kind", year, unit)}
    return {
        "year": year, "unit": unit, **(total[0] if total else {"count": 0, "cash_total": 0}),
        "by_form": await _group(conn, "award_code, award_name, award_category", year, unit),
        "by_level": await _group(conn, "award_level", year, unit),
        "by_subject": [{"kind": kind, "label": label, "count": subjects.get(kind, {}).get("count", 0),
                        "cash_total": subjects.get(kind, {}).get("cash_total", 0)}
                       for kind, label in SUBJECTS.items()],
        "revoked": dict(revoked),
    }


async def _group(conn: asyncpg.Connection, columns: str, year: int | None, unit: str | None) -> list[dict[str, Any]]:
    keys = f"{columns}, " if columns else ""
    group = f"GROUP BY {columns} ORDER BY count DESC, {columns}" if columns else ""
    records = await conn.fetch(
        f"SELECT {keys}count(*) AS count, coalesce(sum(cash_amount), 0)::bigint AS cash_total "
        f"FROM report_dossiers WHERE {_AWARDED} {group}", year, unit)
    return [dict(r) for r in records]
