"""Dead letters: events a view or a consumer could not apply, kept with their reason so that the
service goes on with the next event and an operator can look and replay.

Views (the service's own projections, psycopg) and bus consumers (asyncpg) record them in one
table of the service's database; `/readyz` reports a service that has some as "degraded", not
down; `GET /admin/dead-letters` lists them and `POST /admin/dead-letters/{id}/replay` applies
one again (after a fix), through whoever recorded it (`tdkt dead-letters list|replay`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Protocol

import asyncpg
from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from servicekit import db
from servicekit.auth import Principal, Role, require
from servicekit.health import Degraded

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id bigserial PRIMARY KEY,
    source text NOT NULL,
    position bigint NOT NULL,
    subject text NOT NULL DEFAULT '',
    event_id text,
    reason text NOT NULL,
    attempts int NOT NULL DEFAULT 1,
    payload bytea,
    headers jsonb NOT NULL DEFAULT '{}',
    recorded_at timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    UNIQUE (source, position)
);
CREATE INDEX IF NOT EXISTS dead_letters_open ON dead_letters (source) WHERE replayed_at IS NULL;
"""

COLUMNS = ("source", "position", "subject", "event_id", "reason", "attempts", "payload", "headers")


def _insert(values: list[str]) -> str:
    # Recording the same event again (its replay failed once more) refreshes the reason.
    return (f"INSERT INTO dead_letters ({', '.join(COLUMNS)}) VALUES ({', '.join(values)}) "
            "ON CONFLICT (source, position) DO UPDATE SET reason = EXCLUDED.reason, "
            "attempts = EXCLUDED.attempts, recorded_at = now(), replayed_at = NULL")


RECORD = _insert([f"${i}" for i in range(1, len(COLUMNS))] + [f"${len(COLUMNS)}::jsonb"])  # asyncpg
RECORD_NAMED = _insert([f"%({column})s" for column in COLUMNS])  # psycopg


class DeadLetter(BaseModel):
    id: int
    source: str
    position: int
    subject: str
    event_id: str | None
    reason: str
    attempts: int
    recorded_at: datetime
    replayed_at: datetime | None


class ReplayResult(BaseModel):
    id: int
    replayed: bool
    error: str | None = None


class Replayer(Protocol):
    """Whoever recorded a dead letter applies it again; raises when it still fails."""

    async def replay(self, row: asyncpg.Record) -> None: ...


class DeadLetterNotFoundError(LookupError):
    """Raised when no dead letter has the id (HTTP 404)."""

    def __init__(self, letter_id: int) -> None:
        super().__init__(f"Không có thư chết số {letter_id}.")


class DeadLetters:
    """The service's dead letters in its database, and who can replay each source."""

    def __init__(self) -> None:
        self.replayers: dict[str, Replayer] = {}
        self._pool: asyncpg.Pool | None = None

    async def open(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        await create_schema(pool)

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "dead letters not opened"
        return self._pool

    def register(self, source: str, replayer: Replayer) -> None:
        self.replayers[source] = replayer

    async def open_count(self, source: str | None = None) -> int:
        return int(await self.pool.fetchval(
            "SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL AND ($1::text IS NULL OR source = $1)",
            source))

    def status(self, source: str) -> Any:
        """A readiness status: degraded while `source` has dead letters not replayed."""

        async def check() -> str | None:
            count = await self.open_count(source)
            return Degraded(f"{count} thư chết chưa xử lý (tdkt dead-letters list)") if count else None

        return check

    async def list(self, *, include_replayed: bool = False, limit: int = 200) -> list[DeadLetter]:
        rows = await self.pool.fetch(
            "SELECT * FROM dead_letters WHERE $1 OR replayed_at IS NULL ORDER BY id LIMIT $2",
            include_replayed, limit)
        return [DeadLetter(**{k: v for k, v in dict(row).items() if k in DeadLetter.model_fields}) for row in rows]

    async def replay(self, letter_id: int) -> ReplayResult:
        row = await self.pool.fetchrow("SELECT * FROM dead_letters WHERE id = $1", letter_id)
        if row is None:
            raise DeadLetterNotFoundError(letter_id)
        replayer = self.replayers.get(row["source"])
        if replayer is None:
            return ReplayResult(id=letter_id, replayed=False, error=f"nguồn '{row['source']}' không chạy ở đây")
        try:
            await replayer.replay(row)
        except Exception as error:
            return ReplayResult(id=letter_id, replayed=False, error=f"{type(error).__name__}: {error}"[:2000])
        await self.pool.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = $1", letter_id)
        return ReplayResult(id=letter_id, replayed=True)


async def create_schema(pool: asyncpg.Pool) -> None:
    """The table, once."""
    await db.create_schema(pool, SCHEMA)


async def record(conn: asyncpg.Connection | asyncpg.Pool, *, source: str, position: int, subject: str,
                 event_id: str | None, reason: str, attempts: int = 1, payload: bytes | None = None,
                 headers: dict[str, str] | None = None) -> None:
    await conn.execute(RECORD, source, position, subject, event_id, reason[:4000], attempts, payload,
                       json.dumps(headers or {}))


def _letters(request: Request) -> DeadLetters:
    letters: DeadLetters = request.app.state.runtime.dead_letters
    return letters


LettersDep = Annotated[DeadLetters, Depends(_letters)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
router = APIRouter(prefix="/admin/dead-letters", tags=["admin"])


@router.get("")
async def list_dead_letters(letters: LettersDep, _: Admin, include_replayed: bool = False) -> list[DeadLetter]:
    """Events this service could not apply, with the reason (oldest first)."""
    return await letters.list(include_replayed=include_replayed)


@router.post("/{letter_id}/replay")
async def replay_dead_letter(letters: LettersDep, _: Admin,
                             letter_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> ReplayResult:
    """Apply a dead letter again (after a fix); it stays listed when it still fails."""
    return await letters.replay(letter_id)
