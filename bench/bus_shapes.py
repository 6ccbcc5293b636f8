"""JetStream's publish rate (256 in flight, `sync_interval: always`) for the raw limit's 700-byte
messages and for messages shaped as the relay's (a 1.1 kB body, CloudEvent and trace headers,
`Nats-Msg-Id` under a duplicate window), each alone and with a pull consumer acknowledging as it
reads (as the reporting service does during a drain). Three rounds, interleaved; figures only.

    .venv/bin/python -m bench.bus_shapes [--seconds 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import nats
from nats.js.api import AckPolicy, ConsumerConfig, PubAck, StorageType, StreamConfig

from servicekit.pull import Pull, ack_all
from tdkt.embedded import EmbeddedNats, free_port

SHAPES = {"plain": 700, "relay": 1100}  # body bytes


def _headers(shape: str, index: int) -> dict[str, str] | None:
    if shape == "plain":
        return None
    return {"ce-id": str(uuid.uuid4()), "ce-type": "vn.gov.tdkt.plan.TaskAssigned.v1", "ce-source": "tdkt/plan",
            "ce-specversion": "1.0", "ce-time": "2026-12-01T23:00:00Z", "ce-subject": str(uuid.uuid4()),
            "traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01", "Nats-Msg-Id": f"plan:{index}"}


async def _consume(url: str, stream: str, stop: asyncio.Event) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_consumer(stream, ConsumerConfig(durable_name="c", ack_policy=AckPolicy.EXPLICIT,
                                                 max_ack_pending=20_000))
    pull = Pull(js, stream, "c")
    await pull.start()
    try:
        while not stop.is_set():
            await ack_all(await pull.fetch(200, 0.5))
    finally:
        await pull.stop()
        await nc.close()


async def publish_rate(url: str, shape: str, consumer: bool, seconds: float) -> float:
    nc = await nats.connect(url)
    stream = f"R{uuid.uuid4().hex[:8]}"
    subject = f"r{stream[1:]}.m"
    js = nc.jetstream(publish_async_max_pending=256)
    await js.add_stream(StreamConfig(name=stream, subjects=[subject], storage=StorageType.FILE,
                                     duplicate_window=120))
    body = b"x" * SHAPES[shape]
    headers = [_headers(shape, index) for index in range(int(seconds * 20_000))]  # made before the clock starts
    stop = asyncio.Event()
    reader = asyncio.create_task(_consume(url, stream, stop)) if consumer else None
    acks: list[asyncio.Future[PubAck]] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds and len(acks) < len(headers):
        acks.append(await js.publish_async(subject, body, headers=headers[len(acks)]))
    await asyncio.gather(*acks)
    rate = len(acks) / (time.perf_counter() - started)
    stop.set()
    if reader is not None:
        await reader
    await js.delete_stream(stream)
    await nc.close()
    return rate


async def run(seconds: float, rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tdkt-bench-bus-"))
    server = EmbeddedNats(folder, free_port()).start()
    try:
        for _ in range(rounds):
            found = []
            for shape in SHAPES:
                for consumer in (False, True):
                    rate = await publish_rate(server.admin_url, shape, consumer, seconds)
                    found.append(f"{shape}{' + consumer' if consumer else ''} {rate:,.0f}/s")
            print(" | ".join(found), flush=True)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bus_shapes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per figure (3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    args = parser.parse_args()
    asyncio.run(run(args.seconds, args.rounds))


if __name__ == "__main__":
    main()
