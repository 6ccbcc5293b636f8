"""Faults under load: two replicas of every service run as processes against one PostgreSQL
and one NATS while plans, dossiers and spreadsheets of nominees are being sent through both
replicas of the plan and nomination services, and
- the replica of each service that leads its views or consumers is killed with SIGKILL, and a
  web replica drawn by chance, each at a moment drawn by chance (a seeded random source, the
  seed printed; `TDKT_FAULT_SEED` replays it), then started again;
- every connection to the services' databases is cut (mid-transaction for the consumers and
  views), and poison messages are published on the plan's subjects.
Each run ends with the reconciliation (tests.faults.harness): lost 0, duplicated 0.

    .venv/bin/python -m pytest tests/faults -m faults -s
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import httpx
import nats
import pytest

from tests.faults.harness import ADMIN, WITH_EVENTS, Replicas, at_random, chance, settled, under_load
from tests.integration.webhook_receivers import Start
from tests.support import Namespace, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]
ELECTED = {"plan": "views", "nomination": "views", "reporting": "reporting-tasks",
           "notification": "notification-webhooks"}


async def leaders(replicas: Replicas, http: httpx.AsyncClient) -> list[str]:
    return [await replicas.leader(http, service, work) for service, work in ELECTED.items()]


async def test_killing_the_leading_replicas_under_load_loses_and_duplicates_nothing(
        ns: Namespace, tmp_path: Path, receivers: Start) -> None:
    rng = chance("replicas killed")
    async with under_load(ns, tmp_path, receivers) as (replicas, http, load, webhook):
        await asyncio.sleep(2)
        killed = [*await leaders(replicas, http), rng.choice(("web-a", "web-b"))]
        moments = []
        for name in killed:  # one after the other, each at its own moment of the load
            moments.append(f"{name} at +{await at_random(rng, 0.2, 2.5)} s")
            replicas.kill(name)
        await asyncio.sleep(3)  # the survivors take over while the load goes on
        survivors = {name[:-1] + ("b" if name.endswith("a") else "a") for name in killed}
        assert set(await leaders(replicas, http)) <= survivors
        await replicas.start(*killed)
        summary = await settled(replicas, http, load, webhook)
        print(f"\nfaults: SIGKILL under load of {', '.join(moments)}\n{summary}")


async def test_cut_database_connections_and_poison_messages_lose_and_duplicate_nothing(
        ns: Namespace, tmp_path: Path, receivers: Start) -> None:
    rng = chance("database connections cut")
    async with under_load(ns, tmp_path, receivers) as (replicas, http, load, webhook):
        moment = await at_random(rng, 1, 8)
        # Every connection to the services' databases is cut, consumers and views
        # mid-transaction among them (a database fail-over, a network cut).
        admin = await asyncpg.connect(ns.pg_dsn)
        try:
            cut = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ANY($1)",
                [f"{ns.db_prefix}{service}" for service in WITH_EVENTS])
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
        summary = await settled(replicas, http, load, webhook)

        async def poison_set_aside() -> None:
            letters = (await http.get(f"{replicas.url('reporting-a')}/admin/dead-letters", headers=ADMIN)).json()
            assert sorted(letter["source"] for letter in letters) == ["reporting-tasks"] * 3, letters

        await eventually(poison_set_aside, timeout=60)
        print(f"\nfaults: {cut} database connections cut at +{moment} s of the load and 3 poison messages; "
              f"the poison dead-lettered\n{summary}")
