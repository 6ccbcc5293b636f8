"""PostgreSQL stopped (fast shutdown: every session ended, transactions in flight rolled back)
and started again under load, at a moment and for a time drawn by chance (the seed printed;
`TDKT_FAULT_SEED` replays it), two replicas of every service running: the services reconnect
and lose and duplicate nothing (tests.faults.harness). The test runs its own PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tdkt.embedded import EmbeddedPostgres, free_port
from tests.faults.harness import at_random, chance, settled, under_load
from tests.integration.webhook_receivers import Start
from tests.support import Namespace

pytestmark = [pytest.mark.integration, pytest.mark.faults]


@pytest.fixture
def postgres() -> Iterator[EmbeddedPostgres]:
    base = Path(tempfile.mkdtemp(prefix="tdkt-faults-pg-"))
    base.chmod(0o755)  # reachable by the unprivileged user PostgreSQL runs as under root
    server = EmbeddedPostgres(base / "pg", free_port()).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


async def test_postgresql_restarted_under_load_loses_and_duplicates_nothing(
        postgres: EmbeddedPostgres, servers: tuple[str, str], tmp_path: Path, receivers: Start) -> None:
    uid = uuid.uuid4().hex[:10]
    ns = Namespace(pg_dsn=postgres.dsn, nats_url=servers[1], db_prefix=f"t{uid}_", subject_root=f"t{uid}",
                   stream=f"T{uid}")
    rng = chance("PostgreSQL restarted")
    async with under_load(ns, tmp_path, receivers) as (replicas, http, load, webhook):
        moment = await at_random(rng, 1, 8)
        before = load.figures()
        await asyncio.to_thread(postgres.stop)
        down = await at_random(rng, 1, 5)  # commands are refused meanwhile; the load sends them again
        await asyncio.to_thread(postgres.start)
        summary = await settled(replicas, http, load, webhook)
        print(f"\nfaults: PostgreSQL stopped at +{moment} s of the load ({before[0]} plans, {before[1]} dossiers, "
              f"{before[2]} spreadsheets accepted before) for {down} s, then started again\n{summary}")
