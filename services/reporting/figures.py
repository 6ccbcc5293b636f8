"""The figures of a period: tasks of the plan, movements and awards, each with the list behind it.

Awards count by the date of their decision (`decided_on`) inside the period, not revoked since;
the year of the achievement is a second dimension (`by_achievement_year`). Tasks count by their
due date inside the period; movements by the day they were launched (and concluded).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.filters import AwardFilter, MovementFilter, TaskFilter
from services.reporting.labels import (
    CATEGORIES,
    DECIDING_LEVELS,
    LAUNCHERS,
    LEVELS,
    MOVEMENT_KINDS,
    QUARTERS,
    SCOPES,
    SUBJECTS,
    TASK_OUTCOMES,
)
from services.reporting.periods import Period

Row = dict[str, Any]
AWARD_BASIS = "decided_on"
AWARD_BASIS_LABEL = "Khen thưởng tính theo ngày ký quyết định; năm thành tích là chiều phân tích thứ hai."


def figure(key: Any, label: str, count: int, url: str, cash: int | None = None) -> Row:
    row: Row = {"key": None if key is None else str(key), "label": label, "count": count, "list_url": url}
    if cash is not None:
        row["cash_total"] = cash
    return row


async def _grouped(conn: asyncpg.Connection, table: str, key: str, flt: Any, cash: bool = False,
                   label: str | None = None) -> list[Row]:
    where, args = flt.where()
    money = ", coalesce(sum(cash_amount), 0)::bigint AS cash" if cash else ""
    name = f", min({label}) AS name" if label else ""
    group = f"GROUP BY {key} ORDER BY count(*) DESC, {key}" if key != "true" else ""
    return [dict(r) for r in await conn.fetch(
        f"SELECT {key} AS key, count(*) AS n{money}{name} FROM {table} WHERE {where} {group}", *args)]


async def awards(conn: asyncpg.Connection, period: Period) -> Row:
    base = AwardFilter(awarded=True, decided_from=period.start, decided_to=period.end)

    async def by(column: str, field: str, labels: dict[str, str] | None = None, label: str | None = None,
                 fixed: bool = False) -> list[Row]:
        rows = {r["key"]: r for r in await _grouped(conn, "report_dossiers", column, base, True, label)}
        keys = [*labels, *[k for k in rows if k not in labels]] if (fixed and labels) else list(rows)
        out = []
        for key in keys:
            found = rows.get(key, {"n": 0, "cash": 0, "name": None})
            text = (labels or {}).get(key) or found.get("name") or str(key)
            out.append(figure(key, text, found["n"], base.but(**{field: key}).url(), found["cash"]))
        return out

    [total] = await _grouped(conn, "report_dossiers", "true", base, True)
    clusters = await _clusters(conn, base)
    return {
        "basis": AWARD_BASIS, "basis_label": AWARD_BASIS_LABEL,
        "total": figure(None, "Tổng số khen thưởng", total["n"], base.url(), total["cash"]),
        "by_form": await by("award_code", "award", label="award_name"),
        "by_category": await by("award_category", "category", CATEGORIES),
        "by_level": await by("award_level", "level", LEVELS),
        "by_subject": await by("nominee_kind", "kind", SUBJECTS, fixed=True),
        "by_deciding_level": await _deciding(conn, base),
        "by_unit": await by("unit_code", "unit"),
        "by_cluster": clusters,
        "by_achievement_year": await by("year", "year"),
        "forwarded": await _forwarded(conn, period),
        "revoked": await _single(conn, AwardFilter(revoked_from=period.start, revoked_to=period.end),
                                 "Quyết định khen thưởng bị hủy trong kỳ"),
    }


async def _deciding(conn: asyncpg.Connection, base: AwardFilter) -> list[Row]:
    rows = {r["key"]: r for r in await _grouped(conn, "report_dossiers", "central", base, True)}
    return [figure(str(central).lower(), label, rows.get(central, {}).get("n", 0), base.but(central=central).url(),
                   rows.get(central, {}).get("cash", 0)) for central, label in DECIDING_LEVELS.items()]


async def _clusters(conn: asyncpg.Connection, base: AwardFilter) -> list[Row]:
    where, args = base.where()
    records = await conn.fetch(
        f"SELECT c.code, min(c.name) AS name, count(*) AS n, coalesce(sum(d.cash_amount), 0)::bigint AS cash "
        f"FROM report_dossiers d JOIN report_cluster_members m ON m.unit_code = d.unit_code "
        f"AND m.year = extract(year FROM d.decided_on) JOIN report_clusters c USING (cluster_id) "
        f"WHERE {where.replace('report_dossiers.', 'd.')} GROUP BY c.code ORDER BY n DESC, c.code", *args)
    return [figure(r["code"], r["name"], r["n"], base.but(cluster=r["code"]).url(), r["cash"]) for r in records]


async def _forwarded(conn: asyncpg.Connection, period: Period) -> Row:
    """Dossiers the province forwarded to the central level in the period, and where each stands."""
    sent = AwardFilter(forwarded_from=period.start, forwarded_to=period.end)
    rows = {r["key"]: r["n"] for r in await _grouped(conn, "report_dossiers", "state", sent)}
    results = [("central_decided", "Đã có quyết định của cấp Nhà nước"), ("forwarded_central", "Đang chờ kết quả"),
               ("not_awarded", "Không được khen thưởng")]
    return {"total": figure(None, "Trình cấp Nhà nước trong kỳ", sum(rows.values()), sent.url()),
            "by_result": [figure(state, label, rows.get(state, 0), sent.but(state=state).url())
                          for state, label in results]}


async def _single(conn: asyncpg.Connection, flt: AwardFilter, label: str) -> Row:
    [row] = await _grouped(conn, "report_dossiers", "true", flt, True)
    return figure(None, label, row["n"], flt.url(), row["cash"])


async def tasks(conn: asyncpg.Connection, period: Period) -> Row:
    base = TaskFilter(due_from=period.start, due_to=period.end)
    where, args = base.where()
    records = await conn.fetch(
        f"""SELECT t.year, t.quarter, u.unit_code, u.unit_name,
                   CASE WHEN t.status = 'completed' AND NOT t.late THEN 'on_time'
                        WHEN t.status = 'completed' THEN 'late' WHEN t.status = 'overdue' THEN 'overdue'
                        ELSE 'open' END AS outcome
            FROM report_tasks t LEFT JOIN report_task_units u ON u.task_id = t.task_id AND u.role = 'lead'
            WHERE {where}""", *args)
    return {
        "basis": "due_date", "basis_label": "Nhiệm vụ tính theo hạn hoàn thành nằm trong kỳ.",
        **await _task_counts(conn, base, "Tổng số nhiệm vụ"),
        "by_quarter": [{"year": y, "quarter": q, "label": f"Quý {QUARTERS[q]}/{y}",
                        **await _task_counts(conn, base.but(year=y, quarter=q), f"Quý {QUARTERS[q]}/{y}")}
                       for y, q in period.quarters()],
        "by_unit": [{"unit": code, "label": name, **await _task_counts(conn, base.but(lead_unit=code), name)}
                    for code, name in sorted({(r["unit_code"], r["unit_name"]) for r in records
                                              if r["unit_code"] is not None})],
    }


async def _task_counts(conn: asyncpg.Connection, flt: TaskFilter, label: str) -> Row:
    where, args = flt.where()
    record = await conn.fetchrow(
        f"""SELECT count(*) AS total,
                   count(*) FILTER (WHERE t.status = 'completed' AND NOT t.late) AS on_time,
                   count(*) FILTER (WHERE t.status = 'completed' AND t.late) AS late,
                   count(*) FILTER (WHERE t.status = 'overdue') AS overdue,
                   count(*) FILTER (WHERE t.status = 'assigned') AS open
            FROM report_tasks t WHERE {where}""", *args)
    out = {"total": figure(None, label, record["total"], flt.url())}
    for outcome, text in TASK_OUTCOMES.items():
        out[outcome] = figure(outcome, text, record[outcome], flt.but(outcome=outcome).url())
    return out


async def movements(conn: asyncpg.Connection, period: Period) -> Row:
    base = MovementFilter(launched_from=period.start, launched_to=period.end)

    async def by(column: str, labels: dict[str, str]) -> list[Row]:
        rows = {r["key"]: r["n"] for r in await _grouped(conn, "report_movements", column, base)}
        return [figure(key, label, rows.get(key, 0), base.but(**{column: key}).url())
                for key, label in labels.items()]

    [launched] = await _grouped(conn, "report_movements", "true", base)
    done = MovementFilter(concluded_from=period.start, concluded_to=period.end)
    [concluded] = await _grouped(conn, "report_movements", "true", done)
    return {"launched": figure(None, "Phong trào phát động trong kỳ", launched["n"], base.url()),
            "by_kind": await by("kind", MOVEMENT_KINDS), "by_scope": await by("scope", SCOPES),
            "by_launcher": await by("launcher_level", LAUNCHERS),
            "concluded": figure(None, "Phong trào tổng kết trong kỳ", concluded["n"], done.url())}


async def report(conn: asyncpg.Connection, period: Period) -> Row:
    return {"period": {"code": period.code, "kind": period.kind, "label": period.label,
                       "start": period.start, "end": period.end},
            "tasks": await tasks(conn, period), "movements": await movements(conn, period),
            "awards": await awards(conn, period)}
