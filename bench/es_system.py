"""The same flow in ONE process with the eventsourcing library's own System runner: what a team
would build instead of services. `Plans` (the plan service's Application, unchanged) leads a
follower `TaskReports` (a ProcessApplication) that keeps a read-model row per task in PostgreSQL,
written in the same transaction as the follower's tracking record. Commands call
`Plans.add_task` directly from C threads; no HTTP, no bus, no telemetry.

Latency of one task = the moment the follower's transaction with the task's row committed
(taken in-process right after the commit) minus the moment `add_task` was called.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.application import ProcessingEvent
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.system import MultiThreadedRunner, ProcessApplication, Runner, SingleThreadedRunner, System
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Composed

from bench.services_path import TITLE, UNITS, YEAR
from bench.stats import summary
from servicekit.eventstore import DateAsISO, TracingMapper, postgres_env
from services.plan.application import Plans
from services.plan.domainmodel import Task
from services.plan.settings import PlanSettings

VISIBLE: dict[UUID, float] = {}  # task id → wall time its read-model row committed
_VISIBLE_LOCK = threading.Lock()

TABLES = [
    """CREATE TABLE IF NOT EXISTS es_report_tasks (
        task_id uuid PRIMARY KEY, plan_id uuid NOT NULL, plan_number text NOT NULL, year int NOT NULL,
        quarter smallint NOT NULL, number int NOT NULL, title text NOT NULL, due_date date NOT NULL,
        status text NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS es_report_task_units (
        task_id uuid NOT NULL REFERENCES es_report_tasks ON DELETE CASCADE, unit_code text NOT NULL,
        unit_name text NOT NULL, role text NOT NULL, position smallint NOT NULL,
        PRIMARY KEY (task_id, unit_code))""",
]


class ReportRecorder(PostgresProcessRecorder):
    """The follower's process recorder, also writing the read-model row in its transaction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.extend(Composed([SQL(statement)]) for statement in TABLES)

    def _insert_events(self, curs: Any, stored_events: Any, **kwargs: Any) -> None:
        row = kwargs.get("report_row")
        if row is not None:
            curs.execute(
                "INSERT INTO es_report_tasks VALUES (%(task_id)s, %(plan_id)s, %(plan_number)s, %(year)s, "
                "%(quarter)s, %(number)s, %(title)s, %(due_date)s, 'assigned', %(version)s, %(updated_at)s) "
                "ON CONFLICT (task_id) DO NOTHING", row)
            curs.executemany("INSERT INTO es_report_task_units VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                             kwargs["report_units"])
        super()._insert_events(curs, stored_events, **kwargs)

    def insert_events(self, stored_events: Any, **kwargs: Any) -> Any:
        ids = super().insert_events(stored_events, **kwargs)
        row = kwargs.get("report_row")
        if row is not None:
            with _VISIBLE_LOCK:
                VISIBLE.setdefault(row["task_id"], time.time())
        return ids


class TaskReports(ProcessApplication[UUID]):
    topics = (get_topic(Task.Assigned),)

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=TracingMapper)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @singledispatchmethod
    def policy(self, domain_event: DomainEventProtocol[UUID], processing_event: ProcessingEvent[UUID]) -> None:
        """Other events are not followed."""

    @policy.register
    def _(self, e: Task.Assigned, processing_event: ProcessingEvent[UUID]) -> None:
        units = [(e.originator_id, u["code"], u["name"], "lead", i) for i, u in enumerate(e.lead_units)] + [
            (e.originator_id, u["code"], u["name"], "coordinating", i) for i, u in enumerate(e.coordinating_units)]
        processing_event.collect_events(
            report_row={"task_id": e.originator_id, "plan_id": e.plan_id, "plan_number": e.plan_number,
                        "year": e.year, "quarter": e.quarter, "number": e.number, "title": e.title,
                        "due_date": e.due_date, "version": e.originator_version, "updated_at": e.assigned_at},
            report_units=units)


async def _create_database(dsn: str, name: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(dsn: str, name: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _env(pg_dsn: str, database: str) -> dict[str, str]:
    settings = PlanSettings.model_validate({
        "pg_dsn": pg_dsn, "database": database, "jwt_secret": "bench-es-system-signing-key-unused-0123456789",
        "audit_key": "bench-audit-key-of-the-es-system-run-0123"})
    return {**postgres_env(settings), "TASKREPORTS_PROCESS_RECORDER_TOPIC": get_topic(ReportRecorder)}


def _load(app: Plans, plan_ids: list[UUID], total: int, threads: int) -> list[tuple[UUID | None, float, float]]:
    share = [total // len(plan_ids) + (1 if i < total % len(plan_ids) else 0) for i in range(len(plan_ids))]
    now = datetime.now(UTC)

    def client(plan_id: UUID, count: int) -> list[tuple[UUID | None, float, float]]:
        done = []
        for i in range(count):
            called, started = time.time(), time.perf_counter()
            try:
                task_id: UUID | None = app.add_task(
                    plan_id, quarter=i % 4 + 1, title=f"{TITLE} (nhiệm vụ {i + 1})", lead_units=["SNV"],
                    coordinating_units=["STC", "SGDDT"], due_date=None, by="bench", now=now)
            except Exception:
                task_id = None
            done.append((task_id, called, time.perf_counter() - started))
        return done

    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(client, p, n) for p, n in zip(plan_ids, share, strict=True)]
        return [item for future in futures for item in future.result()]


def _wait(ids: list[UUID], timeout: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + timeout
    while True:
        missing = sum(1 for i in ids if i not in VISIBLE)
        if not missing:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{missing} of {len(ids)} tasks never reached the follower's read model")
        time.sleep(0.01)


def run(pg_dsn: str, *, events: int, concurrency: int, warmup: int, runner_kind: str,
        say: Callable[[str], None]) -> dict[str, Any]:
    import asyncio

    database = f"benches_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create_database(pg_dsn, database))
    runner: Runner[UUID] | None = None
    try:
        system = System(pipes=[[Plans, TaskReports]])
        runner_cls = {"multi": MultiThreadedRunner, "single": SingleThreadedRunner}[runner_kind]
        runner = runner_cls(system, env=_env(pg_dsn, database))
        runner.start()
        app = runner.get(Plans)
        now = datetime.now(UTC)
        for code, name in UNITS:
            app.register_unit(code, name, "co_quan", [], "bench")

        def plans(label: str) -> list[UUID]:
            return [app.issue_plan(number=f"{i + 1}/KH-{label}", year=YEAR, title=f"Kế hoạch {label} {i + 1}",
                                   issuer="Ủy ban nhân dân tỉnh Thử nghiệm", issued_on=None, signed_by=None,
                                   by="bench", now=now)[0] for i in range(concurrency)]

        if warmup:
            say(f"warm-up: {warmup} add_task calls with {concurrency} threads (not measured)")
            warm = _load(app, plans("KHOIDONG"), warmup, concurrency)
            _wait([t for t, _, _ in warm if t is not None], 60, say)
        plan_ids = plans("DOLUONG")
        say(f"measured run: {events} Plans.add_task calls with {concurrency} threads "
            f"({runner_cls.__name__}, one plan per thread)")
        started = time.time()
        done = _load(app, plan_ids, events, concurrency)
        ok = [(t, called, seconds) for t, called, seconds in done if t is not None]
        _wait([t for t, _, _ in ok], max(60.0, events / 20), say)
        last = max(VISIBLE[t] for t, _, _ in ok)
        return {
            "runner": runner_cls.__name__,
            "calls": len(done), "failed": len(done) - len(ok),
            "call_ms": summary([s * 1000 for _, _, s in ok]),
            "stored_events_per_s": 2 * len(ok) / (max(c + s for _, c, s in ok) - started),
            "read_model_events_per_s": len(ok) / (last - started),
            "e2e_ms": summary([(VISIBLE[t] - called) * 1000 for t, called, _ in ok]),
            "window_s": last - started,
        }
    finally:
        if runner is not None:
            runner.stop()
        asyncio.run(drop_database(pg_dsn, database))
