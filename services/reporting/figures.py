"""The figures of a period: tasks of the plan, movements and awards, each with the list behind it.

Awards count by the date of their decision (`decided_on`) inside the period, not revoked since;
the year of the achievement is a second dimension (`by_achievement_year`). Tasks count by their
due date inside the period; movements by the day they were launched (and concluded).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.reporting import blocks, priority_groups, tallies
from services.reporting.filters import AwardFilter, ClusterResultFilter, ExemplaryFilter, MovementFilter, TaskFilter
from services.reporting.labels import (
    CATEGORIES,
    CLUSTER_FACTS,
    DECIDING_LEVELS,
    LAUNCHERS,
    LEVELS,
    MOVEMENT_KINDS,
    NO_MOVEMENT,
    QUARTERS,
    SCOPES,
    STAGES,
    SUBJECTS,
    TASK_OUTCOMES,
)
from services.reporting.models import figure
from services.reporting.periods import YEARS_SHOWN, Period
from services.reporting.units import unit_names

Row = dict[str, Any]
AWARD_BASIS = "decided_on"
AWARD_BASIS_LABEL = "Khen thưởng tính theo ngày ký quyết định; năm thành tích là chiều phân tích thứ hai."


async def _grouped(conn: asyncpg.Connection, table: str, key: str, flt: Any, cash: bool = False,
                   label: str | None = None) -> list[Row]:
    where, args = flt.where()
    money = ", coalesce(sum(cash_amount), 0)::bigint AS cash" if cash else ""
    name = f", min({label}) AS name" if label else ""
    group = f"GROUP BY {key} ORDER BY count(*) DESC, {key}" if key != "true" else ""
    return [dict(r) for r in await conn.fetch(
        f"SELECT {key} AS key, count(*) AS n{money}{name} FROM {table} WHERE {where} {group}", *args)]


# The dimensions of the awards: column → the list's filter.
_DIMENSIONS = {"award_code": "award", "award_category": "category", "award_level": "level",
               "nominee_kind": "kind", "central": "central", "unit_code": "unit", "year": "year",
               "movement_id": "movement"}


def _award_groups(counts: blocks.Counts) -> dict[str, dict[Any, blocks.Found]]:
    """Per dimension with few values, per value: (count, cash, the award's name), summed from the
    period's combinations of those values; and the total (key None)."""
    groups: dict[str, dict[Any, blocks.Found]] = {c: {} for c in [*blocks.FEW, "total"]}
    add, total = blocks.add, groups["total"]
    each = [groups[column] for column in blocks.FEW]
    for key, (n, cash, name) in counts.few.items():
        for found, value in zip(each, key, strict=True):
            add(found, value, n, cash, name)
        add(total, None, n, cash, name)
    return groups


def _by_unit(counts: blocks.Counts, names: dict[str, str], base: AwardFilter) -> list[Row]:
    """Awards per unit, the largest first, then by code; thousands of units at country scale."""
    if len(counts.units) == 1:  # a period within one year: its units' counts as they are
        [units] = counts.units.values()
    else:
        units = {}
        for yearly in counts.units.values():
            blocks.add_counts(units, yearly)
    codes = sorted(units)
    codes.sort(key={code: n for code, (n, _) in units.items()}.__getitem__, reverse=True)  # stable: codes in order
    label = names.get
    # figure(code, label, count, url, cash), written out
    return [{"key": code, "label": label(code) or code, "count": units[code][0], "cash_total": units[code][1],
             "list_url": url} for code, url in zip(codes, base.urls_by(_DIMENSIONS["unit_code"], codes), strict=True)]


_NONE: blocks.Found = (0, 0, None)


async def awards(conn: asyncpg.Connection, period: Period, counts: blocks.Counts) -> Row:
    base = AwardFilter(awarded=True, decided_from=period.start, decided_to=period.end)
    groups = _award_groups(counts)

    def by(column: str, labels: dict[Any, str] | None = None, fixed: bool = False) -> list[Row]:
        rows = groups[column]
        if fixed and labels:
            keys = [*labels, *[k for k in rows if k not in labels]]
        else:  # the largest first, then by the value as text (compared as tuples: no call per row)
            items = list(rows.items())
            keys = [items[i][0] for *_, i in sorted([(-v[0], str(k), i) for i, (k, v) in enumerate(items)])]
        named, labels = column == "award_code", labels or {}
        out = []
        for key, url in zip(keys, base.urls_by(_DIMENSIONS[column], keys), strict=True):
            n, cash, name = rows.get(key) or _NONE
            text = labels.get(key) or (name if named else None) or str(key)
            out.append(figure(str(key).lower() if isinstance(key, bool) else key, text, n, url, cash))
        return out

    total, total_cash, _ = groups["total"].get(None, (0, 0, None))
    return {
        "basis": AWARD_BASIS, "basis_label": AWARD_BASIS_LABEL,
        "total": figure(None, "Tổng số khen thưởng", total, base.url(), total_cash),
        "by_form": by("award_code"),
        "by_category": by("award_category", CATEGORIES),
        "by_level": by("award_level", LEVELS),
        "by_subject": by("nominee_kind", SUBJECTS, fixed=True),
        "by_deciding_level": by("central", DECIDING_LEVELS, fixed=True),
        "by_unit": _by_unit(counts, await unit_names(conn), base),
        "by_cluster": await _clusters(conn, base, counts),
        "by_movement": [f for f in by("movement_id", await _movement_names(conn)) if f["key"] is not None],
        "by_achievement_year": by("year"),
        "by_form_by_year": await forms_by_year(conn, period.end.year),
        "forwarded": await _forwarded(conn, period),
        "revoked": await _single(conn, AwardFilter(revoked_from=period.start, revoked_to=period.end),
                                 "Quyết định khen thưởng bị hủy trong kỳ"),
    }


async def forms_by_year(conn: asyncpg.Connection, last: int) -> list[Row]:
    """Awards per form decided in each year up to `last` (by decision date), each with its list."""
    first = last - YEARS_SHOWN + 1
    base = AwardFilter(awarded=True, decided_from=date(first, 1, 1), decided_to=date(last, 12, 31))
    found: dict[int, dict[str, Row]] = {}
    for r in await tallies.by_form(conn, first, last):  # the same count as `base`, kept per year
        found.setdefault(r["y"], {})[r["award_code"]] = r
    out = []
    for year in range(first, last + 1):
        flt = base.but(decided_from=date(year, 1, 1), decided_to=date(year, 12, 31))
        rows = sorted(found.get(year, {}).values(), key=lambda r: (-r["n"], r["award_code"]))
        out.append({"year": year, "total": figure(None, f"Khen thưởng năm {year}", sum(r["n"] for r in rows),
                                                   flt.url()),
                    "by_form": [figure(r["award_code"], r["name"] or r["award_code"], r["n"],
                                       flt.but(award=r["award_code"]).url()) for r in rows]})
    return out


async def _movement_names(conn: asyncpg.Connection) -> dict[Any, str]:
    return {r["movement_id"]: r["name"] for r in await conn.fetch("SELECT movement_id, name FROM report_movements")}


async def _clusters(conn: asyncpg.Connection, base: AwardFilter, counts: blocks.Counts) -> list[Row]:
    """Awards per cluster or block their unit belonged to in the year of the decision (the period's
    counts per year and unit, summed over the memberships), the largest first, then by code; a
    cluster's name is the least its memberships give, by code point."""
    found: dict[str, blocks.Found] = {}
    for year, unit, code, name in await conn.fetch(
            "SELECT m.year, m.unit_code, c.code, c.name FROM report_cluster_members m "
            "JOIN report_clusters c USING (cluster_id) WHERE m.year = ANY($1::int[])", sorted(counts.units)):
        got = counts.units[year].get(unit)
        if got is not None:
            blocks.add(found, code, got[0], got[1], name)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
    return [figure(code, name or code, n, base.but(cluster=code).url(), cash) for code, (n, cash, name) in ranked]


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


_OUTCOME = """CASE WHEN t.status = 'completed' AND NOT t.late THEN 'on_time' WHEN t.status = 'completed' THEN 'late'
                  WHEN t.status = 'overdue' THEN 'overdue' ELSE 'open' END"""


async def tasks(conn: asyncpg.Connection, period: Period) -> Row:
    """Two grouped statements: per quarter (the totals are their sum) and per leading unit."""
    base = TaskFilter(due_from=period.start, due_to=period.end)
    where, args = base.where()
    quarters: dict[tuple[int, int], dict[str, int]] = {}
    for r in await conn.fetch(f"SELECT t.year, t.quarter, {_OUTCOME} AS outcome, count(*) AS n FROM report_tasks t "
                              f"WHERE {where} GROUP BY 1, 2, 3", *args):
        quarters.setdefault((r["year"], r["quarter"]), {})[r["outcome"]] = r["n"]
    units: dict[tuple[str, str], dict[str, int]] = {}
    for r in await conn.fetch(
            f"SELECT u.unit_code, min(u.unit_name) AS unit_name, {_OUTCOME} AS outcome, count(*) AS n "
            f"FROM report_tasks t JOIN report_task_units u ON u.task_id = t.task_id AND u.role = 'lead' "
            f"WHERE {where} GROUP BY 1, 3", *args):
        units.setdefault((r["unit_code"], r["unit_name"]), {})[r["outcome"]] = r["n"]
    total = {o: sum(q.get(o, 0) for q in quarters.values()) for o in TASK_OUTCOMES}
    led = sorted(units.items())
    return {  # in the order of the models' fields (models.TaskFigures, QuarterTasks, UnitTasks)
        **_task_counts(total, "Tổng số nhiệm vụ", _links(base)),
        "basis": "due_date", "basis_label": "Nhiệm vụ tính theo hạn hoàn thành nằm trong kỳ.",
        "by_quarter": [{**_task_counts(quarters.get((y, q), {}), f"Quý {QUARTERS[q]}/{y}",
                                       _links(base.but(year=y, quarter=q))),
                        "year": y, "quarter": q, "label": f"Quý {QUARTERS[q]}/{y}"}
                       for y, q in period.quarters()],
        "by_unit": [{**_task_counts(counts, name, links), "unit": code, "label": name}
                    for ((code, name), counts), links in zip(led, _unit_links(base, [c for (c, _), _ in led]),
                                                             strict=True)],
    }


def _task_counts(counts: dict[str, int], label: str, links: dict[str | None, str]) -> Row:
    """The figures of some tasks by outcome (None: all of them), each with its list (`links`)."""
    out = {"total": figure(None, label, sum(counts.values()), links[None])}
    for outcome, text in TASK_OUTCOMES.items():
        out[outcome] = figure(outcome, text, counts.get(outcome, 0), links[outcome])
    return out


def _links(flt: TaskFilter) -> dict[str | None, str]:
    return {None: flt.url(), **{o: flt.but(outcome=o).url() for o in TASK_OUTCOMES}}


def _unit_links(base: TaskFilter, units: list[str]) -> list[dict[str | None, str]]:
    """`_links(base.but(lead_unit=unit))` for each unit: per outcome, every unit's in one pass (`urls_by`)."""
    by_outcome = {o: (base.but(outcome=o) if o else base).urls_by("lead_unit", units) for o in [None, *TASK_OUTCOMES]}
    return [{o: urls[i] for o, urls in by_outcome.items()} for i in range(len(units))]


async def movements(conn: asyncpg.Connection, period: Period) -> Row:
    base = MovementFilter(launched_from=period.start, launched_to=period.end)

    async def by(column: str, labels: dict[str, str]) -> list[Row]:
        return await _fixed(conn, "report_movements", column, base, column, labels)

    [launched] = await _grouped(conn, "report_movements", "true", base)
    done = MovementFilter(concluded_from=period.start, concluded_to=period.end)
    [concluded] = await _grouped(conn, "report_movements", "true", done)
    return {"launched": figure(None, "Phong trào phát động trong kỳ", launched["n"], base.url()),
            "by_kind": await by("kind", MOVEMENT_KINDS), "by_scope": await by("scope", SCOPES),
            "by_launcher": await by("launcher_level", LAUNCHERS),
            "concluded": figure(None, "Phong trào tổng kết trong kỳ", concluded["n"], done.url())}


async def _fixed(conn: asyncpg.Connection, table: str, column: str, flt: Any, field: str,
                 labels: dict[str, str]) -> list[Row]:
    """One figure per labelled value of `column`, zero included, in the labels' order."""
    rows = {r["key"]: r["n"] for r in await _grouped(conn, table, column, flt)}
    return [figure(key, label, rows.get(key, 0), flt.but(**{field: key}).url()) for key, label in labels.items()]


async def _found(conn: asyncpg.Connection, table: str, column: str, flt: Any, field: str,
                 name: str | None = None) -> list[Row]:
    """One figure per value of `column` found, the largest first, labelled by `name` (else the value);
    a missing value (a model found outside any movement) is keyed `khong`."""
    out = []
    for r in await _grouped(conn, table, column, flt, label=name):
        key = NO_MOVEMENT if r["key"] is None else str(r["key"])
        text = "Không gắn với phong trào nào" if r["key"] is None else (r.get("name") or key)
        out.append(figure(key, text, r["n"], flt.but(**{field: key}).url()))
    return out


async def clusters(conn: asyncpg.Connection, period: Period) -> Row:
    """The clusters' and blocks' results dated in the period: self-assessments, scores, the leading
    units the votes named, votes without a winner, proposals for the Government's flag, and the
    province's own results in the inter-provincial clusters it belongs to."""
    base = ClusterResultFilter(on_from=period.start, on_to=period.end)
    return {"basis": "on_date", "basis_label": "Kết quả cụm, khối tính theo ngày chấm điểm, bình bầu, ghi nhận.",
            "by_fact": await _fixed(conn, "report_cluster_results", "fact", base, "fact", CLUSTER_FACTS),
            "by_cluster": await _found(conn, "report_cluster_results", "cluster_code", base, "cluster",
                                       name="cluster_name")}


async def exemplary(conn: asyncpg.Connection, period: Period) -> Row:
    """Exemplary models found in the period (by subject, field, movement), the stages reached in it,
    their coverage in the media and their entries into and out of the public feed."""
    base = ExemplaryFilter(on_from=period.start, on_to=period.end)
    found = base.but(fact="recognised")
    table = "report_exemplary_facts"

    async def single(flt: ExemplaryFilter, label: str, key: str | None = None) -> Row:
        [r] = await _grouped(conn, table, "true", flt)
        return figure(key, label, r["n"], flt.url())

    return {"basis": "on_date",
            "basis_label": "Điển hình tính theo ngày phát hiện, chuyển giai đoạn, đăng tin, công khai.",
            "found": await single(found, "Điển hình tiên tiến được phát hiện trong kỳ"),
            "by_subject": await _fixed(conn, table, "subject_kind", found, "subject_kind",
                                       {k: SUBJECTS[k] for k in ("ca_nhan", "tap_the")}),
            "by_field": await _found(conn, table, "field", found, "field"),
            "by_movement": await _found(conn, table, "movement_id", found, "movement", name="movement_name"),
            "by_stage": [await single(base.but(reached=stage), f"Đạt giai đoạn {label}", stage)
                         for stage, label in STAGES.items()],
            "covered": await single(base.but(fact="covered"), "Tin, bài tuyên truyền điển hình trên báo chí"),
            "published": await single(base.but(fact="published"), "Điển hình đưa lên trang tin công khai"),
            "unpublished": await single(base.but(fact="unpublished"), "Điển hình rút khỏi trang tin công khai")}


# Memory for a report's grouping (per hash table; the default 4 MB makes PostgreSQL sort a period's
# awards on disk instead once it expects many groups).
WORK_MEM = "32MB"


async def report(conn: asyncpg.Connection, period: Period, months: blocks.AwardMonths | None = None) -> Row:
    """Every figure of `period`; `conn` in a (repeatable-read) transaction. The awards are counted
    per month, the months counted earlier taken from `months` while unchanged (blocks.py)."""
    await conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    counts = await (months or blocks.AwardMonths(size=0)).counts(conn, period.start, period.end)
    return {"period": {"code": period.code, "kind": period.kind, "label": period.label,
                       "start": period.start, "end": period.end},
            "tasks": await tasks(conn, period), "movements": await movements(conn, period),
            "awards": await awards(conn, period, counts), "clusters": await clusters(conn, period),
            "exemplary": await exemplary(conn, period),
            "priority_groups": await priority_groups.figures(conn, period, counts)}
