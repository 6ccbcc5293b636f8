"""One nats-server of a three-server cluster on loopback (stream replicas 3) killed with
SIGKILL under load and started again, the server, the moment and the time down drawn by chance
(the seed printed; `TDKT_FAULT_SEED` replays it), two replicas of every service running: lost 0,
duplicated 0 (tests.faults.harness)."""

from __future__ import annotations

from pathlib import Path

import nats
import pytest

from tdkt.embedded import free_ports
from tests.faults.harness import ClusterNode, at_random, chance, settled, under_load
from tests.integration.webhook_receivers import Start
from tests.support import Namespace, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]


async def test_one_nats_server_of_three_down_and_back_loses_and_duplicates_nothing(
        ns: Namespace, tmp_path: Path, receivers: Start) -> None:
    rng = chance("NATS server killed")
    victim = rng.randrange(3)
    ports = free_ports(6)
    cluster_ports = ports[3:]
    nodes = [ClusterNode(tmp_path / f"nats-{i}", ports[i], f"n{i}", cluster_ports, i) for i in range(3)]
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

        await eventually(jetstream_clustered, timeout=60, interval=0.5)
        async with under_load(ns, tmp_path, receivers, urls, TDKT_STREAM_REPLICAS="3") as (
                replicas, http, load, webhook):
            moment = await at_random(rng, 1, 8)
            nodes[victim].kill()  # one server of three, SIGKILL, stream replicas on it included
            down = await at_random(rng, 2, 8)
            nodes[victim].start()
            summary = await settled(replicas, http, load, webhook)
        nc = await nats.connect(nodes[(victim + 1) % 3].admin_url)
        try:
            stream = await nc.jetstream().stream_info(ns.stream)
            assert stream.config.num_replicas == 3
        finally:
            await nc.close()
        print(f"\nfaults: nats-server n{victim} of 3 killed at +{moment} s of the load, started again {down} s later"
              f"\n{summary}")
    finally:
        for node in nodes:
            node.stop()
