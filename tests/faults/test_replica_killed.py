"""Faults under load: two replicas of every service run as processes against one PostgreSQL
and one NATS while plans, dossiers and spreadsheets of nominees are being sent through both
replicas of the plan and nomination services, and
- one replica of each service is killed with SIGKILL: of the plan, nomination, reporting and
  notification services the one that leads their views or a consumer or the one that stands by
  for it, of the web service either, each drawn by chance, each at a moment drawn by chance (a
  seeded random source, the seed printed; `TDKT_FAULT_SEED` replays it), then started again; and
  then, once the replica killed is back standing by, the leader of each is killed and, a moment
  drawn by chance later (around the standby's next try for the lock), the standby as it takes
  over; both are started again;
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
import nats
import pytest

from tests.faults.harness import ADMIN, WITH_EVENTS, at_random, chance, settled, under_load
from tests.integration.webhook_receivers import Start
from tests.support import Namespace, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]
ELECTED = {"plan": "views", "nomination": "views", "reporting": "reporting-tasks",
           "notification": "notification-webhooks"}


async def test_killing_a_leader_or_a_standby_then_a_standby_as_it_takes_over_loses_and_duplicates_nothing(
        ns: Namespace, tmp_path: Path, receivers: Start) -> None:
    rng = chance("replicas killed")
    # Every draw up front, in one order: the same seed, the same victims and moments.
    victims = {service: rng.choice(("leader", "standby")) for service in ELECTED}
    web = rng.choice(("web-a", "web-b"))
    moments = [round(rng.uniform(0.2, 2.5), 2) for _ in range(len(ELECTED) + 1)]
    # The standby tries for the lock every 0.5 s (± a quarter): killed before it leads or as it starts to.
    delays = {service: round(rng.uniform(0.0, 0.8), 2) for service in ELECTED}
    async with under_load(ns, tmp_path, receivers) as (replicas, http, load, webhook):
        await asyncio.sleep(2)
        # Under the load, the replica standing by for each service's work answers ready while its leader lives.
        pairs = {service: await replicas.standing_by(http, service, work) for service, work in ELECTED.items()}
        killed = {service: pairs[service][victim == "standby"] for service, victim in victims.items()}
        said = []
        for (service, name), moment in zip([*killed.items(), ("web", web)], moments, strict=True):
            await asyncio.sleep(moment)  # one after the other, each at its own moment of the load
            replicas.kill(name)
            said.append(f"{name} ({victims.get(service, 'either')}) at +{moment} s")
        # The survivors lead: a standby takes over from its leader, a leader keeps its work.
        for service, work in ELECTED.items():
            await replicas.leads(http, replicas.other(killed[service]), work)
        await replicas.start(*killed.values(), web)
        # Each replica killed is back, standing by (ready) for the one that leads.
        for service, work in ELECTED.items():
            assert await replicas.standing_by(http, service, work) == (replicas.other(killed[service]),
                                                                        killed[service])

        async def as_it_takes_over(service: str, work: str) -> str:
            """The leader killed, then the standby a moment later, as it takes over; both started again."""
            leader, standby = await replicas.standing_by(http, service, work)
            seen: set[str | None] = set()

            async def watch() -> None:  # what the standby says of the work until it is killed
                while True:
                    seen.add(((await replicas.ready(http, standby)) or {}).get("roles", {}).get(work))
                    await asyncio.sleep(0.05)

            replicas.kill(leader)
            watching = asyncio.create_task(watch())
            await asyncio.sleep(delays[service])
            replicas.kill(standby)
            watching.cancel()
            role = "seen leading" if "leader" in seen else "not seen leading"
            await replicas.start(leader, standby)
            now, then = await replicas.standing_by(http, service, work)
            return (f"{leader} (leader), {standby} +{delays[service]} s later ({role} {work}); "
                    f"back: {now} leads, {then} stands by")

        chained = await asyncio.gather(*(as_it_takes_over(service, work) for service, work in ELECTED.items()))
        summary = await settled(replicas, http, load, webhook)
        print(f"\nfaults: SIGKILL under load of {', '.join(said)}; each survivor led, each replica killed came "
              f"back standing by, ready; then SIGKILL of {'; '.join(chained)}\n{summary}")


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
