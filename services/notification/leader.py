"""Work that one replica does at a time: the bus consumer of the notification service.

Competing consumers apply events out of the bus's order, and webhooks must get them in that
order; so the replicas elect one consumer with a PostgreSQL advisory lock held on a
connection of its own. The others wait; when the leader dies its connection closes, the lock
is free and another replica takes over where the durable consumer stands.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg

log = logging.getLogger(__name__)
Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


async def run_as_leader(dsn: str, key: int, work: Work,
                        stop: asyncio.Event, interval_s: float) -> None:
    """Run `work` while this replica holds lock `key`; retry for it every `interval_s`."""
    while not stop.is_set():
        try:
            conn: asyncpg.Connection = await asyncpg.connect(dsn)
        except Exception as error:
            log.warning("leader election: cannot connect: %s", error)
            await _wait(stop, interval_s)
            continue
        try:
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                await _lead(conn, work, stop, interval_s)
            else:
                await _wait(stop, interval_s)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()


async def _lead(conn: asyncpg.Connection, work: Work,
                stop: asyncio.Event, interval_s: float) -> None:
    lost = asyncio.Event()
    conn.add_termination_listener(lambda _: lost.set())
    working_stop = asyncio.Event()
    task = asyncio.create_task(work(working_stop))
    try:
        while not (stop.is_set() or lost.is_set() or task.done()):
            await _wait(stop, interval_s)
            try:
                await conn.fetchval("SELECT 1")
            except Exception:
                lost.set()
    finally:
        working_stop.set()
        await task


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
