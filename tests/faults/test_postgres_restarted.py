"""PostgreSQL stopped (fast shutdown: every session ended, transactions in flight rolled back)
and started again under load, two replicas of every service running: the services reconnect
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
from tests.faults.harness import settled, under_load
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
    async with under_load(ns, tmp_path, receivers) as (replicas, http, load, webhook):
        await asyncio.sleep(3)
        before = len(load.accepted)
        await asyncio.to_thread(postgres.stop)
        await asyncio.sleep(3)  # commands are refused meanwhile; the load sends them again
        await asyncio.to_thread(postgres.start)
        accepted, summary = await settled(replicas, http, load, webhook)
        print(f"\nfaults: PostgreSQL stopped for 3 s and started again under load ({before} plans accepted "
              f"before), {accepted} plans accepted\n{summary}")
