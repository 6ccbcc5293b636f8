"""What the web service keeps: sessions, failed sign-ins, public comments per address, and the
OIDC logins under way. No business data: everything shown comes from the services."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from servicekit.db import create_schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash text PRIMARY KEY, subject text NOT NULL, name text NOT NULL, unit text,
    roles text[] NOT NULL, csrf text NOT NULL, source text NOT NULL, id_token text,
    must_change_password boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS web_sessions_expiry ON web_sessions (expires_at);
CREATE TABLE IF NOT EXISTS web_login_failures (name text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS web_login_failures_name ON web_login_failures (name, at);
CREATE TABLE IF NOT EXISTS web_public_comments (address text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS web_public_comments_address ON web_public_comments (address, at);
CREATE TABLE IF NOT EXISTS web_oidc_logins (
    state text PRIMARY KEY, nonce text NOT NULL, verifier text NOT NULL, next text NOT NULL,
    created_at timestamptz NOT NULL);
"""


@dataclass(frozen=True)
class Person:
    """The signed-in person as the services will see them (the claims of the token minted)."""

    subject: str
    name: str
    unit: str | None
    roles: frozenset[str]
    csrf: str
    source: str = "local"
    must_change_password: bool = False
    id_token: str | None = None

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(role in self.roles for role in roles)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def migrate(self) -> None:
        await create_schema(self.pool, SCHEMA)

    async def open_session(self, person: Person, now: datetime, hours: float) -> str:
        """A new session; the returned token goes into the cookie, only its hash is stored."""
        token = secrets.token_urlsafe(32)
        await self.pool.execute(
            "INSERT INTO web_sessions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            _hash(token), person.subject, person.name, person.unit, sorted(person.roles), person.csrf,
            person.source, person.id_token, person.must_change_password, now, now + timedelta(hours=hours))
        return token

    async def person(self, token: str, now: datetime) -> Person | None:
        row = await self.pool.fetchrow("SELECT * FROM web_sessions WHERE token_hash = $1 AND expires_at > $2",
                                       _hash(token), now)
        if row is None:
            return None
        return Person(subject=row["subject"], name=row["name"], unit=row["unit"], roles=frozenset(row["roles"]),
                      csrf=row["csrf"], source=row["source"], must_change_password=row["must_change_password"],
                      id_token=row["id_token"])

    async def close_session(self, token: str) -> None:
        await self.pool.execute("DELETE FROM web_sessions WHERE token_hash = $1", _hash(token))

    async def password_changed(self, token: str) -> None:
        await self.pool.execute("UPDATE web_sessions SET must_change_password = false WHERE token_hash = $1",
                                _hash(token))

    async def failures(self, name: str, since: datetime) -> int:
        return int(await self.pool.fetchval(
            "SELECT count(*) FROM web_login_failures WHERE name = $1 AND at > $2", name, since))

    async def record_failure(self, name: str, now: datetime) -> None:
        await self.pool.execute("INSERT INTO web_login_failures VALUES ($1, $2)", name, now)

    async def clear_failures(self, name: str) -> None:
        await self.pool.execute("DELETE FROM web_login_failures WHERE name = $1", name)

    async def comment_allowed(self, address: str, now: datetime, per_hour: int) -> bool:
        """Record a public comment from `address` unless it already sent `per_hour` in the last hour."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", address)
            sent = await conn.fetchval("SELECT count(*) FROM web_public_comments WHERE address = $1 AND at > $2",
                                       address, now - timedelta(hours=1))
            if sent >= per_hour:
                return False
            await conn.execute("INSERT INTO web_public_comments VALUES ($1, $2)", address, now)
            return True

    async def begin_oidc(self, state: str, nonce: str, verifier: str, next_url: str, now: datetime) -> None:
        await self.pool.execute("INSERT INTO web_oidc_logins VALUES ($1, $2, $3, $4, $5)",
                                state, nonce, verifier, next_url, now)

    async def finish_oidc(self, state: str, now: datetime) -> dict[str, Any] | None:
        row = await self.pool.fetchrow("DELETE FROM web_oidc_logins WHERE state = $1 AND created_at > $2 "
                                       "RETURNING nonce, verifier, next", state, now - timedelta(minutes=10))
        return dict(row) if row else None

    async def sweep(self, now: datetime) -> None:
        """Forget expired sessions and old counters."""
        await self.pool.execute("DELETE FROM web_sessions WHERE expires_at < $1", now)
        await self.pool.execute("DELETE FROM web_login_failures WHERE at < $1", now - timedelta(days=1))
        await self.pool.execute("DELETE FROM web_public_comments WHERE at < $1", now - timedelta(days=1))
        await self.pool.execute("DELETE FROM web_oidc_logins WHERE created_at < $1", now - timedelta(hours=1))
