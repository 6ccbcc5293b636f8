"""The period answer's Python: CPU per `GET /reports/period` JSON answer built in-process over a
database with many awarded dossiers, the service's trees compared interleaved (A B A B …).

```
.venv/bin/python -m bench.period_answer --awards 100000 --units 5000 --rounds 20 --tree /tmp/base --tree .
```

The dossiers are inserted by SQL (a diagnosis of the answer's build, not of the projection);
each round builds the answer of each period once per tree, in a child process running that
tree's `services.reporting`, and prints the child's CPU (Python: building the figures, their
links, validation, JSON) beside its wall time (SQL waits included). The answers of every tree
must be the same bytes, else it says so. `--profile FILE` writes a cProfile of one tree's builds.

Each child first answers every period once (untimed), then, before each timed answer, changes one
award decided in the period's last month: the answer is built at a new position where that month
changed, as after a decision (a tree that keeps the months counted earlier counts that one again).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg

PERIODS = ("2026", "2026-H1", "2026-Q3", "2025-03-01..2026-02-28")
CHILD = """
import asyncio, cProfile, json, sys, time
import asyncpg
from services.reporting import figures, snapshots
from services.reporting.periods import parse

stamp = getattr(snapshots, "stamped", lambda body, position: {**body, "position": position})
TOUCH = ("UPDATE report_dossiers SET updated_at = now() WHERE dossier_id = (SELECT dossier_id FROM report_dossiers "
         "WHERE decided_on BETWEEN date_trunc('month', $1::date) AND $1 AND decision_number IS NOT NULL "
         "AND NOT revoked LIMIT 1)")

async def main(dsn, rounds, profile):
    conn = await asyncpg.connect(dsn)
    position = {"complete_through": 200200, "stream_last": 200200, "consumers": {"dossiers": 200200}}
    out, answers = {}, {}
    prof = cProfile.Profile() if profile else None
    blocks = getattr(figures, "blocks", None)  # the months kept between answers, in a tree that has them
    kept = (blocks.AwardMonths(),) if blocks else ()
    for code in sys.argv[4].split(","):
        period = parse(code)
        cpu, wall = [], []
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            await figures.report(conn, period, *kept)  # the answers before: the months they counted are kept
        for _ in range(rounds):
            # a new position: an award decided in the period's last month changes (its month is counted again)
            await conn.execute(TOUCH, period.end)
            keeper = snapshots.Snapshots()
            c0, w0 = time.process_time(), time.perf_counter()
            if prof: prof.enable()
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                body = stamp(await figures.report(conn, period, *kept), position)
            key = (code, 1)
            keeper.put(key, body)
            answer = keeper.json(key, body)
            if prof: prof.disable()
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        out[code], answers[code] = (cpu, wall), answer.decode()
    if prof: prof.dump_stats(profile)
    print(json.dumps({"times": out, "answers": answers}))
    await conn.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
"""


async def fill(dsn: str, awards: int, units: int) -> None:
    from servicekit.db import create_schema
    from services.reporting import blocks, dossiers, outcomes, priority_groups, projection, store, tallies, wider

    conn = await asyncpg.connect(dsn)
    try:
        await create_schema(conn, projection.SCHEMA, dossiers.SCHEMA, priority_groups.SCHEMA, tallies.SCHEMA,
                            blocks.SCHEMA, wider.SCHEMA, outcomes.SCHEMA, store.SCHEMA)
        if await conn.fetchval("SELECT count(*) FROM report_dossiers"):
            return
        # a year of 120 tasks (as bench.reports), each led by a unit; awards over 10 years for every unit
        await conn.execute(
            "INSERT INTO report_tasks (task_id, plan_id, plan_number, year, quarter, number, title, due_date, "
            "status, version, late, updated_at) SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', "
            "'KH-1', 2026, 1 + (i % 4), i, 'Nhiệm vụ ' || i, date '2026-01-15' + (i % 4) * 90, "
            "(ARRAY['assigned', 'completed', 'overdue'])[1 + i % 3], 1, i % 5 = 0, now() "
            "FROM generate_series(1, 120) AS i")
        await conn.execute(
            "INSERT INTO report_task_units SELECT task_id, 'DV' || lpad((1 + number * 37 % $1)::text, 4, '0'), "
            "'Đơn vị số ' || number, 'lead', 0 FROM report_tasks", units)
        # In chunks, each its own transaction: the per-year tallies' triggers update the same few rows
        # for every dossier, and a chain of versions of one row within a transaction grows with it.
        for first in range(1, awards + 1, CHUNK):
            await _insert_awards(conn, first, min(first + CHUNK - 1, awards), units)
            print(f"… {min(first + CHUNK - 1, awards):,} of {awards:,} dossiers inserted", file=sys.stderr, flush=True)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


CHUNK = 20_000


async def _insert_awards(conn: asyncpg.Connection, first: int, last: int, units: int) -> None:
    await conn.execute(
        "INSERT INTO report_dossiers (dossier_id, version, state, unit_code, award_code, year, nominee_kind, "
        "nominee_ref, nominee_name, decision_number, decided_on, signed_by, central, award_name, "
        "award_category, award_level, cash_amount, nominee_gender, nominee_leadership, updated_at) "
        "SELECT gen_random_uuid(), 2, 'decided', 'DV' || lpad((1 + i % $2)::text, 4, '0'), "
        "(ARRAY['BKT', 'CSTDCS', 'GK', 'LDTT'])[1 + i % 4], 2017 + (i % 10), "
        "CASE WHEN i % 4 = 0 THEN 'tap_the' ELSE 'ca_nhan' END, 'r' || i, 'Người ' || i, i || '/QĐ', "
        "date '2017-01-01' + (i % 3650), 'Chủ tịch', i % 50 = 0, "
        "(ARRAY['Bằng khen của Chủ tịch UBND tỉnh', 'Chiến sĩ thi đua cơ sở', 'Giấy khen', "
        "'Lao động tiên tiến'])[1 + i % 4], "
        "(ARRAY['bang_khen', 'danh_hieu_thi_dua', 'giay_khen', 'danh_hieu_thi_dua'])[1 + i % 4], "
        "(ARRAY['tinh', 'co_so', 'co_so', 'co_so'])[1 + i % 4], 1000000 + (i % 7) * 100000, "
        "CASE WHEN i % 3 = 0 THEN 'nu' END, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END, now() "
        "FROM generate_series($1::int, $3::int) AS i", first, units, last)


def child(tree: Path, dsn: str, rounds: int, periods: str, profile: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    done = subprocess.run(["nice", "-n", "10", sys.executable, "-c", CHILD, dsn, str(rounds), profile, periods],
                          cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--awards", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=10, help="A/B alternations")
    parser.add_argument("--per-round", type=int, default=3, help="builds per period in each child")
    parser.add_argument("--tree", action="append", type=Path, help="a source tree to run (repeat: A, B, …)")
    parser.add_argument("--dsn", help="a PostgreSQL database to fill and use, else an embedded server")
    parser.add_argument("--profile", default="", help="write a cProfile of the first tree's builds here")
    args = parser.parse_args()
    trees = args.tree or [Path(".")]
    server = None
    dsn = args.dsn
    if dsn is None:
        from tdkt.embedded import EmbeddedPostgres, free_port

        base = Path(tempfile.mkdtemp(prefix="period-answer-"))
        base.chmod(0o755)
        server = EmbeddedPostgres(base / "pg", free_port()).start()
        dsn = server.dsn
    try:
        asyncio.run(fill(dsn, args.awards, args.units))
        periods = ",".join(PERIODS)
        if args.profile:
            child(trees[0], dsn, args.per_round, periods, args.profile)
        cpu: dict[str, list[float]] = {str(t): [] for t in trees}
        wall: dict[str, list[float]] = {str(t): [] for t in trees}
        answers: dict[str, dict[str, str]] = {}
        for _ in range(args.rounds):
            for tree in trees:
                got = child(tree, dsn, args.per_round, periods, "")
                answers[str(tree)] = got["answers"]
                for c, w in got["times"].values():
                    cpu[str(tree)] += c[1:]  # the first build of a child warms its imports
                    wall[str(tree)] += w[1:]
        print(f"{args.awards:,} awards, {args.units:,} units, periods {periods}")
        for tree in trees:
            c, w = cpu[str(tree)], wall[str(tree)]
            high = sorted(w)[max(0, round(0.99 * len(w)) - 1)]
            print(f"{tree}: CPU per answer ms p50 {1000 * statistics.median(c):.1f} mean "
                  f"{1000 * statistics.fmean(c):.1f}; wall ms p50 {1000 * statistics.median(w):.1f} "
                  f"p99 {1000 * high:.1f} (n={len(c)})")
        first = answers[str(trees[0])]
        for tree in trees[1:]:
            same = all(json.loads(first[p]) == json.loads(answers[str(tree)][p]) for p in PERIODS)
            bytes_same = first == answers[str(tree)]
            print(f"{tree}: answers JSON-equal to {trees[0]}: {same}; byte-equal: {bytes_same}")
            for p in PERIODS:
                a, b = first[p], answers[str(tree)][p]
                at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
                if a != b:
                    print(f"  {p}: first difference at {at}: {a[at - 80:at + 80]!r} / {b[at - 80:at + 80]!r}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
