"""The units' inbox: what the proposing unit is told about its dossiers (returned, decided,
rejected, late), one message per event, written in the consumer's transaction."""

from __future__ import annotations

from typing import Any

import asyncpg

from contracts import IntegrationEvent
from services.notification import messages

_SCHEMA_LOCK = 7_310_004

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox_messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    unit_code text NOT NULL,
    kind text NOT NULL,
    dossier_id uuid NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    link text NOT NULL,
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX IF NOT EXISTS inbox_messages_unit ON inbox_messages (unit_code, id);
CREATE INDEX IF NOT EXISTS inbox_messages_unread ON inbox_messages (unit_code) WHERE read_at IS NULL;
"""

_PUBLIC = "id, unit_code, kind, dossier_id, title, body, link, occurred_at, created_at, read_at"


async def create_schema(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
        await conn.execute(SCHEMA)


async def record(conn: asyncpg.Connection, event: IntegrationEvent) -> bool:
    """Write the unit's message about `event`, if it has one (consumer's transaction; once per event)."""
    message = messages.compose(event)
    if message is None:
        return False
    e: Any = event
    return bool(await conn.fetchval(
        "INSERT INTO inbox_messages (event_id, unit_code, kind, dossier_id, title, body, link, occurred_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING RETURNING true",
        e.event_id, e.unit_code, message.kind, e.dossier_id, message.title, message.body, message.link,
        e.occurred_at))


async def list_messages(pool: asyncpg.Pool, unit: str | None, *, unread: bool, limit: int,
                        offset: int) -> list[dict[str, Any]]:
    """A unit's messages (every unit's when `unit` is None), newest first."""
    rows = await pool.fetch(
        f"SELECT {_PUBLIC} FROM inbox_messages WHERE ($1::text IS NULL OR unit_code = $1) "
        "AND (NOT $2 OR read_at IS NULL) ORDER BY id DESC LIMIT $3 OFFSET $4", unit, unread, limit, offset)
    return [dict(row) for row in rows]


async def unread_count(pool: asyncpg.Pool, unit: str | None) -> int:
    count = await pool.fetchval(
        "SELECT count(*) FROM inbox_messages WHERE ($1::text IS NULL OR unit_code = $1) AND read_at IS NULL", unit)
    return int(count)


async def find(pool: asyncpg.Pool, message_id: int) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"SELECT {_PUBLIC} FROM inbox_messages WHERE id = $1", message_id)
    return dict(row) if row else None


async def mark_read(pool: asyncpg.Pool, message_id: int) -> dict[str, Any]:
    """Mark a message read; reading it again keeps the first time."""
    row = await pool.fetchrow(
        f"UPDATE inbox_messages SET read_at = coalesce(read_at, now()) WHERE id = $1 RETURNING {_PUBLIC}",
        message_id)
    return dict(row)
