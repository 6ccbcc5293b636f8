"""Every webhook attempt written to the database, many per transaction.

The dispatcher does not wait for these writes to call the next event: if the process dies
before a write, the event was not recorded as delivered and is sent again (at least once;
`webhook-id` tells repeats), still before the events behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from services.notification.webhook import Outcome

log = logging.getLogger(__name__)

INSERT_ATTEMPTS = """
INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::int[], $5::text[], $6::int[])
ON CONFLICT DO NOTHING
"""
UPDATE_DELIVERIES = """
UPDATE deliveries d SET attempts = GREATEST(d.attempts, u.attempt), status = u.status, last_error = u.error,
    next_attempt_at = now() + make_interval(secs => u.delay),
    finished_at = CASE WHEN u.status = 'pending' THEN NULL ELSE now() END
FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::float8[]) AS u(id, attempt, status, error, delay)
WHERE d.id = u.id AND d.status = 'pending'
"""


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    attempt: int
    at: datetime
    outcome: Outcome
    status: str  # of the delivery after it: pending (to retry), delivered or failed
    retry_in_s: float


class Recorder:
    def __init__(self, pool: asyncpg.Pool, batch: int = 500, interval_s: float = 0.05) -> None:
        self.pool = pool
        self.batch = batch
        self.interval_s = interval_s
        self.written = 0
        self._pending: list[Attempt] = []
        self._more = asyncio.Event()

    def add(self, delivery_id: int, attempt: int, outcome: Outcome, status: str, retry_in_s: float) -> None:
        self._pending.append(Attempt(delivery_id, attempt, datetime.now(UTC), outcome, status, retry_in_s))
        if len(self._pending) >= self.batch:
            self._more.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Write what was added, every `interval_s` or as soon as a batch is full; at `stop`,
        write what is left."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._more.wait(), self.interval_s)
            self._more.clear()
            await self.flush()
        await self.flush()

    async def flush(self) -> None:
        while self._pending:
            taken, self._pending = self._pending[: self.batch], self._pending[self.batch :]
            try:
                await self._write(taken)
            except Exception as error:
                self._pending[:0] = taken
                log.warning("could not record %d webhook attempts: %s", len(taken), error)
                await asyncio.sleep(1.0)
                return
            self.written += len(taken)

    async def _write(self, attempts: list[Attempt]) -> None:
        last = {a.delivery_id: a for a in attempts}  # one update per delivery: its latest attempt
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_ATTEMPTS, [a.delivery_id for a in attempts], [a.attempt for a in attempts],
                               [a.at for a in attempts], [a.outcome.status_code for a in attempts],
                               [a.outcome.error for a in attempts], [a.outcome.duration_ms for a in attempts])
            final = list(last.values())
            await conn.execute(UPDATE_DELIVERIES, [a.delivery_id for a in final], [a.attempt for a in final],
                               [a.status for a in final], [a.outcome.error for a in final],
                               [a.retry_in_s for a in final])
