"""Faults under load, bounded (about a minute): two replicas each of the plan and reporting
services run as processes against one PostgreSQL and one NATS while plans are being created
through both plan replicas, and
- the replica that runs the plan view and the reporting replica that runs the task consumer
  are killed with SIGKILL, then started again;
- every connection to the plan and reporting databases is cut (mid-transaction for the
  consumers and views), and poison messages are published on the plan's subjects;
- one nats-server of a three-server cluster (stream replicas 3) is killed and started again.
Each run ends with the reconciliation of both services: nothing lost, nothing duplicated,
nothing pending; the view lists every accepted plan exactly once; the poison is dead-lettered.

    .venv/bin/python -m pytest tests/faults -m faults
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nats
import pytest

from bench.services_path import Service, wait_ready
from tdkt.embedded import EmbeddedNats, free_port
from tests.support import TEST_AUDIT_KEY, TEST_SECRET, Namespace, auth, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]
PLANNER, ADMIN = auth("planner"), auth("admin")
REPLICAS = ("plan-a", "plan-b", "reporting-a", "reporting-b")


class ClusterNode(EmbeddedNats):
    """One nats-server of a three-server cluster on loopback (JetStream replicated)."""

    def __init__(self, store_dir: Path, port: int, name: str, cluster_ports: list[int], index: int) -> None:
        super().__init__(store_dir, port)
        self.name, self.cluster_ports, self.index = name, cluster_ports, index

    def config(self) -> str:
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for i, p in enumerate(self.cluster_ports) if i != self.index)
        return super().config() + (
            f"server_name: {self.name}\n"
            f"cluster {{\n  name: tdkt-faults\n  listen: 127.0.0.1:{self.cluster_ports[self.index]}\n"
            f"  routes: [{routes}]\n}}\n")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None


def plan(number: int) -> dict[str, Any]:
    return {"number": f"{number}/KH-TAI", "year": 2026, "title": f"Kế hoạch tải {number}",
            "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


class Replicas:
    def __init__(self, ns: Namespace, logs: Path, nats_url: str | None = None, **env: str) -> None:
        self.ports = {name: free_port() for name in REPLICAS}
        base = {**os.environ, **env, "TDKT_PG_DSN": ns.pg_dsn, "TDKT_NATS_URL": nats_url or ns.nats_url,
                "TDKT_DB_PREFIX": ns.db_prefix,
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


class Load:
    """Plans created through both plan replicas in turn by a few clients; a plan a replica drops
    is sent again, to the other first (a plan number is created once: a second attempt answers 200)."""

    def __init__(self, replicas: Replicas, http: httpx.AsyncClient, clients: int = 4) -> None:
        self.replicas, self.http = replicas, http
        self.accepted: set[int] = set()
        self.stop = asyncio.Event()
        self.numbers = itertools.count(1)
        self.tasks = [asyncio.create_task(self._client()) for _ in range(clients)]

    async def _client(self) -> None:
        for name in itertools.cycle(("plan-a", "plan-b")):
            if self.stop.is_set():
                return
            number = next(self.numbers)
            # Until an answer says it is stored: a command cut off mid-commit (503, a dropped
            # connection) may or may not have been stored, and the next attempt tells (200).
            for target in itertools.islice(itertools.cycle((name, "plan-b" if name == "plan-a" else "plan-a")), 100):
                with contextlib.suppress(httpx.HTTPError):
                    response = await self.http.post(f"{self.replicas.url(target)}/plans", headers=PLANNER,
                                                    json=plan(number))
                    if response.status_code in (200, 201):
                        self.accepted.add(number)
                        break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.01)

    async def finish(self) -> set[int]:
        self.stop.set()
        await asyncio.gather(*self.tasks)
        return self.accepted


async def reconciled_clean(replicas: Replicas, http: httpx.AsyncClient, accepted: set[int]) -> str:
    """Both services reconciled: nothing lost, duplicated or pending; every accepted plan listed once."""
    async def reconciled(service: str) -> list[dict[str, Any]]:
        response = await http.post(f"{replicas.url(service)}/admin/reconcile", headers=ADMIN)
        findings = response.json()["findings"]
        for finding in findings:
            assert (finding["lost"], finding["duplicated"], finding["pending"]) == (0, 0, 0), findings
        return findings

    publisher = next(f for f in await eventually(lambda: reconciled("plan-a"), timeout=60, interval=1)
                     if f["kind"] == "publisher")
    assert publisher["found"] == publisher["expected"] >= len(accepted)
    tasks = next(f for f in await eventually(lambda: reconciled("reporting-b"), timeout=60, interval=1)
                 if f["name"] == "reporting-tasks")
    assert tasks["found"] == tasks["expected"] >= len(accepted)

    async def listed() -> None:
        response = await http.get(f"{replicas.url('plan-b')}/plans", headers=PLANNER, params={"year": 2026})
        assert response.status_code == 200, response.text
        numbers = sorted(int(p["number"].split("/")[0]) for p in response.json())
        assert numbers == sorted(accepted), (set(numbers) ^ accepted, len(numbers) - len(set(numbers)))  # each once

    await eventually(listed, timeout=30, interval=0.5)
    return (f"plan: stored {publisher['expected']}, on the stream {publisher['found']}; reporting-tasks: "
            f"{tasks['found']} of {tasks['expected']} applied; lost 0, duplicated 0")


@contextlib.asynccontextmanager
async def under_load(ns: Namespace, tmp_path: Path, nats_url: str | None = None,
                     **env: str) -> AsyncIterator[tuple[Replicas, httpx.AsyncClient, Load]]:
    replicas = Replicas(ns, tmp_path / "logs", nats_url, **env)
    try:
        await replicas.start(*REPLICAS)
        async with httpx.AsyncClient(timeout=10) as http:
            yield replicas, http, Load(replicas, http)
    finally:
        replicas.stop()


async def settled(replicas: Replicas, http: httpx.AsyncClient, load: Load) -> tuple[int, str]:
    """A little more load after the fault, then the reconciliation (lost 0, duplicated 0)."""
    await asyncio.sleep(3)
    accepted = await load.finish()
    assert len(accepted) > 50, len(accepted)
    return len(accepted), await reconciled_clean(replicas, http, accepted)


async def test_killing_the_leading_replicas_under_load_loses_and_duplicates_nothing(
        ns: Namespace, tmp_path: Path) -> None:
    async with under_load(ns, tmp_path) as (replicas, http, load):
        await asyncio.sleep(3)
        view_leader = await replicas.leader(http, ("plan-a", "plan-b"), "views")
        consumer_leader = await replicas.leader(http, ("reporting-a", "reporting-b"), "reporting-tasks")
        replicas.kill(view_leader)
        replicas.kill(consumer_leader)
        await asyncio.sleep(3)  # the survivors take over while the load goes on
        survivor = "plan-b" if view_leader == "plan-a" else "plan-a"
        assert await replicas.leader(http, ("plan-a", "plan-b"), "views") == survivor
        await replicas.start(view_leader, consumer_leader)
        accepted, summary = await settled(replicas, http, load)
        print(f"faults: SIGKILL of {view_leader} and {consumer_leader} under load, {accepted} plans accepted; "
              f"{summary}")


async def test_cut_database_connections_and_poison_messages_lose_and_duplicate_nothing(
        ns: Namespace, tmp_path: Path) -> None:
    async with under_load(ns, tmp_path) as (replicas, http, load):
        await asyncio.sleep(2)
        # Every connection to the reporting and plan databases is cut, consumers and views
        # mid-transaction among them (a database fail-over, a network cut).
        admin = await asyncpg.connect(ns.pg_dsn)
        try:
            cut = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ANY($1)",
                [f"{ns.db_prefix}plan", f"{ns.db_prefix}reporting"])
        finally:
            await admin.close()
        assert cut > 0
        # Poison on the plan's subjects: not JSON, no CloudEvent headers, an unknown version.
        nc = await nats.connect(ns.nats_url)
        try:
            js = nc.jetstream()
            root = ns.subject_root
            await js.publish(f"{root}.plan.PlanIssued.v1", b"{not json", headers={"Nats-Msg-Id": "poison-1"})
            await js.publish(f"{root}.plan.TaskAssigned.v1", b"{}", headers={"Nats-Msg-Id": "poison-2"})
            await js.publish(f"{root}.plan.PlanIssued.v1", b"{}", headers={
                "Nats-Msg-Id": "poison-3", "ce-id": str(uuid.uuid4()), "ce-type": "vn.gov.tdkt.plan.PlanIssued.v9",
                "ce-specversion": "1.0", "ce-source": "/tdkt/plan"})
        finally:
            await nc.close()
        accepted, summary = await settled(replicas, http, load)

        async def poison_set_aside() -> None:
            letters = (await http.get(f"{replicas.url('reporting-a')}/admin/dead-letters", headers=ADMIN)).json()
            assert sorted(letter["source"] for letter in letters) == ["reporting-tasks"] * 3, letters

        await eventually(poison_set_aside, timeout=30)
        print(f"faults: {cut} database connections cut and 3 poison messages under load, {accepted} plans "
              f"accepted; {summary}; the poison dead-lettered")


async def test_one_nats_server_of_three_down_and_back_loses_and_duplicates_nothing(
        ns: Namespace, tmp_path: Path) -> None:
    cluster_ports = [free_port() for _ in range(3)]
    nodes = [ClusterNode(tmp_path / f"nats-{i}", free_port(), f"n{i}", cluster_ports, i) for i in range(3)]
    for node in nodes[1:]:  # one operator account over the cluster
        node.store_dir.mkdir(parents=True)
        (node.store_dir / "admin-password").write_text(nodes[0].admin_password)
        (node.store_dir / "admin-password").chmod(0o600)
    try:
        for node in nodes:
            node.start()
        urls = ",".join(node.admin_url for node in nodes)

        async def jetstream_clustered() -> None:  # a meta leader elected: streams can be made
            nc = await nats.connect(nodes[0].admin_url)
            try:
                info = await nc.jetstream().account_info()
                assert info is not None
            except Exception as error:
                raise AssertionError(error) from error
            finally:
                await nc.close()

        await eventually(jetstream_clustered, timeout=30, interval=0.5)
        async with under_load(ns, tmp_path, urls, TDKT_STREAM_REPLICAS="3") as (replicas, http, load):
            await asyncio.sleep(3)
            nodes[1].kill()  # one server of three, SIGKILL, stream replicas on it included
            await asyncio.sleep(5)
            nodes[1].start()
            accepted, summary = await settled(replicas, http, load)
        nc = await nats.connect(nodes[2].admin_url)
        try:
            stream = await nc.jetstream().stream_info(ns.stream)
            assert stream.config.num_replicas == 3
        finally:
            await nc.close()
        print(f"faults: nats-server n1 of 3 killed and restarted under load, {accepted} plans accepted; {summary}")
    finally:
        for node in nodes:
            node.stop()
