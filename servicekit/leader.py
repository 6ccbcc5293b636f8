"""Work that one replica of a service does at a time, elected with a PostgreSQL advisory lock.

Used for what must not run twice at once, or whose order matters: the in-process views of the
plan and nomination services, each bus consumer (competing consumers would apply a subject's
events out of order), the outbox relay keeps its own lock on its own connection.

The lock is held on a connection of its own. The others retry every `interval_s`; when the
leader dies, or its connection does, the server frees the lock and another replica takes over
within about `interval_s`. A leader that loses its connection stops its work at once (the
connection's termination callback, or a failed `SELECT 1` at the latest one interval later);
the work itself must stay idempotent for that short overlap (views and consumers track what
they applied in the same transaction as the change).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import zlib
from collections.abc import Awaitable, Callable

import asyncpg

log = logging.getLogger(__name__)
Work = Callable[[asyncio.Event], Awaitable[None]]


def lock_key(name: str) -> int:
    """A stable advisory-lock key for a name (`views:plan`, `consumer:reporting-tasks`)."""
    return zlib.crc32(f"tdkt-leader:{name}".encode())


class Leadership:
    """Runs `work` while this replica holds the lock `key`; says whether it leads."""

    def __init__(self, dsn: str, key: int | str, interval_s: float = 2.0) -> None:
        self.dsn = dsn
        self.key = key if isinstance(key, int) else lock_key(key)
        self.name = str(key)
        self.interval_s = interval_s
        self.is_leader = False
        self.elections = 0  # times this replica became leader
        self.pid: int | None = None  # the server process holding our lock (tests cut it)

    @property
    def role(self) -> str:
        return "leader" if self.is_leader else "follower"

    async def run(self, work: Work, stop: asyncio.Event) -> None:
        """Until `stop`: wait for the lock, run `work` while holding it, stop `work` on losing it."""
        while not stop.is_set():
            try:
                conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
            except Exception as error:
                log.warning("leader election %s: cannot connect: %s", self.name, error)
                await wait_or_stop(stop, self.interval_s)
                continue
            try:
                if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
                    await self._lead(conn, work, stop)
                else:  # a little jitter spreads several locks over the replicas
                    await wait_or_stop(stop, self.interval_s * random.uniform(0.75, 1.25))
            except Exception as error:
                log.warning("leader election %s: %s", self.name, error)
                await wait_or_stop(stop, self.interval_s)
            finally:
                with contextlib.suppress(Exception):
                    await conn.close()

    async def _lead(self, conn: asyncpg.Connection, work: Work, stop: asyncio.Event) -> None:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _: lost.set())
        self.pid = conn.get_server_pid()
        working_stop = asyncio.Event()
        self.is_leader, self.elections = True, self.elections + 1
        log.info("leader election %s: this replica leads", self.name)
        task = asyncio.ensure_future(work(working_stop))
        try:
            while not (stop.is_set() or lost.is_set() or task.done()):
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait()), task]
                await asyncio.wait(waiters, timeout=self.interval_s, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters[:2]:
                    waiter.cancel()
                if not (stop.is_set() or lost.is_set() or task.done()):
                    try:
                        await asyncio.wait_for(conn.fetchval("SELECT 1"), self.interval_s)
                    except Exception:
                        lost.set()
            if lost.is_set():
                log.warning("leader election %s: lock connection lost; stepping down", self.name)
        finally:
            self.is_leader = False
            working_stop.set()
            try:
                await task
            except Exception:
                log.exception("leader election %s: the elected work failed", self.name)


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less if `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
