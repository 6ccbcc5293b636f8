"""One command's save on its own: the event store's insert of two events (a task command's
`Plan.TaskAdded` and `Task.Assigned`), its round trips and statements counted from libpq's
protocol trace (each `Sync` the client sends ends one round trip), and the CPU per save of the
calling thread, on embedded PostgreSQL.

    .venv/bin/python -m bench.save_round_trips [--saves 300] [--before DIR]

With `--before DIR`, the `servicekit/pgstore.py` of another tree (e.g. `git archive main`)
saves to the same table first, for a side-by-side figure; the chain is verified at the end.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore

from bench.servers import servers
from servicekit import pgstore

STATE = b'{"x":"' + b"a" * 600 + b'"}'  # about a task event with its trace


def events() -> list[StoredEvent]:
    return [StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic="bench:Event", state=STATE)
            for _ in range(2)]


def module_of(tree: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("pgstore_before", tree / "servicekit" / "pgstore.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules["pgstore_before"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(name: str, datastore: PostgresDatastore, insert: Callable[[list[StoredEvent]], object],
            saves: int, workdir: Path) -> None:
    for _ in range(10):  # past psycopg's threshold for preparing a statement
        insert(events())
    trace = workdir / f"{name}.trace"
    with trace.open("w") as out:
        with datastore.get_connection() as conn:
            conn.pgconn.trace(out.fileno())
        insert(events())
        with datastore.get_connection() as conn:
            conn.pgconn.untrace()
    sent = Counter(line.split("\t")[3].strip() for line in trace.read_text().splitlines() if "\tF\t" in line)
    cpu = time.thread_time()
    for _ in range(saves):
        insert(events())
    cpu = time.thread_time() - cpu
    print(f"{name:>7}: {sent['Sync']} round trips, {sent['Bind']} statements; "
          f"{cpu / saves * 1e6:,.0f} µs CPU per save ({saves} saves)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.save_round_trips", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--before", type=Path, metavar="DIR", help="a tree whose pgstore saves first")
    args = parser.parse_args()
    with servers(print) as found:
        parts = urlsplit(found.pg_dsn)
        datastore = PostgresDatastore(dbname=parts.path.lstrip("/") or "postgres", host=parts.hostname or "",
                                      port=parts.port or 5432, user=unquote(parts.username or ""),
                                      password=unquote(parts.password or ""), pool_size=1, max_overflow=0)
        try:
            recorder = pgstore.ChainedRecorder(datastore, events_table_name="bench_events", key=b"k", budget_s=10)
            recorder.create_table()
            if args.before:
                before = module_of(args.before).ChainedRecorder(datastore, events_table_name="bench_events",
                                                                key=b"k", budget_s=10)
                measure("before", datastore, before.insert_events, args.saves, found.workdir)
            measure("this", datastore, recorder.insert_events, args.saves, found.workdir)
            print("chain intact:", recorder.verify().intact)
        finally:
            datastore.close()


if __name__ == "__main__":
    main()
