"""Awards counted per year of their decision, kept beside the dossiers read model: the figures
year on year (per form, and the share of individuals without a leadership position over the
last five years) read tens of rows instead of every award of five years.

A dossier counts while it has a decision, not revoked (`AwardFilter(awarded=True)`), in the
year of `decided_on`, by form, nominee kind and declared leadership. Triggers on
`report_dossiers` move the counts in the same statement and transaction as the rows: the old
state of each row the statement changed is taken out and its new one put in, so the counts are
those of the rows whatever order the events came in, however often one was redelivered (the
row's version guard changes nothing then) and after a revocation. A period's own figures (any
range of days) are counted month by month (blocks.py).
"""

from __future__ import annotations

from typing import Any

import asyncpg

_COUNTED = "{r}.decision_number IS NOT NULL AND NOT {r}.revoked AND {r}.decided_on IS NOT NULL"
_KEY = (
    "extract(year FROM {r}.decided_on)::int, {r}.award_code, coalesce({r}.award_name, ''), {r}.nominee_kind, "
    "coalesce({r}.nominee_leadership::text, '')"
)
_GROUP = "GROUP BY 1, 2, 3, 4, 5"
_ADD = ("ON CONFLICT (decided_year, award_code, award_name, nominee_kind, leadership) "
        "DO UPDATE SET n = report_award_years.n + EXCLUDED.n")


def _counted(table: str, sign: int) -> str:
    """The counted rows of a transition table, each as its key and `sign`."""
    return f"SELECT {_KEY.format(r='r')}, {sign} AS n FROM {table} r WHERE {_COUNTED.format(r='r')}"


# One trigger per statement and kind of change (a trigger with transition tables takes one event):
# the statement's rows' old states out and new ones in, summed per key, in one upsert. The counts
# are the same as a row's change applied one by one (a key summed to zero changes nothing: it was
# counted before, so its row is there), and an upsert of many dossiers moves each key once.
_MOVES = {
    "insert": ("NEW TABLE AS new_rows", f"SELECT {_KEY.format(r='r')}, count(*) FROM new_rows r "
                                        f"WHERE {_COUNTED.format(r='r')} {_GROUP}"),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               f"SELECT y, code, name, kind, leadership, sum(n) FROM ({_counted('old_rows', -1)} UNION ALL "
               f"{_counted('new_rows', 1)}) AS m(y, code, name, kind, leadership, n) {_GROUP} HAVING sum(n) <> 0"),
    "delete": ("OLD TABLE AS old_rows", f"SELECT {_KEY.format(r='r')}, -count(*) FROM old_rows r "
                                        f"WHERE {_COUNTED.format(r='r')} {_GROUP}"),
}


def _trigger(op: str) -> str:
    """The function and trigger of `op`, in place of the row trigger of that name kept before."""
    referencing, moved = _MOVES[op]
    return f"""
CREATE OR REPLACE FUNCTION report_award_years_{op}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_award_years {moved} {_ADD};
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS report_award_years_{op} ON report_dossiers;
CREATE OR REPLACE TRIGGER report_award_years_on_{op} AFTER {op.upper()} ON report_dossiers
    REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION report_award_years_{op}();"""


SCHEMA = f"""
DO $$ BEGIN
IF to_regclass('report_award_years') IS NULL THEN
    CREATE TABLE report_award_years (
        decided_year int NOT NULL, award_code text NOT NULL, award_name text NOT NULL, nominee_kind text NOT NULL,
        leadership text NOT NULL, n bigint NOT NULL,
        PRIMARY KEY (decided_year, award_code, award_name, nominee_kind, leadership));
    INSERT INTO report_award_years SELECT {_KEY.format(r="d")}, count(*) FROM report_dossiers d
        WHERE {_COUNTED.format(r="d")} GROUP BY 1, 2, 3, 4, 5;
END IF;
END $$;
{"".join(_trigger(op) for op in _MOVES)}
DROP FUNCTION IF EXISTS report_award_years_move();
"""


async def clear(conn: asyncpg.Connection) -> None:
    """The dossiers read model with its counts (TRUNCATE fires none of the triggers)."""
    await conn.execute("TRUNCATE report_dossiers, report_award_years")


async def by_form(conn: asyncpg.Connection, first: int, last: int) -> list[dict[str, Any]]:
    """Awards per year and form from `first` to `last`, each with the form's name."""
    records = await conn.fetch(
        "SELECT decided_year AS y, award_code, sum(n)::bigint AS n, "
        "min(nullif(award_name, '')) FILTER (WHERE n > 0) AS name FROM report_award_years "
        "WHERE decided_year BETWEEN $1 AND $2 GROUP BY 1, 2 HAVING sum(n) > 0",
        first,
        last,
    )
    return [dict(r) for r in records]


async def individuals(conn: asyncpg.Connection, first: int, last: int) -> dict[int, dict[str, int]]:
    """Awards to individuals per year from `first` to `last`: all, without a leadership position, holding one."""
    records = await conn.fetch(
        "SELECT decided_year AS y, sum(n)::bigint AS n, "
        "coalesce(sum(n) FILTER (WHERE leadership = 'false'), 0)::bigint AS without, "
        "coalesce(sum(n) FILTER (WHERE leadership = 'true'), 0)::bigint AS holding FROM report_award_years "
        "WHERE nominee_kind = 'ca_nhan' AND decided_year BETWEEN $1 AND $2 GROUP BY 1 HAVING sum(n) > 0",
        first,
        last,
    )
    return {r["y"]: dict(r) for r in records}
