"""What the nomination service's look at the stored units hierarchy costs (`Hierarchy.current`:
every replica reads the version of the hierarchy's last stored event before it routes a dossier or
names a unit, so that a replacement made on another replica counts at once).

Prints, from the same run on the same database: the route of a unit read from memory only (what
each use cost before), the route after the look at the store, and the raw limit beside them, a bare
`SELECT 1` round trip from the same connection pool.

Run: `python -m bench.units_check [--calls 3000]` (embedded PostgreSQL unless TDKT_PG_DSN is set).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.servers import servers
from servicekit.auth import Principal, Role
from services.nomination.application import Nominations
from services.nomination.units import Hierarchy, Unit, UnitFile, UnitTree

UNITS = Path(__file__).resolve().parents[1] / "services" / "nomination" / "data" / "units.yaml"


def _env(dsn: str) -> dict[str, str]:
    parts = urlsplit(dsn)
    return {"PERSISTENCE_MODULE": "servicekit.pgstore:Factory", "AUDIT_KEY": "bench-units-check",
            "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres", "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432), "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""), "POSTGRES_POOL_SIZE": "2"}


def _timed(call: Callable[[], object], calls: int) -> str:
    """Wall-clock p50 and p99 of one call, and this process's CPU time per call."""
    spent = []
    cpu = time.process_time_ns()
    for _ in range(calls):
        start = time.perf_counter_ns()
        call()
        spent.append(time.perf_counter_ns() - start)
    cpu = time.process_time_ns() - cpu
    spent.sort()
    return (f"wall p50 {spent[len(spent) // 2] / 1000:8.1f} µs, p99 {spent[int(len(spent) * 0.99)] / 1000:8.1f} µs; "
            f"CPU {cpu / calls / 1000:7.1f} µs/call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    calls = parser.parse_args().calls
    with servers(print) as found:
        app = Nominations(env=_env(found.pg_dsn))
        hierarchy = Hierarchy(app, UnitTree.from_file(UNITS))
        tree = hierarchy.tree
        code = next(u.code for u in tree.units() if u.parent is not None)
        admin = Principal(subject="bench", unit=None, roles=frozenset({Role.ADMIN}))
        moved = [Unit(code=u.code, name=u.name, parent=u.parent) for u in tree.units()]
        hierarchy.replace(admin, UnitFile(version=tree.version + 1, source="bench", units=moved),
                          datetime.now(UTC))  # a stored hierarchy, as after an admin's replacement
        datastore = app.recorder.datastore  # type: ignore[attr-defined]

        def select_one() -> None:
            with datastore.transaction(commit=False) as curs:
                curs.execute("SELECT 1")

        print(f"{calls} calls each, unit {code}:")
        print(f"  route from memory only (before)      {_timed(lambda: tree.route(code), calls)}")
        print(f"  route after the look at the store    {_timed(lambda: hierarchy.route(code), calls)}")
        print(f"  raw limit: SELECT 1 round trip       {_timed(select_one, calls)}")
        app.close()


if __name__ == "__main__":
    main()
