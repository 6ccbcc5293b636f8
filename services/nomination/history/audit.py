"""Who read which record, when, from where and why: an append-only table beside the event
store, written on every read of a record (before the record is returned), never on the
record's aggregate, so reading never contends with writing. A trigger refuses UPDATE, DELETE
and TRUNCATE on it. A personal number typed into the reason is kept masked."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.nomination.history.privacy import mask_numbers

SCHEMA = [
    "SELECT pg_advisory_xact_lock(hashtext('history_reads'))",
    """CREATE TABLE IF NOT EXISTS history_reads (
        id bigserial PRIMARY KEY, record_id uuid NOT NULL, requested_id uuid NOT NULL,
        read_by text NOT NULL, read_by_name text NOT NULL, roles text[] NOT NULL, unit text,
        unmasked boolean NOT NULL, address text, forwarded_for text, purpose text,
        read_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS history_reads_record ON history_reads (record_id, id)",
    """CREATE OR REPLACE FUNCTION history_reads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'history_reads is append-only'; END $$""",
    "DROP TRIGGER IF EXISTS history_reads_no_change ON history_reads",
    """CREATE TRIGGER history_reads_no_change BEFORE UPDATE OR DELETE ON history_reads
        FOR EACH ROW EXECUTE FUNCTION history_reads_append_only()""",
    "DROP TRIGGER IF EXISTS history_reads_no_truncate ON history_reads",
    """CREATE TRIGGER history_reads_no_truncate BEFORE TRUNCATE ON history_reads
        FOR EACH STATEMENT EXECUTE FUNCTION history_reads_append_only()""",
]
_COLUMNS = ("record_id, requested_id, read_by, read_by_name, roles, unit, unmasked, address, forwarded_for, "
            "purpose, read_at")


class ReadAudit:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._ready = False
        self._lock = asyncio.Lock()

    async def ensure(self) -> None:
        if self._ready:
            return
        async with self._lock:
            if not self._ready:
                async with self.pool.acquire() as conn, conn.transaction():
                    for statement in SCHEMA:
                        await conn.execute(statement)
                self._ready = True

    async def record(self, *, record_id: UUID, requested_id: UUID, read_by: str, read_by_name: str,
                     roles: list[str], unit: str | None, unmasked: bool, address: str | None,
                     forwarded_for: str | None, purpose: str | None, read_at: datetime) -> None:
        await self.ensure()
        await self.pool.execute(
            f"INSERT INTO history_reads ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            record_id, requested_id, read_by, read_by_name, sorted(roles), unit, unmasked, address,
            forwarded_for, mask_numbers(purpose) if purpose else None, read_at)  # no number typed in lies in clear

    async def trail(self, record_id: UUID, limit: int = 500, offset: int = 0) -> list[dict[str, Any]]:
        await self.ensure()
        rows = await self.pool.fetch(
            f"SELECT id, {_COLUMNS} FROM history_reads WHERE record_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
            record_id, limit, offset)
        return [dict(row) for row in rows]
