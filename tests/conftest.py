"""Real PostgreSQL and NATS JetStream for the integration tiers: the ones named by
TDKT_PG_DSN / TDKT_NATS_URL, else embedded servers started once for the session. Every test
gets its own databases (a prefix) and its own stream and subjects."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.js.errors import NotFoundError

from tdkt.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from tests.support import Namespace


@pytest.fixture(scope="session")
def servers() -> Iterator[tuple[str, str]]:
    pg_dsn = os.environ.get("TDKT_PG_DSN")
    nats_url = os.environ.get("TDKT_NATS_URL")
    base = Path(tempfile.mkdtemp(prefix="tdkt-test-"))
    base.chmod(0o755)  # reachable by the unprivileged user PostgreSQL runs as under root
    started: list[EmbeddedPostgres | EmbeddedNats] = []
    try:
        if not pg_dsn:
            postgres = EmbeddedPostgres(base / "pg", free_port()).start()
            started.append(postgres)
            pg_dsn = postgres.dsn
        if not nats_url:
            nats = EmbeddedNats(base / "nats", free_port()).start()
            started.append(nats)
            nats_url = nats.admin_url  # the tests' own servers ask for credentials too
        yield pg_dsn, nats_url
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
async def ns(servers: tuple[str, str]) -> AsyncIterator[Namespace]:
    pg_dsn, nats_url = servers
    uid = uuid.uuid4().hex[:10]
    namespace = Namespace(pg_dsn=pg_dsn, nats_url=nats_url, db_prefix=f"t{uid}_",
                          subject_root=f"t{uid}", stream=f"T{uid}")
    yield namespace
    await _drop(namespace)


async def _drop(namespace: Namespace) -> None:
    conn = await asyncpg.connect(namespace.pg_dsn)
    try:
        names = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                 namespace.db_prefix + "%")
        for row in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        roles = await conn.fetch("SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY rolname DESC",
                                 namespace.db_prefix + "%")
        for row in roles:  # the login roles before their owners ("t…_plan" sorts before "t…_plan_owner")
            await conn.execute(f'DROP ROLE IF EXISTS "{row["rolname"]}"')
    finally:
        await conn.close()
    nc = await nats.connect(namespace.nats_url)
    try:
        with contextlib.suppress(NotFoundError):
            await nc.jetstream().delete_stream(namespace.stream)
    finally:
        await nc.close()
