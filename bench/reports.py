"""How fast the reports are built from a long history, beside raw limits measured in the same run.

    .venv/bin/python -m bench.reports                      # 20,000 awards over 10 years, 500 units
    .venv/bin/python -m bench.reports --awards 2000 --units 100 --rounds 5   # a quick look

It starts its own PostgreSQL and nats-server (bench/servers.py) or uses TDKT_PG_DSN/TDKT_NATS_URL,
runs the reporting service as a process, and loads a synthetic history **through the events**:
each award is a NominationCreated and an AwardDecided on the bus, as the nomination service
publishes them, decided over `--years` years for `--units` units; plus a year of plan tasks.
Then it prints: JetStream publish rate of that history (raw limit: publish+ack, 256 in flight),
rebuild rate (events applied per second after POST /admin/rebuild, from sequence 1; the reset and
the replay apart; the service's CPU per event; `--profile` samples it with py-spy), the period
report's JSON p50/p99 for a year — built from the read models (one new event before each
request, a dossier opened; then a dossier opened and decided in the year, which changes a month
of it; the service builds a period readers come back to ahead of them), a range of days never
asked before (built on the request), and kept for its position (asked again) — beside the raw
limit of one grouped SQL count over the same year, and the time to make the annual report's DOCX,
XLSX and PDF and form 0603.
Goal of the issue on a 2-core machine: JSON p99 ≤ 200 ms, each annual document ≤ 2 s. Nothing
passes or fails; figures move between runs on a shared machine: compare ratios of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import nats

from bench.procstat import CpuMeter
from bench.raw import postgres_limits
from bench.servers import servers
from bench.services_path import Namespace, Profiler, Service, wait_ready
from bench.stats import Table, fmt, latency_text, summary
from contracts import IntegrationEvent, wrap
from contracts import nomination as c
from contracts import plan as p
from servicekit.auth import issue_token
from tdkt.embedded import free_port

SECRET = "bench-signing-key-of-at-least-32-bytes!"
AWARDS = [("BKT", "Bằng khen của Chủ tịch UBND tỉnh", "bang_khen", "tinh", 7_590_000),
          ("CSTDT", "Chiến sĩ thi đua cấp tỉnh", "danh_hieu_thi_dua", "tinh", 7_590_000),
          ("CSTDCS", "Chiến sĩ thi đua cơ sở", "danh_hieu_thi_dua", "co_so", 2_530_000),
          ("LDTT", "Lao động tiên tiến", "danh_hieu_thi_dua", "co_so", 760_000),
          ("GK", "Giấy khen", "giay_khen", "co_so", 1_520_000),
          ("HCLD3", "Huân chương Lao động hạng Ba", "huan_chuong", "nha_nuoc", None)]
KINDS = ["ca_nhan", "ca_nhan", "ca_nhan", "tap_the", "ho_gia_dinh", "doanh_nghiep"]


def _award(rng: random.Random, index: int, units: int, first_year: int, years: int) -> list[IntegrationEvent]:
    code, name, category, level, cash = AWARDS[rng.randrange(len(AWARDS))]
    unit = f"DV{rng.randrange(units):04d}"
    decided = date(first_year, 1, 1) + timedelta(days=rng.randrange(365 * years))
    common: dict[str, Any] = {
        "dossier_id": uuid4(), "unit_code": unit, "award_code": code, "award_name": name,
        "year": max(first_year, decided.year - 1),
        "nominee": {"kind": rng.choice(KINDS), "ref": f"r{index}", "name": f"Đối tượng {index}", "unit_code": unit}}
    at = datetime(decided.year, decided.month, decided.day, 2, tzinfo=UTC)
    created = c.NominationCreated(event_id=uuid4(), occurred_at=at - timedelta(days=30), dossier_version=1,
                                  state="draft", basis="cong_trang", simplified=False, posthumous=False, **common)
    decision = c.AwardDecided(event_id=uuid4(), occurred_at=at, dossier_version=2, state="decided",
                              award_category=category, award_level=level, decision_number=f"{index}/QĐ-UBND",
                              decided_on=decided, signed_by="Chủ tịch UBND tỉnh", central=level == "nha_nuoc",
                              cash_amount=cash, **{**common, "award_name": name})
    return [created, decision]


def _tasks(rng: random.Random, year: int, units: int) -> list[IntegrationEvent]:
    plan_id = uuid4()
    events: list[IntegrationEvent] = []
    for number in range(1, 121):
        quarter = (number - 1) // 30 + 1
        due = date(year, 3 * quarter, 28)
        lead = [{"code": f"DV{rng.randrange(units):04d}", "name": "Đơn vị"}]
        common: dict[str, Any] = {"task_id": uuid4(), "plan_id": plan_id, "plan_number": "157/KH-UBND", "year": year,
                                  "quarter": quarter, "number": number, "title": f"Nhiệm vụ {number}",
                                  "due_date": due, "lead_units": lead, "coordinating_units": []}
        at = datetime(year, 1, 5, 2, tzinfo=UTC)
        events.append(p.TaskAssigned(event_id=uuid4(), occurred_at=at, task_version=1, assigned_by="bench",
                                     **common))
        if number % 3:
            events.append(p.TaskCompleted(
                event_id=uuid4(), occurred_at=at, task_version=2, document_ref="1/BC-UBND", completed_on=due,
                late=number % 3 == 2, completed_by="bench",
                **{k: v for k, v in common.items() if k not in ("due_date", "coordinating_units")}))
    return events


def _history(awards: int, units: int, first_year: int, years: int) -> Iterator[IntegrationEvent]:
    """The synthetic history, made as it is published (a million awards do not fit in memory as objects)."""
    rng = random.Random(11)
    for index in range(awards):
        yield from _award(rng, index, units, first_year, years)
    yield from _tasks(rng, first_year + years - 1, units)


async def _publish(url: str, root: str, events: Iterable[IntegrationEvent]) -> tuple[int, float]:
    """Publish `events` (256 in flight); how many, and the rate in events/s."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream(publish_async_max_pending=256)
        acks: list[asyncio.Future[Any]] = []
        count, started = 0, time.perf_counter()
        for event in events:
            envelope = wrap(event, root)
            # each with a trace context of its own, as the relay's messages carry their command's
            traceparent = f"00-{random.getrandbits(128):032x}-{random.getrandbits(64):016x}-01"
            acks.append(await js.publish_async(envelope.subject, envelope.body, headers={
                **envelope.headers, "Nats-Msg-Id": f"bench:{event.event_id}", "traceparent": traceparent}))
            count += 1
            if len(acks) >= 10_000:
                await asyncio.gather(*acks)
                acks.clear()
            if count % 200_000 == 0:
                print(f"  … {count:,} published")
        await asyncio.gather(*acks)
        return count, count / (time.perf_counter() - started)
    finally:
        await nc.close()


def _wait_complete(http: httpx.Client, base: str, last: int, timeout: float = 3600) -> float:
    started, deadline = time.perf_counter(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = http.get(f"{base}/reports/period", params={"period": "2000-01-01..2000-01-01"}).json()
        if body["position"]["complete_through"] >= last:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise TimeoutError("the read models did not catch up")


def _timed(http: httpx.Client, url: str, params: dict[str, Any], rounds: int) -> list[float]:
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = http.get(url, params=params)
        assert response.status_code == 200, response.text[:300]
        found.append((time.perf_counter() - started) * 1000)
    return found


def _cold(http: httpx.Client, base: str, url: str, root: str, year: int, rounds: int, last: int,
          period: Callable[[int], str], decided: bool = False) -> list[float]:
    """The report of `period(round)` asked for once after each new event (a dossier opened; with
    `decided`, a dossier opened and decided on a day of `year`, so a month of the year changes),
    when the read models have applied it: every answer is built from the read models at the new
    position (by the service ahead of the request for a period asked lately, else on the request),
    none is one kept from an earlier position (the bench checks the position each answer states)."""
    rng, found, step = random.Random(12 + decided), [], 2 if decided else 1
    for index in range(rounds):
        events = _award(rng, 10_000_000 + 2 * rounds * decided + index, 100, year, 1)
        asyncio.run(_publish(url, root, events[:step]))
        _wait_complete(http, base, last + step * (index + 1))
        started = time.perf_counter()
        response = http.get(f"{base}/reports/period", params={"period": period(index)})
        found.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
        assert response.json()["position"]["complete_through"] >= last + step * (index + 1), \
            "an answer from before the event"
    print(f"  {period(0)}{' after a decision' if decided else ''}: first answers, ms "
          f"{', '.join(f'{ms:.0f}' for ms in found[:3])}")
    return found


async def _raw_query(dsn: str, year: int, rounds: int) -> list[float]:
    conn = await asyncpg.connect(dsn)
    try:
        found = []
        for _ in range(rounds):
            started = time.perf_counter()
            await conn.fetch("SELECT award_code, count(*), sum(cash_amount) FROM report_dossiers "
                             "WHERE decided_on BETWEEN $1 AND $2 AND NOT revoked GROUP BY award_code",
                             date(year, 1, 1), date(year, 12, 31))
            found.append((time.perf_counter() - started) * 1000)
        return found
    finally:
        await conn.close()


def _rebuild(http: httpx.Client, base: str, service: Service, total: int, profile: str | None,
             table: Table, others: dict[str, tuple[int, bool]]) -> None:
    """POST /admin/rebuild, then the replay from sequence 1 timed, with the CPU of the service and of
    `others` (PostgreSQL with its backends, nats-server, when the bench started them)."""
    profiler = Profiler(Path(__file__).parent / "results" if profile else None, profile or "active",
                        "rebuild")
    profiler.start({"reporting": service.pid})
    cpu = CpuMeter({"reporting": (service.pid, False), **others})
    cpu.start()
    started = time.perf_counter()
    assert http.post(f"{base}/admin/rebuild").status_code == 202
    reset = time.perf_counter() - started
    replayed = _wait_complete(http, base, total)
    rebuilt = reset + replayed
    meters = cpu.stop()
    used = meters["reporting"]
    for written in profiler.stop():
        print(f"profile of the rebuild: {written}")
    table.add("rebuild", "replay from sequence 1, events/s", total / rebuilt, f"{rebuilt:.1f} s")
    table.add("rebuild", "of which: consumers stopped and read models cleared, s", f"{reset:.1f}",
              "POST /admin/rebuild answered")
    table.add("rebuild", "of which: the replay after that, events/s", total / replayed,
              f"{replayed:.1f} s (position polled every 0.2 s)")
    table.add("rebuild", "reporting service CPU per event, µs", used / total * 1e6,
              f"{used / rebuilt:.0%} of a core")
    for name in others:
        table.add("rebuild", f"{name} CPU per event, µs", meters[name] / total * 1e6,
                  f"{meters[name] / rebuilt:.0%} of a core")
    table.add("rebuild", "CPU of every other process meanwhile, % of a core",
              f"{(cpu.machine - used) / rebuilt:.0%}",
              "PostgreSQL, nats-server and the machine's other load")


def run(awards: int, units: int, years: int, rounds: int, profile: str | None = None,
        rebuild: bool = True) -> None:
    first_year = 2017
    year = first_year + years - 1
    with servers(print) as found:
        ns, work = Namespace(), Path(tempfile.mkdtemp(prefix="tdkt-bench-reports-"))
        port = free_port()
        env = {**os.environ, "TDKT_PG_DSN": found.pg_dsn, "TDKT_NATS_URL": found.nats_url,
               "TDKT_DB_PREFIX": ns.prefix, "TDKT_SUBJECT_ROOT": ns.root, "TDKT_STREAM": ns.stream,
               "TDKT_JWT_SECRET": SECRET, "TDKT_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
               "TDKT_REPORTING_PORT": str(port)}
        service = Service("reporting", env, work / "reporting.log")
        service.start()
        table = Table()
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_ready({"reporting": (service, base)}))
            limits = asyncio.run(postgres_limits(found.pg_dsn, 2.0, print))
            for name, value in limits.items():
                table.add("raw limit", name, value)
            token = issue_token(SECRET, subject="bench", roles=["admin"])
            with httpx.Client(timeout=600, headers={"Authorization": f"Bearer {token}"}) as http:
                print(f"publishing {2 * awards + 200:,} events ({awards:,} awards, {units} units, {years} years) …")
                total, rate = asyncio.run(_publish(found.nats_url, ns.root,
                                                   _history(awards, units, first_year, years)))
                table.add("load", "JetStream publish+ack, 256 in flight, events/s", rate, f"{total:,} events")
                behind = _wait_complete(http, base, total)
                # the consumer builds while the history is published: from the first publish to the
                # last event applied (the publishing's own time included), and how far behind it was
                table.add("load", "first build, events/s (from the first publish to the last applied)",
                          total / (total / rate + behind), f"done {behind:.1f} s after the last publish")
                if rebuild:
                    _rebuild(http, base, service, total, profile, table, found.pids())
                dsn = f"{found.pg_dsn.rsplit('/', 1)[0]}/{ns.prefix}reporting"
                table.add("raw limit", "one grouped SQL count of a year, ms p50/p99",
                          latency_text(summary(asyncio.run(_raw_query(dsn, year, rounds))), ("p50", "p99")))
                cold = summary(_cold(http, base, found.nats_url, ns.root, year, rounds, total, lambda _: str(year)))
                table.add("period report", f"GET /reports/period?period={year} at a new position, ms p50/p99",
                          latency_text(cold, ("p50", "p99")), "goal: p99 ≤ 200 ms; built from the read models")
                total += rounds
                decided = summary(_cold(http, base, found.nats_url, ns.root, year, rounds, total,
                                        lambda _: str(year), decided=True))
                table.add("period report", f"… at a new position after an award decided in {year}, ms p50/p99",
                          latency_text(decided, ("p50", "p99")), "the month of its decision counted again")
                total += 2 * rounds
                fresh = summary(_cold(http, base, found.nats_url, ns.root, year, rounds, total,
                                      lambda index: f"{year}-01-01..{year}-12-{31 - index % 28:02d}"
                                      if index < 28 else f"{year}-01-{2 + index % 28:02d}..{year}-12-31"))
                table.add("period report", f"GET …?period={year}-01-01..{year}-12-DD never asked, ms p50/p99",
                          latency_text(fresh, ("p50", "p99")), "a range of days, built on the request")
                json_ms = summary(_timed(http, f"{base}/reports/period", {"period": str(year)}, rounds))
                table.add("period report", f"GET /reports/period?period={year} again, ms p50/p99",
                          latency_text(json_ms, ("p50", "p99")), "kept for its position")
                for fmt_name in ("docx", "xlsx", "pdf"):
                    ms = summary(_timed(http, f"{base}/reports/period", {"period": str(year), "format": fmt_name},
                                        max(1, rounds // 4)))
                    table.add("annual report", f"{fmt_name.upper()}, ms p50/max", latency_text(ms, ("p50", "max")),
                              "goal: ≤ 2,000 ms")
                for fmt_name in ("json", "xlsx", "pdf"):
                    ms = summary(_timed(http, f"{base}/reports/forms/0603", {"year": year, "format": fmt_name},
                                        max(1, rounds // 4)))
                    table.add("form 0603", f"{fmt_name.upper()}, ms p50/max", latency_text(ms, ("p50", "max")))
                count = http.get(f"{base}/reports/period", params={"period": str(year)}).json()
                table.add("data", f"awards decided in {year}", fmt(count["awards"]["total"]["count"]))
        finally:
            service.stop()
    print(table.render())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--awards", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", nargs="?", const="active", choices=["active", "gil"],
                        help="sample the reporting service with py-spy during the rebuild, into bench/results/ "
                             "(.venv/bin/pip install py-spy first)")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="leave out the rebuild from sequence 1 (a large history's longest part after the load)")
    args = parser.parse_args()
    run(args.awards, args.units, args.years, args.rounds, args.profile, rebuild=not args.no_rebuild)


if __name__ == "__main__":
    main()
