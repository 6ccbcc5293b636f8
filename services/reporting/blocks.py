"""A period's awards counted month by month, the months kept between answers.

A year's figures counted from its award rows read every award of the year (about 100,000 at
country scale) on every answer, and an answer is built again at every new position of the stream.
Yet an event changes few months: a dossier opened changes none, a decision changes the month of its
date. So the awards of each month a period covers (or of the part of a month it covers) are counted
once and kept with the month's *stamp*, and summed with the other months' for the period.

Triggers on `report_dossiers` give a month a new stamp (a sequence's next value) in the same
statement and transaction as any change to a row dated in it, by its old or its new decision date;
TRUNCATE takes every stamp away. A kept count is used again only while the answer's snapshot shows
the stamp it was counted under, which is exactly while no row of that month has changed: the sums
are the figures counting the period's rows would give (tests/integration/test_reporting_period.py
holds them equal to counts made from the events).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import asyncpg

from services.reporting.filters import AwardFilter

# The columns with few values (an award's form, category, level, the nominee's kind, the deciding
# level, the year of achievement, the movement), counted per combination of their values.
FEW = ("award_code", "award_category", "award_level", "nominee_kind", "central", "year", "movement_id")
# The nominee's facts the priority groups' conditions read (filters.PRIORITY_GROUPS and the kind).
FACTS = ("nominee_kind", "nominee_leadership", "nominee_direct_labourer", "nominee_gender", "nominee_ethnic_minority",
         "nominee_hard_to_reach")
FACT_TYPES = ("text", "boolean", "boolean", "text", "boolean", "boolean")

_MONTH = "date_trunc('month', decided_on)::date"
_NEW_STAMPS = (
    "INSERT INTO report_award_months SELECT m, nextval('report_award_month_stamp') FROM ("
    "SELECT DISTINCT date_trunc('month', decided_on)::date AS m FROM {rows} WHERE decided_on IS NOT NULL ORDER BY 1) s "
    "ON CONFLICT (month) DO UPDATE SET stamp = EXCLUDED.stamp;"
)


def _stamping(name: str, rows: str, event: str, tables: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION report_award_months_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_NEW_STAMPS.format(rows=rows)}
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER report_award_months_{name} AFTER {event} ON report_dossiers
    REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION report_award_months_{name}();"""


SCHEMA = f"""
CREATE SEQUENCE IF NOT EXISTS report_award_month_stamp;
DO $$ BEGIN
IF to_regclass('report_award_months') IS NULL THEN
    CREATE TABLE report_award_months (month date PRIMARY KEY, stamp bigint NOT NULL);
    {_NEW_STAMPS.format(rows="report_dossiers")}
END IF;
END $$;
{_stamping("inserted", "new_rows", "INSERT", "NEW TABLE AS new_rows")}
{_stamping("updated", "(SELECT decided_on FROM old_rows UNION SELECT decided_on FROM new_rows) AS changed", "UPDATE",
           "OLD TABLE AS old_rows NEW TABLE AS new_rows")}
{_stamping("deleted", "old_rows", "DELETE", "OLD TABLE AS old_rows")}
CREATE OR REPLACE FUNCTION report_award_months_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_award_months;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER report_award_months_truncated AFTER TRUNCATE ON report_dossiers
    FOR EACH STATEMENT EXECUTE FUNCTION report_award_months_truncated();
"""

PERIODS_KEPT = 16  # the periods whose sums are kept, to be brought up to date
Found = tuple[int, int, str | None]  # a group's count, cash and award's name (the least, as SQL's min in C)
Piece = tuple[date, date]  # days of one month, both included


@dataclass
class Counts:
    """The awards of some days (decided, not revoked): per combination of the few-valued columns
    (`FEW`), per year of decision and unit, per combination of the nominee's facts (`FACTS`)."""

    few: dict[tuple[Any, ...], Found] = field(default_factory=dict)
    units: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)  # year → unit → (count, cash)
    facts: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)


def add(found: dict[Any, Found], key: Any, n: int, cash: int, name: str | None) -> None:
    """Count a group of `n` awards into `found[key]`: counts and cash add up, the least name stays
    (by code point, as SQL's min() in the C collation; NULLs left out)."""
    was = found.get(key)
    if was is None:
        found[key] = (n, cash, name)
    else:
        found[key] = (was[0] + n, was[1] + cash,
                      name if was[2] is None or (name is not None and name < was[2]) else was[2])


EMPTY = Counts()  # a month without any award (never changed: each sum makes new dicts)


def add_counts(into: dict[Any, tuple[int, int]], part: dict[Any, tuple[int, int]]) -> None:
    """A piece's counts per key added to `into`."""
    _summed(into, part, 1)


def _summed(into: dict[Any, tuple[int, int]], part: dict[Any, tuple[int, int]], sign: int) -> None:
    """A piece's counts per key added to `into` (`sign` 1) or taken away (-1); a key left with no award goes."""
    for key, (n, cash) in part.items():
        was = into.get(key)
        if was is None:
            into[key] = (sign * n, sign * cash)
        elif was[0] + sign * n:
            into[key] = (was[0] + sign * n, was[1] + sign * cash)
        else:
            del into[key]


def _moved(into: dict[Any, tuple[int, int]], old: dict[Any, tuple[int, int]], new: dict[Any, tuple[int, int]]) -> None:
    """`into` brought from a piece's `old` counts per key to its `new` ones: only the keys whose
    counts differ are touched (a month counted again after one decision differs in one unit)."""
    before = old.get
    _summed(into, {key: value for key, value in new.items() if before(key) != value}, 1)
    after = new.get
    _summed(into, {key: value for key, value in old.items() if after(key) != value}, -1)


@dataclass
class _Summed:
    """A period's counts per unit and per facts, with the pieces' counts they were summed from."""

    parts: dict[Piece, Counts]
    units: dict[int, dict[str, tuple[int, int]]]
    facts: dict[tuple[Any, ...], tuple[int, int]]


def pieces(start: date, end: date) -> list[Piece]:
    """The days from `start` to `end` cut at the months' edges."""
    out = []
    while start <= end:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        out.append((start, min(end, following - timedelta(days=1))))
        start = following
    return out


class AwardMonths:
    """The counts of the last `size` pieces of months asked, each with the month's stamp it was
    counted under (least recently used out first), and the sums of the last periods asked;
    `size=0` keeps none."""

    def __init__(self, size: int = 36) -> None:
        self.size = size
        self._kept = OrderedDict[Piece, tuple[int, Counts]]()
        self._summed = OrderedDict[tuple[date, date], _Summed]()
        self.counted = 0  # pieces counted from the rows so far (the others were kept, or had no award)

    async def counts(self, conn: asyncpg.Connection, start: date, end: date) -> Counts:
        """The awards decided from `start` to `end`; `conn` in the answer's (repeatable-read) transaction."""
        cut = pieces(start, end)
        stamps = dict(await conn.fetch("SELECT month, stamp FROM report_award_months WHERE month BETWEEN $1 AND $2",
                                       start.replace(day=1), end))
        found: dict[Piece, Counts] = {}
        stale = []
        for piece in cut:
            stamp = stamps.get(piece[0].replace(day=1))
            if stamp is None:  # no award was ever dated in this month (since the last TRUNCATE)
                found[piece] = EMPTY
                continue
            kept = self._kept.get(piece)
            if kept is not None and kept[0] == stamp:
                self._kept.move_to_end(piece)
                found[piece] = kept[1]
            else:
                stale.append(piece)
        if stale:
            self.counted += len(stale)
            counted = await _count(conn, stale)
            for piece in stale:
                found[piece] = counted.get(piece[0].replace(day=1)) or EMPTY
                self._keep(piece, stamps[piece[0].replace(day=1)], found[piece])
        return self._sum(start, end, {piece: found[piece] for piece in cut})

    def _sum(self, start: date, end: date, parts: dict[Piece, Counts]) -> Counts:
        """The pieces' counts summed. Per unit and per facts (thousands of keys a year) the sum kept
        for the same period is brought up to date instead: the pieces counted again since are taken
        away as they were and added as they are. The combinations of the few-valued columns (a few
        hundred a month) are summed again, names and all."""
        few: dict[tuple[Any, ...], Found] = {}
        for part in parts.values():
            for key, (n, cash, name) in part.few.items():
                add(few, key, n, cash, name)
        was = self._summed.get((start, end))
        if was is None or was.parts.keys() != parts.keys():
            units: dict[int, dict[str, tuple[int, int]]] = {}
            facts: dict[tuple[Any, ...], tuple[int, int]] = {}
            changed = list(parts.values())
        else:
            self._summed.move_to_end((start, end))
            units, facts, changed = {y: dict(each) for y, each in was.units.items()}, dict(was.facts), []
            for piece, part in parts.items():
                old = was.parts[piece]
                if old is not part:
                    for year in old.units.keys() | part.units.keys():
                        _moved(units.setdefault(year, {}), old.units.get(year, {}), part.units.get(year, {}))
                    _moved(facts, old.facts, part.facts)
        for part in changed:
            for year, each in part.units.items():
                _summed(units.setdefault(year, {}), each, 1)
            _summed(facts, part.facts, 1)
        units = {year: each for year, each in units.items() if each}
        if self.size > 0:
            self._summed[(start, end)] = _Summed(parts, units, facts)
            while len(self._summed) > PERIODS_KEPT:
                self._summed.popitem(last=False)
        return Counts(few, units, facts)

    def _keep(self, piece: Piece, stamp: int, counts: Counts) -> None:
        if self.size <= 0:
            return
        self._kept[piece] = (stamp, counts)
        self._kept.move_to_end(piece)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


async def _count(conn: asyncpg.Connection, stale: list[Piece]) -> dict[date, Counts]:
    """The awards of each piece, by its month, from the covering index `report_dossiers_awarded_facts`:
    one statement with two grouping sets (the few-valued columns, the nominee's facts), one per unit
    whose rows come back as three arrays per month (thousands of units at country scale, decoded and
    made into a dict without Python per unit)."""
    base = AwardFilter(awarded=True, decided_from=stale[0][0], decided_to=stale[-1][1])
    where, args = base.where()
    months = [piece[0].replace(day=1) for piece in stale]
    if len(pieces(stale[0][0], stale[-1][1])) > len(stale):  # months between them are kept: leave them out
        where += f" AND {_MONTH} = ANY(${len(args) + 1}::date[])"
        args.append(months)
    few, facts = ", ".join(FEW), ", ".join(FACTS)
    only = [c for c in FACTS if c not in FEW]
    grouped = await conn.fetch(
        f"SELECT {_MONTH} AS m, {few}, {', '.join(only)}, GROUPING(award_code) AS g, count(*) AS n, "
        f"coalesce(sum(cash_amount), 0)::bigint AS cash, min(award_name COLLATE \"C\") AS name "
        f"FROM report_dossiers WHERE {where} GROUP BY GROUPING SETS (({_MONTH}, {few}), ({_MONTH}, {facts}))", *args)
    units = await conn.fetch(
        f"SELECT m, array_agg(unit_code) AS units, array_agg(n) AS ns, array_agg(cash) AS cashes FROM ("
        f"SELECT {_MONTH} AS m, unit_code, count(*) AS n, coalesce(sum(cash_amount), 0)::bigint AS cash "
        f"FROM report_dossiers WHERE {where} GROUP BY 1, 2) AS each_unit GROUP BY m", *args)
    out: dict[date, Counts] = {}
    few_at = range(1, 1 + len(FEW))
    fact_at = [(["m", *FEW, *only]).index(c) for c in FACTS]
    for r in grouped:
        counts = out.get(r[0]) or out.setdefault(r[0], Counts())
        if r["g"] == 0:  # grouped by the few-valued columns
            counts.few[tuple(r[i] for i in few_at)] = (r["n"], r["cash"], r["name"])
        else:  # by the nominee's facts
            counts.facts[tuple(r[i] for i in fact_at)] = (r["n"], r["cash"])
    for r in units:
        counts = out.get(r[0]) or out.setdefault(r[0], Counts())
        counts.units[r[0].year] = dict(zip(r["units"], zip(r["ns"], r["cashes"], strict=True), strict=True))
    return out
