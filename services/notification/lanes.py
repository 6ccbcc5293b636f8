"""One webhook's deliveries, sent in the bus's order per lane with a window of calls.

A lane is what must stay in order: the whole webhook (ordering "subscriber") or each
CloudEvents subject (ordering "subject"). A lane has one call in flight at a time; different
lanes share the webhook's window. Pending deliveries are read from the database by id, after
the last one read (index `deliveries_pending`: the same cost whatever the backlog), at most
`buffer` held in memory; a lane that has too many waiting is read again later by its own
index (`deliveries_lane`).
"""

from __future__ import annotations

import heapq
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

LANE_HELD = 50  # deliveries of one lane held in memory; the rest are read again when it drains
NEXT = """
SELECT id, ordering_key, headers, body, attempts, greatest(extract(epoch FROM next_attempt_at - now()), 0) AS wait
FROM deliveries WHERE subscription_id = $1 AND status = 'pending' AND id > $2 ORDER BY id LIMIT $3
"""
LANE_NEXT = """
SELECT id, ordering_key, headers, body, attempts, greatest(extract(epoch FROM next_attempt_at - now()), 0) AS wait
FROM deliveries WHERE subscription_id = $1 AND ordering_key = $2 AND status = 'pending' AND id > $3 AND id <= $4
ORDER BY id LIMIT $5
"""


@dataclass
class Pending:
    id: int
    headers: dict[str, str]
    body: bytes
    attempts: int
    not_before: float


@dataclass
class Lane:
    key: str
    queue: deque[Pending] = field(default_factory=deque)
    busy: bool = False
    scheduled: bool = False  # in the ready queue or the timer heap
    overflow: bool = False  # more pending in the database than held
    last_id: int = 0


class Lanes:
    """The lanes of one webhook, and which of them can send now."""

    def __init__(self, subscription_id: UUID, buffer: int) -> None:
        self.subscription_id = subscription_id
        self.buffer = buffer
        self.lanes: dict[str, Lane] = {}
        self.ready: deque[Lane] = deque()
        self.timers: list[tuple[float, int, Lane]] = []
        self.held = 0
        self.cursor = 0
        self.exhausted = False  # the last read found nothing more
        self._tick = 0

    async def read(self, conn: asyncpg.Pool, now: float, batch: int) -> int:
        room = min(batch, self.buffer - self.held)
        if room <= 0:
            return 0
        rows = await conn.fetch(NEXT, self.subscription_id, self.cursor, room)
        for row in rows:
            lane = self.lanes.setdefault(row["ordering_key"], Lane(row["ordering_key"]))
            if lane.overflow or len(lane.queue) >= LANE_HELD:
                lane.overflow = True
            else:
                self._hold(lane, row, now)
            self.cursor = row["id"]
        self.exhausted = len(rows) < room
        return len(rows)

    async def reread(self, conn: asyncpg.Pool, lane: Lane, now: float) -> None:
        """Read again the deliveries of a lane that were left in the database."""
        rows = await conn.fetch(LANE_NEXT, self.subscription_id, lane.key, lane.last_id, self.cursor, LANE_HELD)
        lane.overflow = len(rows) == LANE_HELD
        for row in rows:
            self._hold(lane, row, now)

    def _hold(self, lane: Lane, row: Any, now: float) -> None:
        lane.queue.append(Pending(row["id"], json.loads(row["headers"]), row["body"].encode(), row["attempts"],
                                  now + float(row["wait"])))
        lane.last_id = row["id"]
        self.held += 1
        self.schedule(lane)

    def schedule(self, lane: Lane) -> None:
        """Put a lane whose head can go (now or later) where the sender finds it."""
        if lane.busy or lane.scheduled or not lane.queue:
            return
        lane.scheduled = True
        self._tick += 1
        heapq.heappush(self.timers, (lane.queue[0].not_before, self._tick, lane))

    def due(self, now: float) -> None:
        while self.timers and self.timers[0][0] <= now:
            self.ready.append(heapq.heappop(self.timers)[2])

    def next_due(self) -> float | None:
        return self.timers[0][0] if self.timers else None

    def take(self) -> tuple[Lane, Pending] | None:
        if not self.ready:
            return None
        lane = self.ready.popleft()
        lane.scheduled, lane.busy = False, True
        return lane, lane.queue[0]

    def done(self, lane: Lane) -> None:
        """The lane's head is finished (delivered or given up)."""
        lane.queue.popleft()
        lane.busy = False
        self.held -= 1
        self.schedule(lane)

    def retry(self, lane: Lane, at: float) -> None:
        lane.queue[0].not_before = at
        lane.busy = False
        self.schedule(lane)

    def drained(self, lane: Lane) -> bool:
        """True when the lane holds nothing; it is forgotten unless it has more in the database."""
        if lane.queue or lane.busy:
            return False
        if not lane.overflow:
            self.lanes.pop(lane.key, None)
        return True
