"""The calls of one webhook: its lanes in order, its window of concurrent calls, its circuit.

Each webhook has its own sender, so a slow or dead one holds only its own calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

from services.notification import webhook
from services.notification.circuit import Circuit
from services.notification.http1 import Http1Pool
from services.notification.lanes import Lane, Lanes, Pending
from services.notification.recorder import Recorder
from services.notification.settings import NotificationSettings
from services.notification.targets import TargetGuard

log = logging.getLogger(__name__)


@dataclass
class Hook:
    id: UUID
    url: str
    mode: str
    window: int
    secrets: list[tuple[str, datetime | None]] = field(default_factory=list)  # newest first, with retire time

    def signing(self, now: datetime) -> list[str]:
        """The secrets that sign a call made now: every one not yet retired."""
        return [secret for secret, retire_at in self.secrets if retire_at is None or retire_at > now]


@dataclass
class SenderCounts:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


class Sender:
    def __init__(self, hook: Hook, pool: asyncpg.Pool, client: Http1Pool, guard: TargetGuard,
                 recorder: Recorder, settings: NotificationSettings, clock: Callable[[], datetime]) -> None:
        self.hook = hook
        self.clock = clock
        self.pool = pool
        self.client = client
        self.guard = guard
        self.recorder = recorder
        self.settings = settings
        self.lanes = Lanes(hook.id, settings.dispatch_buffer)
        self.circuit = Circuit(settings.circuit_failures, settings.circuit_open_s)
        self.counts = SenderCounts()
        self._wake = asyncio.Event()
        self._more = True
        self._rereads: list[Lane] = []
        self._in_flight: set[asyncio.Task[None]] = set()

    def poke(self) -> None:
        """New deliveries may be waiting in the database."""
        self._more = True
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                self._wake.clear()
                await self._read()
                await self._save_circuit()
                self._start(time.monotonic())
                await self._wait(stop)
        finally:
            await self._finish()

    async def _read(self) -> None:
        now = time.monotonic()
        while self._rereads:
            await self.lanes.reread(self.pool, self._rereads.pop(), now)
        if self._more and self.lanes.held < self.lanes.buffer:
            await self.lanes.read(self.pool, now, self.settings.dispatch_batch)
            self._more = not self.lanes.exhausted

    def _start(self, now: float) -> None:
        self.lanes.due(now)
        while self.circuit.allows(now, len(self._in_flight), self.hook.window):
            taken = self.lanes.take()
            if taken is None:
                return
            task = asyncio.create_task(self._call(*taken))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _wait(self, stop: asyncio.Event) -> None:
        moments = [t for t in (self.lanes.next_due(), self.circuit.open_until) if t is not None]
        timeout = self.settings.dispatch_poll_interval_s
        if self._more and self.lanes.held < self.lanes.buffer:
            timeout = 0
        elif moments:
            timeout = min(timeout, max(min(moments) - time.monotonic(), 0.005))
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
        if not done and timeout == self.settings.dispatch_poll_interval_s:
            self._more = True  # the safety net, should a NOTIFY have been missed

    async def _call(self, lane: Lane, pending: Pending) -> None:
        secrets = self.hook.signing(self.clock())
        outcome = await webhook.post(self.client, self.guard, self.hook.url, secrets, pending.headers,
                                     pending.body, mode=self.hook.mode, time_limit=self.settings.dispatch_timeout_s)
        self._finished(lane, pending, outcome)

    def _finished(self, lane: Lane, pending: Pending, outcome: webhook.Outcome) -> None:
        pending.attempts += 1
        now = time.monotonic()
        if outcome.ok:
            self.circuit.succeeded()
            status, delay = "delivered", 0.0
            self.counts.delivered += 1
            self.lanes.done(lane)
        else:
            self.circuit.failed(now)
            status, delay = self._after_failure(pending.attempts)
            if status == "failed":
                log.warning("delivery %s to %s given up after %d attempts: %s", pending.id, self.hook.url,
                            pending.attempts, outcome.error)
                self.lanes.done(lane)
            else:
                self.lanes.retry(lane, now + delay)
        self.recorder.add(pending.id, pending.attempts, outcome, status, delay)
        if self.lanes.drained(lane) and lane.overflow:
            self._rereads.append(lane)
        self._wake.set()

    def _after_failure(self, attempts: int) -> tuple[str, float]:
        if attempts >= self.settings.dispatch_max_attempts:
            self.counts.failed += 1
            return "failed", 0.0
        self.counts.retried += 1
        backoff = self.settings.dispatch_backoff_s
        return "pending", backoff[min(attempts, len(backoff)) - 1]

    async def _save_circuit(self) -> None:
        """Show the circuit's state in the subscription (GET /subscriptions)."""
        if not self.circuit.changes:
            return
        until = self.circuit.changes[-1]
        self.circuit.changes.clear()
        seconds = None if until is None else max(until - time.monotonic(), 0)
        await self.pool.execute(
            "UPDATE subscriptions SET circuit_open_until = CASE WHEN $2::float8 IS NULL THEN NULL "
            "ELSE now() + make_interval(secs => $2) END WHERE id = $1", self.hook.id, seconds)

    async def _finish(self) -> None:
        """Let calls in flight end (their attempts are recorded); cancel what outlives the grace."""
        if not self._in_flight:
            return
        _, late = await asyncio.wait(set(self._in_flight), timeout=self.settings.dispatch_timeout_s + 1)
        for task in late:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*late, return_exceptions=True)
