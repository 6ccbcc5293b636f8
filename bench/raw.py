"""Raw limits of the servers, measured in the same run as the pipeline.

- PostgreSQL: durable single-row commits/s (asyncpg, autocommit INSERT = one commit per row,
  synchronous_commit on), with 1 connection and with 8 connections (group commit).
- JetStream: publish+ack/s, sequential (`js.publish` awaits each ack) and with 256 in flight
  (`publish_async`, a window of 256 unacknowledged publishes), file storage, on the server
  under test (`sync_interval: always`) and, when embedded, on a second server with the default
  sync (fsync every 2 minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
import nats
from nats.js.api import StorageType, StreamConfig

from tdkt.embedded import EmbeddedNats, free_port

PAYLOAD = b"x" * 700  # about the size of a TaskAssigned CloudEvent body


def _dsn_for(dsn: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


async def _pg_commits(dsn: str, connections: int, seconds: float) -> float:
    conns = [await asyncpg.connect(dsn, server_settings={"synchronous_commit": "on"}) for _ in range(connections)]
    try:
        stop_at = time.perf_counter() + seconds
        counts = [0] * connections

        async def worker(index: int, conn: asyncpg.Connection) -> None:
            while time.perf_counter() < stop_at:
                await conn.execute("INSERT INTO raw_commits (payload) VALUES ($1)", "p" * 200)
                counts[index] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i, c) for i, c in enumerate(conns)))
        return sum(counts) / (time.perf_counter() - started)
    finally:
        for conn in conns:
            await conn.close()


async def postgres_limits(dsn: str, seconds: float, say: Callable[[str], None]) -> dict[str, float]:
    database = f"benchraw_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    target = _dsn_for(dsn, database)
    try:
        conn = await asyncpg.connect(target)
        try:
            await conn.execute("CREATE TABLE raw_commits (id bigserial PRIMARY KEY, payload text NOT NULL)")
        finally:
            await conn.close()
        results = {}
        for connections in (1, 8):
            say(f"raw PostgreSQL: single-row commits with {connections} connection(s) for {seconds:.0f}s")
            results[f"pg_commits_per_s_{connections}conn"] = await _pg_commits(target, connections, seconds)
        return results
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()


async def _js_rates(url: str, seconds: float) -> dict[str, float]:
    nc = await nats.connect(url)
    name = f"BENCHRAW{uuid.uuid4().hex[:8]}"
    subject = f"benchraw{name[-8:]}.msg"
    try:
        js = nc.jetstream(publish_async_max_pending=256)
        await js.add_stream(StreamConfig(name=name, subjects=[subject], storage=StorageType.FILE))
        for _ in range(50):  # warm-up
            await js.publish(subject, PAYLOAD)
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            await js.publish(subject, PAYLOAD)
            count += 1
        sequential = count / (time.perf_counter() - started)

        acks: list[asyncio.Future] = []
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            acks.append(await js.publish_async(subject, PAYLOAD))  # waits while 256 are in flight
        results = await asyncio.gather(*acks)
        in_flight = len(results) / (time.perf_counter() - started)
        await js.delete_stream(name)
        return {"sequential": sequential, "in_flight_256": in_flight}
    finally:
        await nc.close()


async def jetstream_limits(url: str, seconds: float, say: Callable[[str], None], *,
                           default_sync_dir: Path | None) -> dict[str, float]:
    say(f"raw JetStream (sync_interval: always): publish+ack sequential and 256 in flight, {seconds:.0f}s each")
    always = await _js_rates(url, seconds)
    results = {"js_sync_always_sequential_per_s": always["sequential"],
               "js_sync_always_256_in_flight_per_s": always["in_flight_256"]}
    if default_sync_dir is not None:
        say("raw JetStream (default sync) on a second, temporary nats-server")
        server = EmbeddedNats(default_sync_dir, free_port(), sync_always=False).start()
        try:
            default = await _js_rates(server.admin_url, seconds)
        finally:
            with contextlib.suppress(Exception):
                server.stop()
        results["js_default_sync_sequential_per_s"] = default["sequential"]
        results["js_default_sync_256_in_flight_per_s"] = default["in_flight_256"]
    return results
