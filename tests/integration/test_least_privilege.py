"""Each service runs as its own PostgreSQL role, made by the migration step: it can insert
events but never change, remove or hide them, and it is no superuser."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from servicekit.migrate import Migration, migrate
from services.plan.main import MIGRATION as PLAN_MIGRATION
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
PLAN = {"number": "12/KH-SNV", "year": 2026, "title": "Kế hoạch thử", "issuer": "Sở Nội vụ tỉnh Cao Bằng"}
REFUSED = (asyncpg.InsufficientPrivilegeError, asyncpg.RaiseError)


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


def as_role(ns: Namespace, role: str, password: str, database: str) -> str:
    host = ns.pg_dsn.split("@", 1)[1].rsplit("/", 1)[0]
    return f"postgresql://{role}:{password}@{host}/{database}"


async def test_the_service_role_inserts_events_and_can_change_nothing(ns: Namespace) -> None:
    plan_db, reporting_db = f"{ns.db_prefix}plan", f"{ns.db_prefix}reporting"
    migrate(ns.pg_dsn, plan_db, PLAN_MIGRATION, "plan-password-0123456789")
    migrate(ns.pg_dsn, reporting_db, Migration(), "reporting-password-0123456789")
    own = {"pg_user": plan_db, "pg_password": "plan-password-0123456789"}
    async with serve(plan_app(ns.settings(PlanSettings, **own), clock)) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings, pg_user=reporting_db,
                                            pg_password="reporting-password-0123456789"))) as reports:
        assert (await plan.post("/plans", headers=auth("planner"), json=PLAN)).status_code == 201

        async def listed_everywhere():
            assert len((await plan.get("/plans", headers=auth("planner"))).json()) == 1
            assert (await reports.get("/readyz")).json()["status"] == "ready"

        await eventually(listed_everywhere)

    conn = await asyncpg.connect(as_role(ns, plan_db, "plan-password-0123456789", plan_db))
    try:
        assert await conn.fetchval("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles "
                                   "WHERE rolname = current_user") is False
        assert await conn.fetchval("SELECT count(*) FROM plans_events") == 1
        for attempt in ("UPDATE plans_events SET state = state",
                        "DELETE FROM plans_events",
                        "TRUNCATE plans_events",
                        "UPDATE plans_events_chain SET link = link",
                        "ALTER TABLE plans_events DISABLE TRIGGER ALL",
                        "DROP TABLE plans_events",
                        "DROP SCHEMA public CASCADE",
                        f'ALTER DATABASE "{plan_db}" OWNER TO "{plan_db}"'):
            with pytest.raises(REFUSED):
                await conn.execute(attempt)
        assert await conn.fetchval("SELECT count(*) FROM plans_events") == 1
    finally:
        await conn.close()
    other = await asyncpg.connect(as_role(ns, plan_db, "plan-password-0123456789", "postgres"))
    try:
        with pytest.raises(REFUSED):
            await other.execute(f'DROP DATABASE "{plan_db}"')
    finally:
        await other.close()
    if ":" in ns.pg_dsn.split("@", 1)[0].removeprefix("postgresql://"):  # a server that asks for passwords
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(as_role(ns, plan_db, "wrong", plan_db))
