"""The emulation movements the plan service launched, as the nomination service knows them: a
table of its own filled from `MovementLaunched` and `MovementConcluded` on the bus (each event
applied once, in the consumer's transaction; an older version never overwrites a newer one), read
by the dossier workflow (`dossiers.ports.Movements`) to check the movement a dossier names."""

from __future__ import annotations

import asyncio
from uuid import UUID

import asyncpg

from contracts import IntegrationEvent
from contracts import plan_movements as m
from servicekit.consumer import Handler
from services.nomination.dossiers.ports import KnownMovement

CONSUMER = "nomination-movements"
SCHEMA = """
CREATE TABLE IF NOT EXISTS known_movements (
    movement_id uuid PRIMARY KEY,
    version integer NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    launched_on date,
    concluded_on date
)
"""
UPSERT = """
INSERT INTO known_movements (movement_id, version, name, kind, starts_on, ends_on, launched_on, concluded_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (movement_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind,
    starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, launched_on = EXCLUDED.launched_on,
    concluded_on = coalesce(EXCLUDED.concluded_on, known_movements.concluded_on)
WHERE known_movements.version < EXCLUDED.version
"""
# A conclusion read before its launch (redelivered out of order) leaves the launch day to the launch.
CONCLUDED = UPSERT.replace("launched_on = EXCLUDED.launched_on", "launched_on = known_movements.launched_on")
LAUNCH_DAY = "UPDATE known_movements SET launched_on = $2 WHERE movement_id = $1 AND launched_on IS NULL"
SELECT = ("SELECT movement_id, name, kind, starts_on, ends_on, launched_on, concluded_on FROM known_movements "
          "WHERE movement_id = $1")


async def apply(conn: asyncpg.Connection, event: IntegrationEvent) -> None:
    """A launch records the movement; a conclusion adds the day it was concluded."""
    if isinstance(event, m.MovementLaunched):
        await conn.execute(UPSERT, *_common(event), event.launched_on, None)
        await conn.execute(LAUNCH_DAY, event.movement_id, event.launched_on)
    elif isinstance(event, m.MovementConcluded):
        await conn.execute(CONCLUDED, *_common(event), None, event.concluded_on)


def _common(event: m.MovementLaunched | m.MovementConcluded) -> tuple[object, ...]:
    return (event.movement_id, event.movement_version, event.name, event.kind, event.starts_on, event.ends_on)


HANDLERS: dict[type[IntegrationEvent], Handler] = {m.MovementLaunched: apply, m.MovementConcluded: apply}


class KnownMovements:
    """`Movements` on the service's table, for the dossier use cases that run in worker threads:
    each look-up runs on the service's event loop."""

    def __init__(self, pool: asyncpg.Pool, loop: asyncio.AbstractEventLoop) -> None:
        self.pool, self.loop = pool, loop

    def find(self, movement_id: UUID) -> KnownMovement | None:
        if _running_loop() is self.loop:  # waiting here would block the loop that has to answer
            raise RuntimeError("movement look-ups run in a worker thread (runtime.call), not on the event loop")
        return asyncio.run_coroutine_threadsafe(self.get(movement_id), self.loop).result(timeout=30)

    async def get(self, movement_id: UUID) -> KnownMovement | None:
        row = await self.pool.fetchrow(SELECT, movement_id)
        return KnownMovement(**dict(row)) if row else None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
