"""A unit's spreadsheet of nominees to dossiers, beside PostgreSQL's commit rates of the same run.

    .venv/bin/python -m bench.bulk                 # 5,000 rows
    .venv/bin/python -m bench.bulk --rows 50000    # the issue's memory figure
    .venv/bin/python -m bench.bulk --profile gil   # py-spy of both services, into bench/results/

It starts its own PostgreSQL and nats-server (bench/servers.py) or uses TDKT_PG_DSN/TDKT_NATS_URL,
runs the nomination and reporting services as processes, and uploads one spreadsheet of
`--rows` nominees (`POST /submissions/spreadsheet`, a unit clerk of SGDDT). It prints: the
upload's answer time (every row read and checked, its nominee's record found or made, its dossier
saved; the eligibility rules are not run at upload: they run at appraisal),
rows per second to the answer and to the last dossier in the reporting read model (on the bus,
applied), beside PostgreSQL's single-row commits/s on 1 and 8 connections, the CPU seconds the
nomination and reporting services spent from the upload to the last dossier (per dossier: less
bent than wall time by others' load on the machine), and the peak resident memory (VmHWM) of
the services. Goal of the issue: ≥ 2,000 rows/s or ≥ 0.25 × the
8-connection commit rate; the service under 300 MB at 50,000 rows. Nothing passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import openpyxl

from bench.procstat import cpu_seconds, peak_rss_mb
from bench.raw import jetstream_limits, postgres_limits
from bench.servers import servers
from bench.services_path import AUDIT_KEY, SECRET, Namespace, Profiler, Service, dsn_for, wait_ready
from bench.stats import Table
from servicekit.auth import issue_token
from services.nomination.dossiers.bulk import COLUMNS
from tdkt.embedded import free_ports

RESULTS = Path(__file__).with_name("results")
RECORD_KEY = "bench-record-key-of-the-tdkt-nomination-service"
UNIT = "SGDDT"
FAMILY, MIDDLE, GIVEN = ("Nông", "Hoàng", "Lục", "Đàm", "Bế", "Triệu", "Lãnh", "Ma"), ("Văn", "Thị", "Đức", "Thu"), (
    "Hoa", "Dũng", "Lan", "Tài", "Mai", "Bình", "Quân", "Hằng", "Sơn", "Yến")


def nominee_name(n: int) -> str:
    """A different full name for each row, without digits."""
    parts = [FAMILY[n % 8], MIDDLE[(n // 8) % 4], GIVEN[(n // 32) % 10]]
    extra, n = [], n // 320
    while n:
        extra.append(GIVEN[n % 10])
        n //= 10
    return " ".join(parts + extra)


def spreadsheet(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách đề nghị")
    sheet.append(COLUMNS)
    for n in range(1, rows + 1):
        sheet.append([n, "LDTT", 2025, "cong_trang", "Cá nhân", nominee_name(n), "",
                      f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1970 + n % 30}", "Nữ" if n % 2 else "Nam",
                      "Giáo viên", "Hoàn thành tốt nhiệm vụ", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _visible(dsn: str, expected: int, timeout: float) -> float:
    """When the reporting read model holds `expected` dossiers of the unit (time.time())."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await conn.fetchval("SELECT count(*) FROM report_dossiers WHERE unit_code = $1", UNIT) >= expected:
                return time.time()
            await asyncio.sleep(0.1)
        raise TimeoutError(f"the reporting read model did not reach {expected} dossiers")
    finally:
        await conn.close()


def run(rows: int, raw_seconds: float, profile: str | None = None) -> Table:
    table = Table()
    data = spreadsheet(rows)
    with servers(print) as found:
        ns, work = Namespace(), Path(tempfile.mkdtemp(prefix="tdkt-bench-bulk-"))
        ports = dict(zip(("nomination", "reporting"), free_ports(2), strict=True))
        env = {**os.environ, "TDKT_PG_DSN": found.pg_dsn, "TDKT_NATS_URL": found.nats_url,
               "TDKT_DB_PREFIX": ns.prefix, "TDKT_SUBJECT_ROOT": ns.root, "TDKT_STREAM": ns.stream,
               "TDKT_JWT_SECRET": SECRET, "TDKT_AUDIT_KEY": AUDIT_KEY, "TDKT_LOG_LEVEL": "WARNING",
               "TDKT_NOMINATION_RECORD_KEY": RECORD_KEY, "TDKT_NOMINATION_DOCUMENTS_DIR": str(work / "documents"),
               "TDKT_NOMINATION_PORT": str(ports["nomination"]), "TDKT_REPORTING_PORT": str(ports["reporting"])}
        services = {name: Service(name, env, work / f"{name}.log") for name in ports}
        try:
            for service in services.values():
                service.start()
            asyncio.run(wait_ready({n: (s, f"http://127.0.0.1:{ports[n]}") for n, s in services.items()}))
            limits = asyncio.run(postgres_limits(found.pg_dsn, raw_seconds, print))
            table.add("raw limit", "PostgreSQL single-row commits/s, 1 connection", limits["pg_commits_per_s_1conn"])
            table.add("raw limit", "PostgreSQL single-row commits/s, 8 connections", limits["pg_commits_per_s_8conn"])
            js = asyncio.run(jetstream_limits(found.nats_url, raw_seconds, print, default_sync_dir=None))
            bus = js["js_sync_always_256_in_flight_per_s"]
            table.add("raw limit", "JetStream publishes/s, 256 in flight (sync_interval: always)", bus,
                      f"{3 * rows / bus:.1f} s for versions 1, 2 and 3 of every NominationCreated")
            token = issue_token(SECRET, subject="canbo.sgddt", roles=["unit_clerk"], unit=UNIT)
            print(f"uploading {rows:,} rows ({len(data) / 1e6:.1f} MB)")
            profiler = Profiler(RESULTS if profile else None, profile or "active", label=f"bulk{rows}")
            profiler.start({name: service.pid for name, service in services.items()})
            cpu_before = {name: cpu_seconds(service.pid) for name, service in services.items()}
            with httpx.Client(timeout=3600, headers={"Authorization": f"Bearer {token}"}) as http:
                started = time.time()
                response = http.post(f"http://127.0.0.1:{ports['nomination']}/submissions/spreadsheet",
                                     data={"title": "Tờ trình 99/TTr-SGDĐT", "year": "2025"},
                                     files={"file": ("danh-sach.xlsx", data, "application/octet-stream")})
                answered = time.time()
            response.raise_for_status()
            outcome = response.json()
            created = outcome["created"]
            visible = asyncio.run(_visible(dsn_for(found.pg_dsn, f"{ns.prefix}reporting"), created,
                                           max(120.0, rows / 20)))
            cpu = {name: cpu_seconds(service.pid) - cpu_before[name] for name, service in services.items()}
            for written in profiler.stop():
                table.add("profile", "py-spy samples", written)
            eight = limits["pg_commits_per_s_8conn"]
            saved_rate, e2e_rate = rows / (answered - started), created / (visible - started)
            table.add("upload", "rows / dossiers created / errors",
                      f"{outcome['rows']:,} / {created:,} / {len(outcome['errors'])}")
            table.add("upload", "answer: read, checked, saved, s", f"{answered - started:.1f}",
                      f"{saved_rate:,.0f} rows/s = {saved_rate / eight:.2f} × 8-connection commits")
            table.add("upload", "to the last dossier in the reporting read model, s", f"{visible - started:.1f}",
                      f"{e2e_rate:,.0f} rows/s = {e2e_rate / eight:.2f} × 8-connection commits "
                      "(goal ≥ 2,000 rows/s or ≥ 0.25)")
            for name in ("nomination", "reporting"):  # less bent by others' load than the seconds above
                table.add("cpu", f"{name} service CPU to the last dossier, s", f"{cpu[name]:.1f}",
                          f"{1000 * cpu[name] / max(created, 1):.2f} ms per dossier")
            table.add("memory", "nomination service peak RSS (VmHWM), MB", peak_rss_mb(services["nomination"].pid),
                      "goal at 50,000 rows: < 300 MB")
            table.add("memory", "reporting service peak RSS (VmHWM), MB", peak_rss_mb(services["reporting"].pid))
        finally:
            for service in services.values():
                service.stop()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000, help="nominees in the spreadsheet (5000)")
    parser.add_argument("--raw-seconds", type=float, default=2.0, help="seconds per raw-limit figure (2)")
    parser.add_argument("--profile", nargs="?", const="active", choices=["active", "gil"],
                        help="sample both services with py-spy from the upload to the last dossier, into "
                             "bench/results/ (active: threads not idle; gil: the thread holding the GIL)")
    args = parser.parse_args()
    print(run(args.rows, args.raw_seconds, args.profile).render())


if __name__ == "__main__":
    main()
