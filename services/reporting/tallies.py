"""Awards counted per year of their decision, kept beside the dossiers read model: the figures
year on year (per form, and the share of individuals without a leadership position over the
last five years) read tens of rows instead of every award of five years.

A dossier counts while it has a decision, not revoked (`AwardFilter(awarded=True)`), in the
year of `decided_on`, by form, nominee kind and declared leadership. Triggers on
`report_dossiers` move the counts in the same statement and transaction as the row: a row's old
state is taken out and its new one put in, so the counts are those of the rows whatever order the
events came in, however often one was redelivered (the row's version guard changes nothing then)
and after a revocation. A period's own figures (any range of days) still count the rows.
"""

from __future__ import annotations

from typing import Any

import asyncpg

_COUNTED = "{r}.decision_number IS NOT NULL AND NOT {r}.revoked AND {r}.decided_on IS NOT NULL"
_KEY = (
    "extract(year FROM {r}.decided_on)::int, {r}.award_code, coalesce({r}.award_name, ''), {r}.nominee_kind, "
    "coalesce({r}.nominee_leadership::text, '')"
)
_COLUMNS = (
    "decision_number",
    "revoked",
    "decided_on",
    "award_code",
    "award_name",
    "nominee_kind",
    "nominee_leadership",
)


def _move(row: str, sign: int) -> str:
    return (
        f"IF {_COUNTED.format(r=row)} THEN INSERT INTO report_award_years VALUES ({_KEY.format(r=row)}, {sign}) "
        "ON CONFLICT (decided_year, award_code, award_name, nominee_kind, leadership) "
        "DO UPDATE SET n = report_award_years.n + EXCLUDED.n; END IF;"
    )


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
CREATE OR REPLACE FUNCTION report_award_years_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {_move("OLD", -1)} END IF;
    IF TG_OP <> 'DELETE' THEN {_move("NEW", 1)} END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER report_award_years_insert AFTER INSERT ON report_dossiers FOR EACH ROW
    WHEN (NEW.decision_number IS NOT NULL) EXECUTE FUNCTION report_award_years_move();
CREATE OR REPLACE TRIGGER report_award_years_update AFTER UPDATE ON report_dossiers FOR EACH ROW
    WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _COLUMNS)})
    EXECUTE FUNCTION report_award_years_move();
CREATE OR REPLACE TRIGGER report_award_years_delete AFTER DELETE ON report_dossiers FOR EACH ROW
    WHEN (OLD.decision_number IS NOT NULL) EXECUTE FUNCTION report_award_years_move();
"""


async def clear(conn: asyncpg.Connection) -> None:
    """The dossiers read model with its counts (TRUNCATE fires no row trigger)."""
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
