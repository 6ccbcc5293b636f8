"""Names of the units, as the plan's events gave them (tasks' leading and coordinating units,
members of clusters); nomination events carry only a unit's code."""

from __future__ import annotations

import asyncpg


async def unit_names(conn: asyncpg.Connection) -> dict[str, str]:
    records = await conn.fetch(
        "SELECT unit_code, min(unit_name) AS name FROM (SELECT unit_code, unit_name FROM report_task_units "
        "UNION ALL SELECT unit_code, unit_name FROM report_cluster_members) AS known GROUP BY unit_code")
    return {r["unit_code"]: r["name"] for r in records}
