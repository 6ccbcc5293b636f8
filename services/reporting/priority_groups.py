"""Awards to the groups the Law asks to favour (Luật Thi đua, khen thưởng 2022, Điều 5): people
without a leadership or management position, direct labourers, women, ethnic minorities,
remote and hard-to-reach areas.

The facts come with version 2 of NominationCreated and AwardDecided (`nominee_groups`), kept
on the dossier's row of the dossiers read model. A dossier whose events carry no such version
(opened before it was published) counts as "not declared", never as outside a group.

Version 3 adds the nominee's leadership tier and the award's basis, which forms 0602 and 0603
count rows by (`nominee_leadership_tier`, `award_basis`); a dossier whose events carry no version 3
has neither (null) and is counted in none of those rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import asyncpg

from contracts import IntegrationEvent
from contracts import nomination as c
from servicekit.consumer import BatchHandler, Handler
from services.reporting import blocks, tallies
from services.reporting.dossiers import DOSSIER_EVENTS
from services.reporting.filters import PRIORITY_GROUPS, AwardFilter
from services.reporting.models import figure
from services.reporting.periods import YEARS_SHOWN, Period

SCHEMA = """
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS nominee_gender text;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS nominee_leadership boolean;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS nominee_direct_labourer boolean;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS nominee_ethnic_minority boolean;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS nominee_hard_to_reach boolean;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS nominee_leadership_tier text;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS award_basis text;
DROP INDEX IF EXISTS report_dossiers_awarded;
DROP INDEX IF EXISTS report_dossiers_awarded_groups;
CREATE INDEX IF NOT EXISTS report_dossiers_awarded_facts ON report_dossiers (decided_on)
    INCLUDE (award_code, award_category, award_level, nominee_kind, central, unit_code, year, cash_amount, award_name,
             movement_id, nominee_gender, nominee_leadership, nominee_direct_labourer, nominee_ethnic_minority,
             nominee_hard_to_reach, nominee_leadership_tier, award_basis)
    WHERE decision_number IS NOT NULL AND NOT revoked;
"""
# Every award of a period, with its nominee's groups, is counted from this index alone (an
# index-only scan of the period's days), the groups' figures included.
LABELS = {
    "khong_lanh_dao": "Cá nhân không giữ chức vụ lãnh đạo, quản lý",
    "truc_tiep_lao_dong": "Công nhân, nông dân, chiến sĩ, người trực tiếp lao động, sản xuất, công tác",
    "nu": "Nữ",
    "dan_toc_thieu_so": "Người dân tộc thiểu số",
    "vung_kho_khan": "Cá nhân, tập thể ở vùng sâu, vùng xa, vùng đặc biệt khó khăn",
}
UNDECLARED_LABELS = {
    "khong_lanh_dao": "Cá nhân chưa khai có giữ chức vụ lãnh đạo, quản lý hay không",
    "truc_tiep_lao_dong": "Cá nhân chưa khai có trực tiếp lao động, sản xuất hay không",
    "nu": "Cá nhân chưa khai giới tính",
    "dan_toc_thieu_so": "Cá nhân chưa khai dân tộc",
    "vung_kho_khan": "Chưa khai có ở vùng sâu, vùng xa, vùng đặc biệt khó khăn hay không",
}
BASIS_LABEL = ("Khen thưởng theo ngày ký quyết định, theo các đối tượng Luật Thi đua, khen thưởng ưu tiên; "
               "đơn vị khai khi lập hồ sơ. Hồ sơ chưa khai được đếm riêng.")


# Version 2 sets the groups; version 3 the groups, the leadership tier and the award's basis
# (`third`), which version 2 leaves as they are. One statement for a batch's dossiers (each once:
# `_merged`), so the statement triggers run once, not once per dossier. A row that already holds
# them is left alone (a redelivered event writes nothing, and the month of its award keeps its
# stamp: blocks.py).
_SET = {"nominee_gender": "u.gender", "nominee_leadership": "u.leadership",
        "nominee_direct_labourer": "u.direct_labourer", "nominee_ethnic_minority": "u.ethnic_minority",
        "nominee_hard_to_reach": "u.hard_to_reach",
        "nominee_leadership_tier": "CASE WHEN u.third THEN u.tier ELSE d.nominee_leadership_tier END",
        "award_basis": "CASE WHEN u.third THEN u.basis ELSE d.award_basis END"}
_UPDATE = (f"UPDATE report_dossiers d SET {', '.join(f'{k} = {v}' for k, v in _SET.items())} "
           "FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::boolean[], $5::boolean[], $6::boolean[], "
           "$7::text[], $8::text[], $9::boolean[]) "
           "AS u(dossier_id, gender, leadership, direct_labourer, ethnic_minority, hard_to_reach, tier, basis, third) "
           f"WHERE d.dossier_id = u.dossier_id AND ({', '.join(f'd.{k}' for k in _SET)}) "
           f"IS DISTINCT FROM ({', '.join(_SET.values())})")
_WITH_GROUPS = frozenset(c.WITH_GROUPS.values())
_THIRD = frozenset(c.THIRD_VERSIONS.values())


def _groups_row(e: IntegrationEvent) -> tuple[Any, ...] | None:
    """The groups' update of a version 2 or 3 event; None for any other."""
    third = type(e) in _THIRD
    if not third and type(e) not in _WITH_GROUPS:
        return None
    groups: c.PriorityGroupsV3 = e.nominee_groups  # type: ignore[attr-defined]
    return (e.dossier_id, groups.gender, groups.leadership, groups.direct_labourer,  # type: ignore[attr-defined]
            groups.ethnic_minority, groups.hard_to_reach, groups.leadership_tier if third else None,
            e.basis if third else None, third)  # type: ignore[attr-defined]


def _merged(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The updates of a run of events, one per dossier, leaving each row as the updates one after
    the other would: the groups of its last update, the tier and basis of its last version 3."""
    merged: dict[Any, tuple[Any, ...]] = {}
    for row in rows:
        earlier = merged.get(row[0])
        merged[row[0]] = row if row[-1] or earlier is None else (*row[:6], *earlier[6:])
    return list(merged.values())


def batch_handlers(apply_rows: BatchHandler) -> dict[Any, BatchHandler]:
    """Every dossier event: what the dossiers projection makes of it (`apply_rows`: of versions 1, 2
    and 3 of one fact, whichever comes first makes the row), then, for versions 2 and 3 of
    NominationCreated and AwardDecided, the nominees' groups (version 3: with the leadership tier
    and the award's basis), in order, on rows that exist by then. One handler for all of them, so a
    fetched batch of dossier events is applied by one call (versions 1, 2 and 3 of each fact come
    one after the other: handlers of their own would cut the batch into runs of one)."""

    async def apply(conn: asyncpg.Connection, events: Sequence[IntegrationEvent]) -> None:
        await apply_rows(conn, events)
        updates = _merged(row for e in events if (row := _groups_row(e)) is not None)
        if updates:
            await conn.execute(_UPDATE, *(list(column) for column in zip(*updates, strict=True)))

    return dict.fromkeys(DOSSIER_EVENTS, apply)


def handlers(apply_rows: BatchHandler) -> dict[Any, Handler]:
    """The same, one event at a time (a redelivered or retried message)."""
    many = batch_handlers(apply_rows)

    async def one(conn: asyncpg.Connection, e: IntegrationEvent) -> None:
        await many[type(e)](conn, [e])

    return dict.fromkeys(many, one)


async def figures(conn: asyncpg.Connection, period: Period, counts: blocks.Counts) -> dict[str, Any]:
    """Awards decided in the period to each priority group, and those whose fact was not declared;
    each figure with the list of dossiers behind it (the same filter builds both). `counts`: the
    period's awards (blocks.py)."""
    base = AwardFilter(awarded=True, decided_from=period.start, decided_to=period.end)
    individuals = base.but(kind="ca_nhan")
    filters = {"individuals": individuals,
               **{f"g_{key}": base.but(group=key) for key in PRIORITY_GROUPS},
               **{f"u_{key}": base.but(undeclared=key) for key in PRIORITY_GROUPS}}
    row = await _counts(conn, base, filters, counts)
    return {
        "basis_label": BASIS_LABEL,
        "individuals": figure(None, "Khen thưởng cá nhân", row["n_individuals"], individuals.url(),
                               row["c_individuals"]),
        "groups": [figure(key, LABELS[key], row[f"n_g_{key}"], filters[f"g_{key}"].url(), row[f"c_g_{key}"])
                   for key in PRIORITY_GROUPS],
        "undeclared": [figure(key, UNDECLARED_LABELS[key], row[f"n_u_{key}"], filters[f"u_{key}"].url(),
                               row[f"c_u_{key}"]) for key in PRIORITY_GROUPS],
        "without_leadership_by_year": await _years(conn, period.end.year),
    }


async def _counts(conn: asyncpg.Connection, base: AwardFilter, filters: dict[str, AwardFilter],
                  counts: blocks.Counts) -> dict[str, int]:
    """Every count in one statement over the period's awards grouped by their nominee's facts (a few
    hundred combinations at most): one FILTER clause per figure, the same condition as the figure's
    list, evaluated per combination instead of per award."""
    args: list[Any] = [list(column) for column in zip(*counts.facts, strict=True)] or [[] for _ in blocks.FACTS]
    args += [[n for n, _ in counts.facts.values()], [cash for _, cash in counts.facts.values()]]
    parts = []
    for name, flt in filters.items():
        extra, extra_args = flt.but(**{f: None for f in base.params()}).where(first=len(args) + 1)
        args += extra_args
        parts.append(f"coalesce(sum(n) FILTER (WHERE {extra}), 0)::bigint AS n_{name}, "
                     f"coalesce(sum(cash) FILTER (WHERE {extra}), 0)::bigint AS c_{name}")
    arrays = ", ".join(f"${i}::{kind}[]" for i, kind in enumerate([*blocks.FACT_TYPES, "bigint", "bigint"], 1))
    record = await conn.fetchrow(
        f"WITH awarded AS (SELECT * FROM unnest({arrays}) AS a({', '.join(blocks.FACTS)}, n, cash)) "
        f"SELECT {', '.join(parts)} FROM awarded", *args)
    return dict(record)


async def _years(conn: asyncpg.Connection, last: int) -> list[dict[str, Any]]:
    """Per year (by decision date) up to `last`: awards to individuals, and how many of them went
    to people without a leadership position, with those who held one and those not declared."""
    first = last - YEARS_SHOWN + 1
    records = await tallies.individuals(conn, first, last)  # kept per year beside the dossiers
    out = []
    for year in range(first, last + 1):
        found = records.get(year)
        n, without, holding = (found["n"], found["without"], found["holding"]) if found else (0, 0, 0)
        flt = AwardFilter(awarded=True, decided_from=date(year, 1, 1), decided_to=date(year, 12, 31))
        out.append({"year": year,
                    "individuals": figure(None, f"Khen thưởng cá nhân năm {year}", n, flt.but(kind="ca_nhan").url()),
                    "without_leadership": figure("khong_lanh_dao", f"Không giữ chức vụ lãnh đạo, quản lý năm {year}",
                                                  without, flt.but(group="khong_lanh_dao").url()),
                    "with_leadership": holding, "undeclared": n - without - holding,
                    "share_percent": round(100 * without / n, 1) if n else None})
    return out
