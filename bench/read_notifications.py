"""The relay's read on its own: eventsourcing's `select_notifications` in pages of 500 on the
plan service's event store (embedded PostgreSQL), CPU and wall time per row.

    .venv/bin/python -m bench.read_notifications [--rows 3000] [--rounds 5]

Synthetic stored events of about 600 bytes (the size of a task event with its trace). The
figure to set beside the relay's profile, where the reading thread held the GIL ~50 µs per event.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from eventsourcing.persistence import StoredEvent

from bench.servers import servers
from bench.services_path import AUDIT_KEY, SECRET, Namespace
from servicekit.db import ensure_database
from servicekit.eventstore import postgres_env
from services.plan.application import Plans
from services.plan.settings import PlanSettings

PAGE = 500  # the relay's batch_size


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.read_notifications", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with servers(print) as found:
        settings = PlanSettings.model_validate({"pg_dsn": found.pg_dsn, "db_prefix": Namespace().prefix,
                                                "jwt_secret": SECRET, "audit_key": AUDIT_KEY})
        asyncio.run(ensure_database(settings))
        app = Plans(postgres_env(settings))
        try:
            state = b'{"x":"' + b"a" * 600 + b'"}'
            for start in range(0, args.rows, PAGE):
                app.recorder.insert_events([
                    StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic="bench:Event", state=state)
                    for _ in range(min(PAGE, args.rows - start))
                ])
            for _ in range(args.rounds):
                wall, cpu = time.perf_counter(), time.thread_time()
                rows, position = 0, 0
                while page := app.recorder.select_notifications(position, PAGE, inclusive_of_start=False):
                    rows, position = rows + len(page), page[-1].id
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                print(f"{rows} rows in pages of {PAGE}: {wall / rows * 1e6:.1f} µs wall, "
                      f"{cpu / rows * 1e6:.1f} µs CPU per row")
        finally:
            app.close()


if __name__ == "__main__":
    main()
