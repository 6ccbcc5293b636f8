"""The dispatcher: one sender per active webhook, each webhook served by one replica at a time.

- Ownership: a replica serves a webhook while it holds the webhook's PostgreSQL advisory lock
  on its own connection; when the replica dies the connection closes, the lock is free and
  another replica takes the webhook over at its next look (at most the poll interval), from
  what the database says is still pending.
- Wake-up: LISTEN on the channel the consumer NOTIFYs at commit ('' new deliveries,
  'subscriptions' a webhook added, changed or removed); otherwise every poll interval.
- Attempts are written by one recorder, many per transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.notification import secrets
from services.notification.http1 import Http1Pool
from services.notification.recorder import Recorder
from services.notification.secrets import SecretBox
from services.notification.sender import Hook, Sender
from services.notification.settings import NotificationSettings
from services.notification.store import CHANNEL
from services.notification.targets import TargetGuard

log = logging.getLogger(__name__)
HOOKS = 'SELECT id, url, content_mode, "window" FROM subscriptions WHERE active ORDER BY created_at'


@dataclass
class Served:
    sender: Sender
    stop: asyncio.Event
    task: asyncio.Task[None] | None = None


@dataclass
class DispatcherStatus:
    last_error: str | None = None  # of the dispatcher itself, not of the webhooks


def lock_key(subscription_id: UUID) -> int:
    return int.from_bytes(subscription_id.bytes[:8], "big", signed=True)


class Dispatcher:
    def __init__(self, settings: NotificationSettings, pool: asyncpg.Pool, guard: TargetGuard, box: SecretBox,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.pool = pool
        self.guard = guard
        self.box = box
        self.clock = clock
        self.client = Http1Pool()
        self.recorder = Recorder(pool, batch=settings.dispatch_batch)
        self.status = DispatcherStatus()
        self.senders: dict[UUID, Served] = {}
        self._refresh = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; survives database outages."""
        recorder_stop = asyncio.Event()
        recording = asyncio.create_task(self.recorder.run(recorder_stop))
        delay = 0.2
        try:
            while not stop.is_set():
                try:
                    await self._own_and_dispatch(stop)
                except Exception as error:
                    delay = 0.2 if self.status.last_error is None else min(delay * 2, 10.0)
                    self.status.last_error = f"{type(error).__name__}: {error}"
                    log.warning("dispatcher interrupted: %s; retrying in %.1fs", error, delay)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
        finally:
            recorder_stop.set()
            await recording

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _own_and_dispatch(self, stop: asyncio.Event) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.settings.dsn_for())
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
            while not stop.is_set():
                self._refresh.clear()
                await self._adopt(conn)
                self.status.last_error = None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(self._refresh, stop), self.settings.dispatch_poll_interval_s)
        finally:
            await self._stop_all()
            with contextlib.suppress(Exception):
                await conn.close()  # releases the webhooks' locks

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload == "subscriptions":
            self._refresh.set()
        for served in self.senders.values():
            served.sender.poke()

    async def _adopt(self, conn: asyncpg.Connection) -> None:
        """Serve the active webhooks this replica can lock; let go of the others."""
        rows = {row["id"]: row for row in await conn.fetch(HOOKS)}
        keys = await secrets.in_force(conn, self.box, list(rows), self.clock())
        for subscription_id in [s for s in self.senders if s not in rows]:
            await self._stop(subscription_id)
            await conn.execute("SELECT pg_advisory_unlock($1)", lock_key(subscription_id))
        for subscription_id, row in rows.items():
            hook = Hook(subscription_id, row["url"], row["content_mode"], row["window"],
                        keys.get(subscription_id, []))
            if subscription_id in self.senders:
                self.senders[subscription_id].sender.hook = hook
            elif await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(subscription_id)):
                self._start(hook)

    def _start(self, hook: Hook) -> None:
        served = Served(self._sender(hook), asyncio.Event())
        served.task = asyncio.create_task(self._supervise(served), name=f"webhook-{hook.id}")
        self.senders[hook.id] = served

    def _sender(self, hook: Hook) -> Sender:
        return Sender(hook, self.pool, self.client, self.guard, self.recorder, self.settings, self.clock)

    async def _supervise(self, served: Served) -> None:
        """Run a sender until stopped; a database error restarts it from what is recorded."""
        while not served.stop.is_set():
            try:
                await served.sender.run(served.stop)
            except Exception as error:
                self.status.last_error = f"{type(error).__name__}: {error}"
                log.warning("webhook %s sender interrupted: %s", served.sender.hook.id, error)
                await self.recorder.flush()
                served.sender = self._sender(served.sender.hook)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(served.stop.wait(), 1.0)

    async def _stop(self, subscription_id: UUID) -> None:
        served = self.senders.pop(subscription_id)
        served.stop.set()
        if served.task is not None:
            with contextlib.suppress(Exception):
                await served.task

    async def _stop_all(self) -> None:
        for subscription_id in list(self.senders):
            await self._stop(subscription_id)
        await self.recorder.flush()

    def counts(self) -> dict[str, int]:
        totals = {"delivered": 0, "retried": 0, "failed": 0}
        for served in self.senders.values():
            for name in totals:
                totals[name] += getattr(served.sender.counts, name)
        return totals


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
