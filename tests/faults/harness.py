"""What every fault test shares: two replicas of each of the five services as processes, a
steady load of plans through both plan replicas, a webhook receiver subscribed to the plans,
and the reconciliation that ends each run (lost 0, duplicated 0)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.services_path import Service, dsn_for, wait_ready
from contracts.plan import PlanIssued
from tdkt.embedded import EmbeddedNats, free_port
from tests.integration.webhook_receivers import INTEGRATOR, Receiver, Start
from tests.support import Namespace, auth, eventually

PLANNER, ADMIN = auth("planner"), auth("admin")
SERVICES = ("plan", "nomination", "reporting", "notification", "web")
REPLICAS = tuple(f"{service}-{copy}" for service in SERVICES for copy in "ab")
WITH_EVENTS = ("plan", "nomination", "reporting", "notification")


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


def plan_number(number: str) -> int:
    return int(number.split("/")[0])


class Replicas:
    def __init__(self, ns: Namespace, logs: Path, nats_url: str | None = None, **env: str) -> None:
        self.ns = ns
        self.ports = {name: free_port() for name in REPLICAS}
        base = {**os.environ, **env, **ns.env(), "TDKT_NATS_URL": nats_url or ns.nats_url,
                "TDKT_LEADER_INTERVAL_S": "0.5", "TDKT_LOG_LEVEL": "WARNING",
                "TDKT_PLAN_DEADLINE_CHECK_INTERVAL_S": "3600", "PYTHONUNBUFFERED": "1",
                "TDKT_NOMINATION_DOCUMENTS_DIR": str(logs.parent / "documents"),
                "TDKT_NOTIFICATION_WEBHOOK_ALLOW_HTTP": "true",
                "TDKT_NOTIFICATION_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
                "TDKT_NOTIFICATION_DISPATCH_BACKOFF_S": "[0.2, 1]",
                "TDKT_NOTIFICATION_DISPATCH_POLL_INTERVAL_S": "1",
                "TDKT_NOTIFICATION_CIRCUIT_OPEN_S": "[0.5]",
                **{f"TDKT_WEB_{s.upper()}_URL": self.url(f"{s}-a") for s in WITH_EVENTS}}
        self.services = {name: Service(name.split("-")[0], {**base, f"TDKT_{name.split('-')[0].upper()}_PORT":
                                                            str(port)}, logs / f"{name}.log")
                         for name, port in self.ports.items()}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    async def start(self, *names: str) -> None:
        for name in names:
            self.services[name].start()
        await wait_ready({name: (self.services[name], self.url(name)) for name in names}, timeout=240)

    def kill(self, name: str) -> None:
        os.kill(self.services[name].pid, signal.SIGKILL)
        assert self.services[name].process is not None
        self.services[name].process.wait()  # type: ignore[union-attr]

    async def leader(self, http: httpx.AsyncClient, service: str, work: str) -> str:
        pair = (f"{service}-a", f"{service}-b")

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

        return await eventually(find, timeout=30)

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


class Load:
    """Plans created through both plan replicas in turn by a few clients; a plan a replica drops
    is sent again, to the other first (a plan number is created once: a second attempt answers 200)."""

    def __init__(self, replicas: Replicas, http: httpx.AsyncClient, clients: int = 4) -> None:
        self.replicas, self.http = replicas, http
        self.accepted: set[int] = set()
        self.refused: Counter[int] = Counter()  # answers other than stored, by status (0: no answer)
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
            other = "plan-b" if name == "plan-a" else "plan-a"
            for target in itertools.islice(itertools.cycle((name, other)), 600):
                status = 0
                with contextlib.suppress(httpx.HTTPError):
                    response = await self.http.post(f"{self.replicas.url(target)}/plans", headers=PLANNER,
                                                    json=plan(number))
                    status = response.status_code
                if status in (200, 201):
                    self.accepted.add(number)
                    break
                self.refused[status] += 1
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.01)

    async def more(self, than: int, count: int = 20) -> None:
        """Until `count` plans more than `than` are accepted (the services work again)."""
        async def grown() -> None:
            assert len(self.accepted) >= than + count, (len(self.accepted), than, self.refused)

        await eventually(grown, timeout=180, interval=0.5)

    async def finish(self) -> set[int]:
        self.stop.set()
        await asyncio.gather(*self.tasks)
        return self.accepted


class Webhook:
    """A receiver subscribed, through the notification service, to every issued plan."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    @classmethod
    async def subscribe(cls, receivers: Start, replicas: Replicas, http: httpx.AsyncClient) -> Webhook:
        receiver = await receivers()
        response = await http.post(f"{replicas.url('notification-a')}/subscriptions", headers=INTEGRATOR,
                                   json={"url": receiver.url, "event_types": [PlanIssued.ce_type()]})
        assert response.status_code == 201, response.text
        return cls(receiver)

    def tally(self, accepted: set[int]) -> dict[str, int]:
        """Per accepted plan, the events delivered: lost (none), duplicated (more than one event for
        one plan); re-sent: calls repeated for one event (at least once; `webhook-id` tells them)."""
        events: dict[str, int] = {}
        for request in self.receiver.requests:
            events[request.event_id] = plan_number(json.loads(request.body)["number"])
        per_plan = Counter(events.values())
        return {"expected": len(accepted), "delivered": len(set(per_plan) & accepted),
                "lost": len(accepted - set(per_plan)), "duplicated": sum(n - 1 for n in per_plan.values() if n > 1),
                "re-sent": len(self.receiver.requests) - len(events)}


async def reconciled(replicas: Replicas, http: httpx.AsyncClient, service: str) -> list[dict[str, Any]]:
    """`POST /admin/reconcile` of a service (what `tdkt reconcile` asks), until nothing is lost,
    duplicated or pending."""
    async def clean() -> list[dict[str, Any]]:
        response = await http.post(f"{replicas.url(f'{service}-a')}/admin/reconcile", headers=ADMIN, timeout=120)
        assert response.status_code == 200, response.text
        findings: list[dict[str, Any]] = response.json()["findings"]
        for finding in findings:
            assert (finding["lost"], finding["duplicated"], finding["pending"]) == (0, 0, 0), findings
        return findings

    return await eventually(clean, timeout=120, interval=1)


async def read_model_rows(ns: Namespace) -> dict[str, Counter[int]]:
    """Per read model, how many rows each plan number has."""
    async def counts(database: str, query: str) -> Counter[int]:
        conn = await asyncpg.connect(dsn_for(ns.pg_dsn, f"{ns.db_prefix}{database}"))
        try:
            return Counter(plan_number(row[0]) for row in await conn.fetch(query))
        finally:
            await conn.close()

    return {"reporting report_plans": await counts("reporting", "SELECT number FROM report_plans"),
            "notification deliveries": await counts(
                "notification", "SELECT body::jsonb->>'number' FROM deliveries WHERE status = 'delivered'")}


async def reconciled_clean(replicas: Replicas, http: httpx.AsyncClient, webhook: Webhook,
                           accepted: set[int]) -> str:
    """Commands accepted = events stored = messages on the stream = rows in every read model =
    webhook deliveries: every service reconciled, each read model and the receiver with every
    accepted plan once. Returns the lost/duplicated figures, one line each."""
    lines = [f"commands accepted: {len(accepted)} plans"]
    for service in WITH_EVENTS:
        for f in await reconciled(replicas, http, service):
            lines.append(f"{service:<13} {f['kind']:<9} {f['name']:<22} expected {f['expected']:<6} "
                         f"found {f['found']:<6} lost {f['lost']} duplicated {f['duplicated']}")
            if f["kind"] == "publisher" and service == "plan":
                assert f["found"] == f["expected"] >= len(accepted), f
            if f["kind"] == "webhook":  # the service's own count of what reached the receiver
                assert f["found"] == f["expected"] == len(accepted), f

    async def listed() -> dict[str, Counter[int]]:
        response = await http.get(f"{replicas.url('plan-b')}/plans", headers=PLANNER, params={"year": 2026})
        assert response.status_code == 200, response.text
        models = {"plan view": Counter(plan_number(p["number"]) for p in response.json()),
                  **await read_model_rows(replicas.ns)}
        for model in models.values():  # each accepted plan once, nothing else
            assert set(model) == accepted and max(model.values()) == 1, (set(model) ^ accepted, model.most_common(3))
        return models

    for name, model in (await eventually(listed, timeout=120, interval=1)).items():
        lines.append(f"read model {name:<26} rows {sum(model.values()):<6} "
                     f"lost {len(accepted - set(model))} duplicated {sum(n - 1 for n in model.values())}")

    async def delivered() -> dict[str, int]:
        tally = webhook.tally(accepted)
        assert (tally["lost"], tally["duplicated"]) == (0, 0), tally
        return tally

    tally = await eventually(delivered, timeout=120, interval=1)
    lines.append(f"webhook deliveries: {tally['delivered']} of {tally['expected']} plans, lost {tally['lost']} "
                 f"duplicated {tally['duplicated']} (calls repeated for one event: {tally['re-sent']})")
    return "\n".join(lines)


@contextlib.asynccontextmanager
async def under_load(ns: Namespace, tmp_path: Path, receivers: Start, nats_url: str | None = None,
                     **env: str) -> AsyncIterator[tuple[Replicas, httpx.AsyncClient, Load, Webhook]]:
    """Two replicas of every service up, a webhook subscribed, plans under way."""
    replicas = Replicas(ns, tmp_path / "logs", nats_url, **env)
    try:
        await replicas.start(*REPLICAS)
        async with httpx.AsyncClient(timeout=10) as http:
            webhook = await Webhook.subscribe(receivers, replicas, http)
            load = Load(replicas, http)
            try:
                yield replicas, http, load, webhook
            finally:  # a test that failed early leaves its clients running
                for task in load.tasks:
                    task.cancel()
                await asyncio.gather(*load.tasks, return_exceptions=True)
    finally:
        replicas.stop()


async def all_ready(replicas: Replicas, http: httpx.AsyncClient) -> str:
    """Every replica answers ready (or degraded: working, dead letters to look at), the ones
    standing by for another's work included."""
    async def ready() -> dict[str, dict[str, Any]]:
        said = {}
        for name in REPLICAS:
            response = await http.get(f"{replicas.url(name)}/readyz")
            said[name] = response.json()
            assert response.status_code == 200 and said[name]["status"] in ("ready", "degraded"), (name, said[name])
        return said

    said = await eventually(ready, timeout=60, interval=1)
    standing_by = sorted(name for name, ready in said.items() if ready["role"] == "follower")
    degraded = sorted(name for name, ready in said.items() if ready["status"] == "degraded")
    return (f"readiness: {len(said)} of {len(REPLICAS)} replicas answer 200, standing by: {', '.join(standing_by)}"
            + (f"; degraded: {', '.join(degraded)}" if degraded else ""))


async def settled(replicas: Replicas, http: httpx.AsyncClient, load: Load, webhook: Webhook) -> tuple[int, str]:
    """More plans accepted after the fault, then the reconciliation (lost 0, duplicated 0) and
    every replica ready."""
    await load.more(len(load.accepted))
    accepted = await load.finish()
    assert len(accepted) > 30, (len(accepted), load.refused)
    summary = await reconciled_clean(replicas, http, webhook, accepted)
    return len(accepted), f"{summary}\n{await all_ready(replicas, http)}"
