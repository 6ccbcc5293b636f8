"""The dispatcher: sends pending deliveries to their webhooks and retries with back-off.

- Claim: `FOR UPDATE SKIP LOCKED` over due deliveries that are the oldest pending one of
  their subscription, so one subscription gets its events in order, one at a time, while
  different subscriptions are served concurrently. A claim leases the row (moves
  `next_attempt_at` past the call's timeout); a replica that dies mid-call leaves the lease
  to expire and the delivery is sent again (at least once; `webhook-id` tells repeats).
- Wake-up: LISTEN on the channel the consumer NOTIFYs at commit, and on finished calls;
  otherwise sleep until the next retry is due, at most the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from services.notification import webhook
from services.notification.settings import NotificationSettings
from services.notification.store import CHANNEL

log = logging.getLogger(__name__)

_HEADS = """
    d.status = 'pending' AND s.active AND NOT EXISTS (
        SELECT 1 FROM deliveries e WHERE e.subscription_id = d.subscription_id
        AND e.status = 'pending' AND e.id < d.id)
"""
CLAIM = f"""
WITH due AS (
    SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
    WHERE d.next_attempt_at <= now() AND {_HEADS}
    ORDER BY d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d SET next_attempt_at = now() + make_interval(secs => $2)
FROM due, subscriptions s WHERE d.id = due.id AND s.id = d.subscription_id
RETURNING d.id, s.url, s.secret, d.headers, d.body
"""
NEXT_DUE = f"""
SELECT extract(epoch FROM min(d.next_attempt_at) - now())
FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE {_HEADS}
"""


@dataclass
class DispatcherStatus:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    last_error: str | None = None  # of the dispatcher itself, not of the webhooks


class Dispatcher:
    def __init__(self, settings: NotificationSettings, pool: asyncpg.Pool) -> None:
        self.settings = settings
        self.pool = pool
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=settings.dispatch_timeout_s,
                                        headers={"user-agent": "tdkt-notification/1.0"})
        self.lease_s = 2 * settings.dispatch_timeout_s + 10
        self.status = DispatcherStatus()
        self._wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; survives database outages."""
        delay = 0.2
        while not stop.is_set():
            try:
                await self._listen_and_dispatch(stop)
            except Exception as error:
                delay = 0.2 if self.status.last_error is None else min(delay * 2, 10.0)
                self.status.last_error = f"{type(error).__name__}: {error}"
                log.warning("dispatcher interrupted: %s; retrying in %.1fs", error, delay)
                await _wait(stop, delay)
        await self._finish_in_flight()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _listen_and_dispatch(self, stop: asyncio.Event) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.settings.dsn_for())
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
            while not stop.is_set():
                self._wake.clear()  # before claiming, so a NOTIFY meanwhile is not lost
                room = await self._claim_available()
                self.status.last_error = None
                poll = self.settings.dispatch_poll_interval_s
                wait = await self._next_wait(conn) if room else poll
                await _wait_any(self._wake, stop, wait)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def _claim_available(self) -> int:
        """Start a call for every due delivery there is room for; the room left after."""
        room = self.settings.dispatch_concurrency - len(self._in_flight)
        if room <= 0:
            return 0
        rows = await self.pool.fetch(CLAIM, room, self.lease_s)
        for row in sorted(rows, key=lambda r: r["id"]):
            task = asyncio.create_task(self._deliver(dict(row)), name=f"delivery-{row['id']}")
            self._in_flight.add(task)
            task.add_done_callback(self._finished)
        return room - len(rows)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._wake.set()

    async def _next_wait(self, conn: asyncpg.Connection) -> float:
        seconds = await conn.fetchval(NEXT_DUE)
        poll = self.settings.dispatch_poll_interval_s
        return poll if seconds is None else min(max(float(seconds), 0.05), poll)

    async def _deliver(self, row: dict[str, Any]) -> None:
        outcome = await webhook.post(self.client, row["url"], row["secret"],
                                     json.loads(row["headers"]), row["body"].encode(),
                                     self.settings.dispatch_timeout_s)
        try:
            await self._record(row["id"], outcome)
        except Exception:  # the lease expires and the delivery is sent again
            log.exception("could not record the attempt of delivery %s", row["id"])

    async def _record(self, delivery_id: int, outcome: webhook.Outcome) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "UPDATE deliveries SET attempts = attempts + 1 WHERE id = $1 "
                "RETURNING attempts, status", delivery_id)
            await conn.execute(
                "INSERT INTO delivery_attempts (delivery_id, attempt, status_code, error, "
                "duration_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                delivery_id, row["attempts"], outcome.status_code, outcome.error,
                outcome.duration_ms)
            if row["status"] != "pending":  # cancelled meanwhile
                return
            status, delay = self._next_state(outcome, row["attempts"])
            if status == "failed":
                log.warning("delivery %s given up after %d attempts: %s", delivery_id,
                            row["attempts"], outcome.error)
            await conn.execute(
                "UPDATE deliveries SET status = $2, last_error = $3, "
                "next_attempt_at = now() + make_interval(secs => $4), "
                "finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END WHERE id = $1",
                delivery_id, status, outcome.error, delay)

    def _next_state(self, outcome: webhook.Outcome, attempts: int) -> tuple[str, float]:
        if outcome.ok:
            self.status.delivered += 1
            return "delivered", 0.0
        if attempts >= self.settings.dispatch_max_attempts:
            self.status.failed += 1
            return "failed", 0.0
        self.status.retried += 1
        backoff = self.settings.dispatch_backoff_s
        return "pending", backoff[min(attempts, len(backoff)) - 1]

    async def _finish_in_flight(self) -> None:
        if not self._in_flight:
            return
        grace = self.settings.dispatch_timeout_s + 1
        _, pending = await asyncio.wait(self._in_flight, timeout=grace)
        for task in pending:  # their leases expire and they are sent again after a restart
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_any(wake: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()
