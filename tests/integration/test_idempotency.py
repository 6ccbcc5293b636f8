"""A command retried with the same Idempotency-Key creates nothing new: the first answer comes
back; the same key with another body is refused; a retry while the first still runs waits."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from servicekit.idempotency import HOLDERS
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from tests.integration.test_plan_service import load_units
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner", subject="planner-1")
OTHER = auth("planner", subject="planner-2")
PLAN = {"number": "12/KH-SNV", "year": 2026, "title": "Kế hoạch thử", "issuer": "Sở Nội vụ tỉnh Cao Bằng"}
TASK = {"quarter": 2, "title": "Tổng kết phong trào", "lead_units": ["SNV"]}


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


async def test_a_retried_command_creates_one_task(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as client:
        await load_units(client)
        plan_id = (await client.post("/plans", headers=PLANNER, json=PLAN)).json()["id"]
        first = await client.post(f"/plans/{plan_id}/tasks", json=TASK,
                                  headers={**PLANNER, "Idempotency-Key": "task-2026-q2-01"})
        again = await client.post(f"/plans/{plan_id}/tasks", json=TASK,
                                  headers={**PLANNER, "Idempotency-Key": "task-2026-q2-01"})
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers

        changed = await client.post(f"/plans/{plan_id}/tasks", json={**TASK, "quarter": 3},
                                    headers={**PLANNER, "Idempotency-Key": "task-2026-q2-01"})
        assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
        # the same key is another person's own key
        theirs = await client.post(f"/plans/{plan_id}/tasks", json=TASK,
                                   headers={**OTHER, "Idempotency-Key": "task-2026-q2-01"})
        assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
        unkeyed = await client.post(f"/plans/{plan_id}/tasks", json=TASK, headers=PLANNER)
        assert unkeyed.status_code == 201

        async def three_tasks():
            tasks = (await client.get("/tasks", params={"plan_id": plan_id}, headers=PLANNER)).json()
            assert len(tasks) == 3

        await eventually(three_tasks)


async def test_bad_keys_and_a_retry_while_the_first_runs(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as client:
        spaced = await client.post("/plans", json=PLAN, headers={**PLANNER, "Idempotency-Key": "has a space"})
        assert spaced.status_code == 422 and spaced.json()["error"]["code"] == "invalid_idempotency_key"
        conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}plan")
        try:  # the first request with this key is still being executed elsewhere
            body = (await client.build_request("POST", "/plans", json=PLAN).aread())
            fingerprint = hashlib.sha256(b"\0".join([b"POST", b"/plans", b"", body])).digest()
            await conn.execute("INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)",
                               "planner-1", "k-running", fingerprint)
        finally:
            await conn.close()
        running = await client.post("/plans", json=PLAN, headers={**PLANNER, "Idempotency-Key": "k-running"})
        assert running.status_code == 409 and running.headers["retry-after"] == "1"
        assert (await client.get("/plans", headers=PLANNER)).json() == []
        no_token = await client.post("/plans", json=PLAN, headers={"Idempotency-Key": "k1"})
        assert no_token.status_code == 401


async def test_a_claim_left_by_a_dead_attempt_is_taken_over_and_a_conflict_is_not_kept(ns: Namespace) -> None:
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve(app) as client:
        await load_units(client)
        conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}plan")
        try:  # the first attempt's process died after its claim: nothing answers for the key
            body = (await client.build_request("POST", "/plans", json=PLAN).aread())
            fingerprint = hashlib.sha256(b"\0".join([b"POST", b"/plans", b"", body])).digest()
            await conn.execute("INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) "
                               "VALUES ($1, $2, $3, now() - interval '5 minutes')", "planner-1", "k-dead", fingerprint)
            retried = await client.post("/plans", json=PLAN, headers={**PLANNER, "Idempotency-Key": "k-dead"})
            assert retried.status_code == 201, retried.text
            again = await client.post("/plans", json=PLAN, headers={**PLANNER, "Idempotency-Key": "k-dead"})
            assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
            assert again.json() == retried.json()
            await _one_plan(app, client)

            # a stale version is a conflict to retry after reading again, not the key's outcome
            plan_id = retried.json()["id"]
            task = await client.post(f"/plans/{plan_id}/tasks", json=TASK, headers=PLANNER)
            task_id = task.json()["id"]
            done = {"document_ref": "45/BC-UBND"}
            stale = {**PLANNER, "Idempotency-Key": "k-complete", "If-Match": '"99"'}
            refused = await client.post(f"/tasks/{task_id}/complete", json=done, headers=stale)
            assert refused.status_code == 409 and refused.json()["error"]["code"] == "version_mismatch"
            assert await conn.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = 'k-complete'") == 0
            completed = await client.post(f"/tasks/{task_id}/complete", json=done,
                                          headers={**PLANNER, "Idempotency-Key": "k-complete"})
            assert completed.status_code == 200 and "idempotent-replayed" not in completed.headers
        finally:
            await conn.close()


async def test_a_claim_whose_replica_died_is_taken_over_without_waiting_for_the_lease(ns: Namespace) -> None:
    """A replica killed (SIGKILL) mid-command leaves its claim in progress; its session lock is
    free at once, so a retry on another replica runs the command after `GRACE`, not `LEASE`
    (30 s); a claim whose replica still holds its lock keeps answering 409."""
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve(app) as client:
        await load_units(client)
        dsn = ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}plan"
        conn, alive = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
        try:
            body = (await client.build_request("POST", "/plans", json=PLAN).aread())
            fingerprint = hashlib.sha256(b"\0".join([b"POST", b"/plans", b"", body])).digest()
            # Another replica (id 7) claimed the key 10 s ago and is still executing it: it holds its lock.
            await alive.execute("SELECT pg_advisory_lock($1, 7)", HOLDERS)
            await conn.execute("INSERT INTO idempotency_keys (scope, key, fingerprint, holder, created_at) "
                               "VALUES ($1, $2, $3, 7, now() - interval '10 seconds')", "planner-1", "k-killed",
                               fingerprint)
            keyed = {**PLANNER, "Idempotency-Key": "k-killed"}
            waiting = await client.post("/plans", json=PLAN, headers=keyed)
            assert waiting.status_code == 409 and waiting.json()["error"]["code"] == "idempotency_in_progress"
            await alive.close()  # that replica is killed: the server ends its session and frees the lock
            holder = app.state.runtime.idempotency_holder

            async def holding() -> None:
                assert holder.held

            await eventually(holding)  # this replica's own lock, taken as it started
            retried = await client.post("/plans", json=PLAN, headers=keyed)
            assert retried.status_code == 201, retried.text
            assert await conn.fetchval("SELECT holder FROM idempotency_keys WHERE key = 'k-killed'") == holder.id
            again = await client.post("/plans", json=PLAN, headers=keyed)
            assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
            await _one_plan(app, client)
        finally:
            await conn.close()
            if not alive.is_closed():
                await alive.close()


async def test_a_claim_whose_replica_lost_its_session_is_taken_over_though_the_replica_lives(
        ns: Namespace) -> None:
    """A replica whose database session is cut mid-command (its claim in progress, the command's
    connection lost with it) takes a new name with its next session: a retry takes that claim over
    after `GRACE`, not after the 30 s `LEASE`, though the replica lives on and holds a lock again."""
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve(app) as client:
        await load_units(client)
        dsn = ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}plan"
        conn = await asyncpg.connect(dsn)
        try:
            holder = app.state.runtime.idempotency_holder

            async def holding() -> None:
                assert holder.held

            await eventually(holding)
            before = holder.id
            body = (await client.build_request("POST", "/plans", json=PLAN).aread())
            fingerprint = hashlib.sha256(b"\0".join([b"POST", b"/plans", b"", body])).digest()
            await conn.execute("INSERT INTO idempotency_keys (scope, key, fingerprint, holder, created_at) "
                               "VALUES ($1, $2, $3, $4, now() - interval '10 seconds')", "planner-1", "k-cut",
                               fingerprint, before)
            keyed = {**PLANNER, "Idempotency-Key": "k-cut"}
            waiting = await client.post("/plans", json=PLAN, headers=keyed)
            assert waiting.status_code == 409  # its holder's lock is held: the command may still run
            cut = await conn.fetchval(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = $1::oid AND objid = $2::oid AND objsubid = 2", HOLDERS, before)
            assert cut

            async def renamed() -> None:
                assert holder.held and holder.id != before

            await eventually(renamed)
            retried = await client.post("/plans", json=PLAN, headers=keyed)
            assert retried.status_code == 201, retried.text
            assert await conn.fetchval("SELECT holder FROM idempotency_keys WHERE key = 'k-cut'") == holder.id
            await _one_plan(app, client)
        finally:
            await conn.close()


async def test_a_keyed_command_while_the_database_is_away_is_told_to_retry(ns: Namespace) -> None:
    app = plan_app(ns.settings(PlanSettings), clock)
    async with serve(app) as client:
        pool = app.state.runtime.opened_pool
        assert pool is not None
        await pool.close()  # the keys' table cannot be reached
        away = await client.post("/plans", json=PLAN, headers={**PLANNER, "Idempotency-Key": "k-away"})
        assert away.status_code == 503 and away.headers["retry-after"] == "2"
        assert away.json()["error"] == {"code": "database_unavailable", "message":
                                        "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại sau ít phút."}


async def _one_plan(app: FastAPI, client: httpx.AsyncClient) -> None:
    """Exactly one plan in the list once the plan view has applied every stored event (a command's
    answer does not wait for the view)."""
    async def one() -> None:
        await app.state.runtime.wait_for_view()
        assert len((await client.get("/plans", headers=PLANNER)).json()) == 1

    await eventually(one, timeout=30)
