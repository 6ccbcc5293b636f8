"""The NATS store's disk quota filled under load (JetStream `max_file_store`, another stream
taking the room), two replicas of every service running: the plan service still takes
commands, its relay backs off and its readiness says degraded (the quota filled at a moment
drawn by chance, the seed printed; `TDKT_FAULT_SEED` replays it); once the room is back (the
other stream purged) nothing is lost or duplicated (tests.faults.harness). The test runs its
own nats-server, with a small quota."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from nats.js.api import StreamConfig
from nats.js.errors import APIError

from servicekit.outbox import store_full
from tdkt.embedded import EmbeddedNats, free_port
from tests.faults.harness import Load, Replicas, at_random, chance, settled, under_load
from tests.integration.webhook_receivers import Start
from tests.support import Namespace, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]
QUOTA = "8MB"


class QuotaNats(EmbeddedNats):
    def config(self) -> str:
        return super().config().replace("jetstream {\n", f"jetstream {{\n  max_file_store: {QUOTA}\n")


@pytest.fixture
async def small_nats() -> AsyncIterator[QuotaNats]:
    base = Path(tempfile.mkdtemp(prefix="tdkt-faults-nats-"))
    server = QuotaNats(base / "nats", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


async def fill(js: Any, stream: str) -> int:
    """Messages into `stream` until JetStream refuses one for lack of room; how many went in."""
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{stream.lower()}.>"]))
    count = 0
    while True:
        try:
            await js.publish(f"{stream.lower()}.fill", b"x" * 16_000)
        except APIError as error:
            assert store_full(error), error
            return count
        count += 1


async def more_accepted(load: Load, than: int) -> None:
    assert len(load.accepted) > than + 5, len(load.accepted)


async def relay_degraded(replicas: Replicas, http: httpx.AsyncClient) -> str:
    async def check() -> str:
        said = {}
        for name in ("plan-a", "plan-b"):
            with contextlib.suppress(httpx.HTTPError):  # a replica busy a moment too long
                ready = said[name] = (await http.get(f"{replicas.url(name)}/readyz")).json()
                if ready["status"] == "degraded" and "đầy" in ready["checks"].get("outbox", ""):
                    return f"{name}: {ready['checks']['outbox']}"
        raise AssertionError(f"no plan replica says its relay finds the bus full: {said}")

    return await eventually(check, timeout=60, interval=0.5)


async def test_a_full_bus_store_is_reported_and_nothing_is_lost_once_room_is_back(
        small_nats: QuotaNats, servers: tuple[str, str], tmp_path: Path, receivers: Start) -> None:
    uid = uuid.uuid4().hex[:10]
    ns = Namespace(pg_dsn=servers[0], nats_url=small_nats.admin_url, db_prefix=f"t{uid}_",
                   subject_root=f"t{uid}", stream=f"T{uid}")
    rng = chance("bus store full")
    async with under_load(ns, tmp_path, receivers) as (replicas, http, load, webhook):
        moment = await at_random(rng, 1, 6)
        nc = await nats.connect(small_nats.admin_url)
        try:
            js = nc.jetstream()
            ballast = await fill(js, "BALLAST")
            # Commands are still taken while the bus has no room; the relay says so and waits.
            during = len(load.accepted)
            reported = await relay_degraded(replicas, http)
            await eventually(lambda: more_accepted(load, during), timeout=60, interval=0.5)
            accepted_while_full = len(load.accepted) - during
            await js.purge_stream("BALLAST")
        finally:
            await nc.close()
        summary = await settled(replicas, http, load, webhook)
        print(f"\nfaults: the bus store's quota ({QUOTA}) filled at +{moment} s of the load by {ballast} messages "
              f"of another stream; readiness said «{reported}»; {accepted_while_full} plans accepted while full; "
              f"room given back (the other stream purged)\n{summary}")
