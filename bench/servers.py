"""The PostgreSQL and nats-server the benchmark runs against: TDKT_PG_DSN / TDKT_NATS_URL when
set, else embedded servers (tdkt.embedded) in a temporary folder, removed at the end."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tdkt.embedded import EmbeddedNats, EmbeddedPostgres, free_port


@dataclass
class Servers:
    pg_dsn: str
    nats_url: str
    workdir: Path
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None

    @property
    def embedded(self) -> bool:
        return self.postgres is not None

    def pids(self) -> dict[str, tuple[int, bool]]:
        """Processes to meter: PostgreSQL with its backends, nats-server."""
        found: dict[str, tuple[int, bool]] = {}
        if self.postgres is not None and self.postgres.process is not None:
            found["postgresql"] = (self.postgres.process.pid, True)
        if self.nats is not None and self.nats.process is not None:
            found["nats-server"] = (self.nats.process.pid, False)
        return found


async def _pg_setting(dsn: str, name: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval(f"SHOW {name}"))
    finally:
        await conn.close()


async def _enable_commit_timestamps(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("ALTER SYSTEM SET track_commit_timestamp = on")
    finally:
        await conn.close()


def commit_timestamps_on(dsn: str) -> bool:
    return asyncio.run(_pg_setting(dsn, "track_commit_timestamp")) == "on"


@contextlib.contextmanager
def servers(say: Callable[[str], None]) -> Iterator[Servers]:
    workdir = Path(tempfile.mkdtemp(prefix="tdkt-bench-"))
    workdir.chmod(0o755)  # reachable by the unprivileged user PostgreSQL runs as under root
    found = Servers(pg_dsn=os.environ.get("TDKT_PG_DSN", ""), nats_url=os.environ.get("TDKT_NATS_URL", ""),
                    workdir=workdir)
    try:
        if not found.pg_dsn:
            say("starting embedded PostgreSQL (fsync=on, synchronous_commit=on, track_commit_timestamp=on)")
            postgres = EmbeddedPostgres(workdir / "pg", free_port()).start()
            found.postgres = postgres
            # Commit timestamps give the exact moment each read-model row committed (see README).
            asyncio.run(_enable_commit_timestamps(postgres.dsn))
            postgres.stop()
            postgres.start()
            found.pg_dsn = postgres.dsn
        else:
            say(f"using PostgreSQL at TDKT_PG_DSN={found.pg_dsn}")
        if not found.nats_url:
            say("starting embedded nats-server (JetStream sync_interval: always)")
            found.nats = EmbeddedNats(workdir / "nats", free_port(), sync_always=True).start()
            found.nats_url = found.nats.admin_url  # the embedded server asks for credentials
        else:
            say(f"using NATS at TDKT_NATS_URL={found.nats_url}")
        yield found
    finally:
        for server in (found.nats, found.postgres):
            if server is not None:
                with contextlib.suppress(Exception):
                    server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
