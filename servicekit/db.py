"""PostgreSQL helpers shared by services: create a service's database and its tables, open a pool."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from servicekit.leader import lock_key
from servicekit.settings import ServiceSettings

_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(hashtext('tdkt:schema'))"


async def ensure_database(settings: ServiceSettings) -> None:
    """Create the service's database when it does not exist yet (idempotent)."""
    name = settings.database_name
    conn = await asyncpg.connect(settings.dsn_for("postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):  # another replica was first
                pass
            except asyncpg.InsufficientPrivilegeError:
                raise RuntimeError(f"Cơ sở dữ liệu {name} chưa có và vai trò của dịch vụ không được tạo: "
                                   "hãy chạy bước migrate (tdkt migrate) bằng tài khoản quản trị.") from None
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def replicas_one_at_a_time(settings: ServiceSettings, what: str) -> AsyncIterator[None]:
    """Hold a session advisory lock (taken in the maintenance database, which exists before the
    service's own) while one replica does `what`: replicas starting together create their
    database and tables one after the other instead of tripping over each other's
    `CREATE ... IF NOT EXISTS`."""
    conn = await asyncpg.connect(settings.dsn_for("postgres"))
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", lock_key(f"{settings.database_name}:{what}"))
        yield
    finally:
        await conn.close()  # frees the lock


async def open_pool(settings: ServiceSettings, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.dsn_for(), min_size=min_size, max_size=max_size, command_timeout=30
    )
    assert pool is not None
    return pool


async def lock_schema(conn: asyncpg.Connection) -> None:
    """Take the database's schema lock until the end of the current transaction."""
    await conn.execute(_SCHEMA_LOCK)


async def create_schema(db: asyncpg.Pool | asyncpg.Connection, *statements: str) -> None:
    """Run a module's CREATE … IF NOT EXISTS statements in one transaction under one lock per
    database: PostgreSQL does not make them atomic, so two consumers or two replicas starting
    together would otherwise fail on each other's half-created table."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            await create_schema(conn, *statements)
        return
    async with db.transaction():
        await lock_schema(db)
        for statement in statements:
            await db.execute(statement)
