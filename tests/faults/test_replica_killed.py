"""Faults under load, bounded (about a minute): two replicas each of the plan and reporting
services run as processes against one PostgreSQL and one NATS; while plans are being created
through both plan replicas, the replica that runs the plan view and the reporting replica that
runs the task consumer are killed with SIGKILL, then started again. The reconciliation of each
service then finds nothing lost and nothing duplicated, and the view lists every accepted plan
exactly once.

    .venv/bin/python -m pytest tests/faults -m faults
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.services_path import Service, wait_ready
from tdkt.embedded import free_port
from tests.support import TEST_AUDIT_KEY, TEST_SECRET, Namespace, auth, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]
PLANNER, ADMIN = auth("planner"), auth("admin")
REPLICAS = ("plan-a", "plan-b", "reporting-a", "reporting-b")


def plan(number: int) -> dict[str, Any]:
    return {"number": f"{number}/KH-TAI", "year": 2026, "title": f"Kế hoạch tải {number}",
            "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


class Replicas:
    def __init__(self, ns: Namespace, logs: Path) -> None:
        self.ports = {name: free_port() for name in REPLICAS}
        base = {**os.environ, "TDKT_PG_DSN": ns.pg_dsn, "TDKT_NATS_URL": ns.nats_url, "TDKT_DB_PREFIX": ns.db_prefix,
                "TDKT_SUBJECT_ROOT": ns.subject_root, "TDKT_STREAM": ns.stream, "TDKT_JWT_SECRET": TEST_SECRET,
                "TDKT_AUDIT_KEY": TEST_AUDIT_KEY, "TDKT_LEADER_INTERVAL_S": "0.5", "TDKT_LOG_LEVEL": "WARNING",
                "TDKT_PLAN_DEADLINE_CHECK_INTERVAL_S": "3600", "PYTHONUNBUFFERED": "1"}
        self.services = {name: Service(name.split("-")[0], {**base, f"TDKT_{name.split('-')[0].upper()}_PORT":
                                                            str(port)}, logs / f"{name}.log")
                         for name, port in self.ports.items()}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    async def start(self, *names: str) -> None:
        for name in names:
            self.services[name].start()
        await wait_ready({name: (self.services[name], self.url(name)) for name in names})

    def kill(self, name: str) -> None:
        os.kill(self.services[name].pid, signal.SIGKILL)
        assert self.services[name].process is not None
        self.services[name].process.wait()  # type: ignore[union-attr]

    async def leader(self, http: httpx.AsyncClient, pair: tuple[str, str], work: str) -> str:
        async def role(name: str) -> str | None:
            try:
                return (await http.get(f"{self.url(name)}/readyz")).json()["roles"].get(work)
            except httpx.HTTPError:  # a replica killed a moment ago
                return None

        async def find() -> str:
            roles = {name: await role(name) for name in pair}
            leaders = [name for name, role in roles.items() if role == "leader"]
            assert len(leaders) == 1, roles
            return leaders[0]

        return await eventually(find, timeout=15)

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


async def test_killing_the_leading_replicas_under_load_loses_and_duplicates_nothing(
        ns: Namespace, tmp_path: Path) -> None:
    replicas = Replicas(ns, tmp_path / "logs")
    accepted: set[int] = set()
    stop = asyncio.Event()
    numbers = itertools.count(1)

    async def load(http: httpx.AsyncClient) -> None:
        """Plans through both plan replicas in turn; one a replica drops is sent to the other."""
        for name in itertools.cycle(("plan-a", "plan-b")):
            if stop.is_set():
                return
            number = next(numbers)
            for target in (name, "plan-b" if name == "plan-a" else "plan-a"):
                with contextlib.suppress(httpx.HTTPError):
                    response = await http.post(f"{replicas.url(target)}/plans", headers=PLANNER, json=plan(number))
                    if response.status_code in (200, 201):  # 200: the first attempt had stored it
                        accepted.add(number)
                        break
            await asyncio.sleep(0.01)

    try:
        await replicas.start(*REPLICAS)
        async with httpx.AsyncClient(timeout=10) as http:
            loaders = [asyncio.create_task(load(http)) for _ in range(4)]
            await asyncio.sleep(3)
            view_leader = await replicas.leader(http, ("plan-a", "plan-b"), "views")
            consumer_leader = await replicas.leader(http, ("reporting-a", "reporting-b"), "reporting-tasks")
            replicas.kill(view_leader)
            replicas.kill(consumer_leader)
            await asyncio.sleep(3)  # the survivors take over while the load goes on
            survivor = "plan-b" if view_leader == "plan-a" else "plan-a"
            assert await replicas.leader(http, ("plan-a", "plan-b"), "views") == survivor
            await replicas.start(view_leader, consumer_leader)
            await asyncio.sleep(3)
            stop.set()
            await asyncio.gather(*loaders)
            assert len(accepted) > 50, len(accepted)

            async def reconciled(service: str) -> list[dict[str, Any]]:
                response = await http.post(f"{replicas.url(service)}/admin/reconcile", headers=ADMIN)
                findings = response.json()["findings"]
                for finding in findings:
                    assert (finding["lost"], finding["duplicated"], finding["pending"]) == (0, 0, 0), findings
                return findings

            plan_findings = await eventually(lambda: reconciled("plan-a"), timeout=60, interval=1)
            publisher = next(f for f in plan_findings if f["kind"] == "publisher")
            assert publisher["found"] == publisher["expected"] >= len(accepted)
            report_findings = await eventually(lambda: reconciled("reporting-b"), timeout=60, interval=1)
            tasks = next(f for f in report_findings if f["name"] == "reporting-tasks")
            assert tasks["found"] == tasks["expected"] >= len(accepted)

            listed = (await http.get(f"{replicas.url('plan-b')}/plans", headers=PLANNER,
                                     params={"year": 2026})).json()
            numbers_listed = [int(p["number"].split("/")[0]) for p in listed]
            assert sorted(numbers_listed) == sorted(accepted)  # every accepted plan, once
            print(f"faults: {len(accepted)} plans accepted across SIGKILL of {view_leader} and {consumer_leader}; "
                  f"plan: stored {publisher['expected']}, on the stream {publisher['found']}, lost 0, duplicated 0; "
                  f"reporting-tasks: {tasks['found']} of {tasks['expected']} applied, lost 0, duplicated 0")
    finally:
        stop.set()
        replicas.stop()
