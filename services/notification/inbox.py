"""The units' inbox: what each unit must act on or know (its tasks, its dossiers, reminders),
one message per unit concerned, written in the consumer's transaction (once per event)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from contracts import IntegrationEvent
from servicekit import db
from services.notification import intake
from services.notification.intake import Part
from services.notification.messages import Audience, Message, address, compose

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox_messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid NOT NULL,
    unit_code text NOT NULL,
    kind text NOT NULL,
    ref_id uuid NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    link text NOT NULL,
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'inbox_messages'
               AND column_name = 'dossier_id') THEN
        ALTER TABLE inbox_messages RENAME COLUMN dossier_id TO ref_id;
    END IF;
END $$;
ALTER TABLE inbox_messages ADD COLUMN IF NOT EXISTS topic text NOT NULL DEFAULT 'dossier';
ALTER TABLE inbox_messages DROP CONSTRAINT IF EXISTS inbox_messages_event_id_key;
CREATE UNIQUE INDEX IF NOT EXISTS inbox_messages_once ON inbox_messages (event_id, unit_code);
CREATE INDEX IF NOT EXISTS inbox_messages_unit ON inbox_messages (unit_code, id);
CREATE INDEX IF NOT EXISTS inbox_messages_unread ON inbox_messages (unit_code) WHERE read_at IS NULL;
"""

_PUBLIC = "id, unit_code, kind, topic, ref_id, title, body, link, occurred_at, created_at, read_at"


@dataclass(frozen=True)
class Filter:
    unit: str | None  # None: every unit (auditors)
    kinds: Sequence[str] = ()
    topic: str | None = None
    ref_id: UUID | None = None
    unread: bool = False

    def where(self) -> tuple[str, list[Any]]:
        return ("($1::text IS NULL OR unit_code = $1) AND (cardinality($2::text[]) = 0 OR kind = ANY ($2)) "
                "AND ($3::text IS NULL OR topic = $3) AND ($4::uuid IS NULL OR ref_id = $4) "
                "AND (NOT $5 OR read_at IS NULL)",
                [self.unit, list(self.kinds), self.topic, self.ref_id, self.unread])


async def create_schema(pool: asyncpg.Pool) -> None:
    await db.create_schema(pool, SCHEMA)


def messages(event: IntegrationEvent, audience: Audience | None = None) -> Part:
    """The messages `event` gives its units, and those it gives the `audience` the service
    found for it (consumer's transaction; once per event and unit); returns the ids written."""
    found = address(event, audience) if audience is not None else []
    return _insert(event.event_id, event.occurred_at, [*compose(event), *found])


async def write(conn: asyncpg.Connection, source_id: UUID, occurred_at: datetime,
                messages: Sequence[Message]) -> list[int]:
    """Write messages from one source (an event, a reminder); a source writes once per unit.
    The ids of the messages written (none when the source was seen before)."""
    row = await intake.write(conn, [_insert(source_id, occurred_at, messages)])
    return list(row[0])


def _insert(source_id: UUID, occurred_at: datetime, messages: Sequence[Message]) -> Part:
    columns = [[getattr(m, f) for m in messages] for f in ("unit_code", "kind", "topic", "ref_id", "title", "body",
                                                          "link")]
    return Part(
        ["written AS (INSERT INTO inbox_messages (event_id, unit_code, kind, topic, ref_id, title, body, link, "
         "occurred_at) SELECT {0}, m.unit_code, m.kind, m.topic, m.ref_id, m.title, m.body, m.link, {1} "
         "FROM unnest({2}::text[], {3}::text[], {4}::text[], {5}::uuid[], {6}::text[], {7}::text[], {8}::text[]) "
         "AS m(unit_code, kind, topic, ref_id, title, body, link) "
         "ON CONFLICT (event_id, unit_code) DO NOTHING RETURNING id)"],
        "ARRAY(SELECT id FROM written ORDER BY id)", [source_id, occurred_at, *columns])


async def list_messages(pool: asyncpg.Pool, chosen: Filter, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """A unit's messages (every unit's when `unit` is None), newest first."""
    where, args = chosen.where()
    rows = await pool.fetch(f"SELECT {_PUBLIC} FROM inbox_messages WHERE {where} ORDER BY id DESC "
                            "LIMIT $6 OFFSET $7", *args, limit, offset)
    return [dict(row) for row in rows]


async def counts(pool: asyncpg.Pool, chosen: Filter) -> list[dict[str, Any]]:
    """How many messages of each kind, and how many of them unread."""
    where, args = chosen.where()
    rows = await pool.fetch(
        f"SELECT kind, topic, count(*) AS total, count(*) FILTER (WHERE read_at IS NULL) AS unread "
        f"FROM inbox_messages WHERE {where} GROUP BY kind, topic ORDER BY topic, kind", *args)
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
