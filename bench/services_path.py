"""The system's path, as deployed: HTTP command → plan event store → outbox relay → JetStream
→ reporting consumer → asyncpg read model, with the two services as separate processes.

Latency of one task = commit time of its read-model row (PostgreSQL commit timestamp of the
row's transaction, `pg_xact_commit_timestamp(xmin)`) minus the wall-clock time the benchmark
sent its command. Stages are split with the commit time of the task's events in the plan
event store and the time JetStream stored the published message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from bench.procstat import CpuMeter, peak_rss_mb
from bench.servers import Servers
from bench.stats import summary
from servicekit.auth import issue_token
from tdkt.embedded import die_with_parent, free_ports

SECRET = "bench-signing-key-of-the-tdkt-pipeline"
AUDIT_KEY = "bench-audit-key-of-the-tdkt-pipeline-0123"  # the event stores' hash chain
ISSUER = "Ủy ban nhân dân tỉnh Thử nghiệm"
UNITS = [("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SGDDT", "Sở Giáo dục và Đào tạo")]
PLAN = "plan"  # the plan service; its further replicas are plan-2, plan-3…
TASK_ASSIGNED_TOPIC = "services.plan.domainmodel:Task.Assigned"
# Next year's plans: no task is overdue, so the plan service's deadline checker stays idle.
YEAR = datetime.now().year + 1
TITLE = ("Tổ chức phong trào thi đua chào mừng kỷ niệm ngày thành lập tỉnh, tổng kết và khen thưởng "
         "các tập thể, cá nhân có thành tích xuất sắc")


def dsn_for(dsn: str, database: str) -> str:
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


def task_body(i: int) -> dict[str, Any]:
    return {"quarter": i % 4 + 1, "title": f"{TITLE} (nhiệm vụ {i + 1})", "lead_units": ["SNV"],
            "coordinating_units": ["STC", "SGDDT"]}


@dataclass
class Sent:
    plan_id: str
    sent_at: float  # wall clock (time.time()) just before the request
    seconds: float  # HTTP round trip
    status: int
    task_id: str | None


@dataclass
class Namespace:
    uid: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def prefix(self) -> str:
        return f"bench{self.uid}_"

    @property
    def root(self) -> str:
        return f"bench{self.uid}"

    @property
    def stream(self) -> str:
        return f"BENCH{self.uid}"


class Service:
    def __init__(self, name: str, env: dict[str, str], log: Path, module: str | None = None) -> None:
        self.name, self.env, self.log = name, env, log
        self.module = module or name  # `python -m services.<module>`: replicas share one
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", f"services.{self.module}"], env=self.env,
                                            cwd=self.env.get("BENCH_SERVICE_CWD") or None,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


async def wait_ready(services: dict[str, tuple[Service, str]], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(services)
    async with httpx.AsyncClient(timeout=3) as http:
        while pending:
            for name, (service, url) in list(pending.items()):
                assert service.process is not None
                if service.process.poll() is not None:
                    raise RuntimeError(f"{name} service exited during start-up:\n{service.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    response = await http.get(f"{url}/readyz")
                    answered = response.json().get("service") if response.status_code in (200, 503) else None
                    if answered not in (None, service.module):  # its port taken: this one never listened
                        raise RuntimeError(f"{name}: {url} is answered by the {answered} service\n{service.tail()}")
                    if response.status_code == 200:
                        del pending[name]
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {name} log:\n{service.tail()}" for name, (service, _) in pending.items())
                raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(pending)}\n{tails}")
            await asyncio.sleep(0.1)


async def send_tasks(http: httpx.AsyncClient | list[httpx.AsyncClient], plan_ids: list[str], total: int,
                     rate: float | None = None) -> list[Sent]:
    """One client per plan (no optimistic-concurrency conflicts), `total` tasks shared out; with
    several HTTP clients (one per replica of the plan service), the plans are spread over them.

    With `rate`, the commands are due at a fixed rate (open loop), in turn over the plans: the
    k-th command is due `k / rate` seconds after the start, and its latency counts from that
    moment, even when its plan's previous command was still running (no coordinated omission)."""
    sent: list[Sent] = []
    clients = http if isinstance(http, list) else [http]
    share = [total // len(plan_ids) + (1 if i < total % len(plan_ids) else 0) for i in range(len(plan_ids))]
    start_wall, start = time.time(), time.perf_counter()

    async def client(index: int, plan_id: str, count: int) -> None:
        replica = clients[index % len(clients)]
        for i in range(count):
            if rate:
                due = (i * len(plan_ids) + index) / rate
                await asyncio.sleep(max(0.0, due - (time.perf_counter() - start)))
                sent_at, started = start_wall + due, start + due
            else:
                sent_at, started = time.time(), time.perf_counter()
            try:
                response = await replica.post(f"/plans/{plan_id}/tasks", json=task_body(i))
                status = response.status_code
                task_id = response.json()["id"] if status == 201 else None
            except httpx.HTTPError:
                status, task_id = 0, None
            sent.append(Sent(plan_id, sent_at, time.perf_counter() - started, status, task_id))

    await asyncio.gather(*(client(k, p, n) for k, (p, n) in enumerate(zip(plan_ids, share, strict=True))))
    return sent


async def create_plans(http: httpx.AsyncClient, count: int, label: str) -> list[str]:
    ids = []
    for i in range(count):
        response = await http.post("/plans", json={
            "number": f"{i + 1}/KH-{label}", "year": YEAR, "title": f"Kế hoạch thi đua {label} số {i + 1}",
            "issuer": ISSUER})
        response.raise_for_status()
        ids.append(response.json()["id"])
    return ids


async def wait_visible(conn: asyncpg.Connection, plan_ids: list[str], expected: int, timeout: float,
                       say: Callable[[str], None], table: str = "report_tasks") -> float:
    deadline = time.monotonic() + timeout
    last_report = time.monotonic()
    ids = [uuid.UUID(p) for p in plan_ids]
    while True:
        visible = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE plan_id = ANY($1::uuid[])", ids)
        if visible >= expected:
            return time.time()
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {visible} of {expected} tasks reached the read model in {timeout:.0f}s")
        if time.monotonic() - last_report > 2:
            say(f"  … {visible}/{expected} tasks visible in the read model")
            last_report = time.monotonic()
        await asyncio.sleep(0.05)


async def stream_times(nats_url: str, ns: Namespace, after_seq: int) -> dict[str, float]:
    """task_id → time JetStream stored its TaskAssigned message (from the message metadata)."""
    nc = await nats.connect(nats_url)
    times: dict[str, float] = {}
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            f"{ns.root}.plan.TaskAssigned.>", stream=ns.stream,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after_seq + 1,
                                  ack_policy=AckPolicy.NONE, inactive_threshold=30))
        while True:
            try:
                batch = await sub.fetch(1000, timeout=0.5)
            except TimeoutError:
                break
            for message in batch:
                body = json.loads(message.data)
                if "task_id" in body and message.metadata.timestamp is not None:
                    times.setdefault(body["task_id"], message.metadata.timestamp.timestamp())
        return times
    finally:
        await nc.close()


class ActivitySampler:
    """Samples pg_stat_activity of the run's databases: what the services' backends are doing
    (active, waiting for a lock, idle in a transaction while the client is busy…)."""

    def __init__(self, dsn: str, prefix: str, interval: float = 0.05) -> None:
        self.dsn, self.prefix, self.interval = dsn, prefix, interval
        self.samples = 0
        self.counts: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def _run(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            while not self._stop.is_set():
                rows = await conn.fetch(
                    "SELECT substr(datname, $2) AS db, state, coalesce(wait_event_type || ':' || wait_event, '') "
                    "AS wait, regexp_replace(left(query, 32), '\\s+', ' ', 'g') AS query, count(*) AS n "
                    "FROM pg_stat_activity WHERE datname LIKE $1 AND pid <> pg_backend_pid() "
                    "AND state <> 'idle' GROUP BY 1, 2, 3, 4", self.prefix + "%", len(self.prefix) + 1)
                self.samples += 1
                for r in rows:
                    key = f"{r['db']} | {r['state']} | {r['wait']} | {r['query']}"
                    self.counts[key] = self.counts.get(key, 0) + r["n"]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.interval)
        finally:
            await conn.close()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict[str, float]:
        """Average number of backends in each (database, state, wait) over the samples."""
        self._stop.set()
        if self._task is not None:
            await self._task
        averages = {k: v / max(self.samples, 1) for k, v in self.counts.items()}
        return dict(sorted(averages.items(), key=lambda kv: -kv[1]))


class Profiler:
    """py-spy sampling of the service processes during the measured run or the drain (collapsed stacks)."""

    def __init__(self, out_dir: Path | None, mode: str = "active", label: str = "run") -> None:
        self.out_dir = out_dir
        self.label = label
        self.mode = mode  # "active": threads not idle; "gil": only the thread holding the GIL
        self.processes: list[subprocess.Popen[bytes]] = []
        self.files: list[Path] = []

    def start(self, pids: dict[str, int]) -> None:
        if self.out_dir is None:
            return
        py_spy = Path(sys.executable).with_name("py-spy")
        if not py_spy.exists():
            raise RuntimeError("--profile needs py-spy in the virtualenv: .venv/bin/pip install py-spy")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for name, pid in pids.items():
            out = self.out_dir / f"profile-{stamp}-{self.label}-{name}-{self.mode}.txt"
            self.files.append(out)
            self.processes.append(subprocess.Popen(
                [str(py_spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--threads",
                 "--output", str(out), "--nonblocking", *(["--gil"] if self.mode == "gil" else [])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent))

    def stop(self) -> list[str]:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        return [str(f) for f in self.files]


async def run(servers: Servers, *, events: int, concurrency: int, warmup: int,
              say: Callable[[str], None], profile_dir: Path | None = None,
              profile_mode: str = "active", extra_env: dict[str, str] | None = None,
              keep_logs: Path | None = None, drain: int = 0, rate: float | None = None,
              plan_replicas: int = 1) -> dict[str, Any]:
    ns = Namespace()
    replicas = [PLAN, *(f"{PLAN}-{k}" for k in range(2, plan_replicas + 1))]
    ports = dict(zip([*replicas, "reporting"], free_ports(len(replicas) + 1), strict=True))
    env = {**os.environ, "TDKT_PG_DSN": servers.pg_dsn, "TDKT_NATS_URL": servers.nats_url,
           "TDKT_DB_PREFIX": ns.prefix, "TDKT_SUBJECT_ROOT": ns.root, "TDKT_STREAM": ns.stream,
           "TDKT_JWT_SECRET": SECRET, "TDKT_AUDIT_KEY": AUDIT_KEY, "TDKT_PLAN_PORT": str(ports["plan"]),
           "TDKT_REPORTING_PORT": str(ports["reporting"]), "TDKT_PLAN_DEADLINE_CHECK_INTERVAL_S": "3600",
           "TDKT_LOG_LEVEL": os.environ.get("TDKT_LOG_LEVEL", "INFO"), "PYTHONUNBUFFERED": "1",
           **(extra_env or {})}
    services = {name: Service(name, {**env, "TDKT_PLAN_PORT": str(ports[name])} if name in replicas else env,
                              servers.workdir / "logs" / f"{name}.log", module=name.split("-")[0]) for name in ports}
    token = issue_token(SECRET, subject="bench", roles=["planner", "admin"], name="bench")
    result: dict[str, Any] = {"namespace": ns.prefix}
    try:
        say("starting services as processes: " + ", ".join(f"{name} :{port}" for name, port in ports.items()))
        for service in services.values():
            service.start()
        await wait_ready({n: (s, f"http://127.0.0.1:{ports[n]}") for n, s in services.items()})
        plan_conn = await asyncpg.connect(dsn_for(servers.pg_dsn, f"{ns.prefix}plan"))
        report_conn = await asyncpg.connect(dsn_for(servers.pg_dsn, f"{ns.prefix}reporting"))
        commit_ts = await report_conn.fetchval("SHOW track_commit_timestamp") == "on"
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with contextlib.AsyncExitStack() as clients:
            spread = [await clients.enter_async_context(httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{ports[name]}", limits=limits, timeout=60,
                headers={"Authorization": f"Bearer {token}"})) for name in replicas]
            http = spread[0]
            for code, name in UNITS:
                (await http.post("/units", json={"code": code, "name": name})).raise_for_status()
            if warmup:
                say(f"warm-up: {warmup} task commands with {concurrency} clients (not measured)")
                warm_plans = await create_plans(http, concurrency, "KHOIDONG")
                warm = await send_tasks(spread, warm_plans, warmup)
                await wait_visible(report_conn, warm_plans, sum(s.status == 201 for s in warm), 60, say)
            plan_ids = await create_plans(http, concurrency, "DOLUONG")
            await wait_visible(report_conn, plan_ids, len(plan_ids), 30, say, table="report_plans")
            first_notification = await plan_conn.fetchval("SELECT coalesce(max(notification_id), 0) FROM plans_events")
            nc = await nats.connect(servers.nats_url)
            try:
                last_seq = (await nc.jetstream().stream_info(ns.stream)).state.last_seq
            finally:
                await nc.close()

            meter = CpuMeter({**servers.pids(),
                              **{f"{name.replace(PLAN, 'plan service')}": (services[name].pid, False)
                                 for name in replicas},
                              "reporting service": (services["reporting"].pid, False),
                              "benchmark (HTTP clients)": (os.getpid(), False)})
            say(f"measured run: {events} POST /plans/{{id}}/tasks with {concurrency} concurrent clients "
                f"(one plan each)" + (f", due at {rate:g} commands/s" if rate else "")
                + (f", spread over {len(replicas)} plan-service processes" if len(replicas) > 1 else ""))
            profiler = Profiler(profile_dir, profile_mode)
            profiler.start({name: service.pid for name, service in services.items()})
            activity = ActivitySampler(servers.pg_dsn, ns.prefix)
            activity.start()
            meter.start()
            started = time.time()
            sent = await send_tasks(spread, plan_ids, events, rate)
            http_done = time.time()
            ok = [s for s in sent if s.status == 201]
            say(f"  commands done in {http_done - started:.1f}s ({len(ok)} accepted); waiting for the read model")
            visible_done = await wait_visible(report_conn, plan_ids, len(ok), max(60.0, events / 50), say)
            cpu = meter.stop()
            result["pg_activity"] = await activity.stop()
            result["profiles"] = profiler.stop()
            window = visible_done - started

        # Commit times of every task's read-model row, of its events in the store, and JetStream times.
        rows = await report_conn.fetch(
            "SELECT task_id::text AS id, extract(epoch FROM pg_xact_commit_timestamp(xmin))::float8 AS ts "
            "FROM report_tasks WHERE plan_id = ANY($1::uuid[])" if commit_ts else
            "SELECT task_id::text AS id, NULL::float8 AS ts FROM report_tasks WHERE plan_id = ANY($1::uuid[])",
            [uuid.UUID(p) for p in plan_ids])
        visible_at = {r["id"]: r["ts"] for r in rows}
        consumer_transactions = await report_conn.fetchval(  # rows committed together share their xmin
            "SELECT count(DISTINCT xmin::text) FROM report_tasks WHERE plan_id = ANY($1::uuid[])",
            [uuid.UUID(p) for p in plan_ids])
        stored = await plan_conn.fetch(
            "SELECT originator_id::text AS id, topic, "
            + ("extract(epoch FROM pg_xact_commit_timestamp(xmin))::float8" if commit_ts else "NULL::float8")
            + " AS ts FROM plans_events WHERE notification_id > $1", first_notification)
        stored_at = {r["id"]: r["ts"] for r in stored if r["topic"] == TASK_ASSIGNED_TOPIC}
        published_at = await stream_times(servers.nats_url, ns, last_seq)
        await plan_conn.close()
        await report_conn.close()

        e2e, to_store, to_stream, to_model = [], [], [], []
        for s in ok:
            assert s.task_id is not None
            seen = visible_at.get(s.task_id)
            if seen is None:
                continue
            e2e.append((seen - s.sent_at) * 1000)
            store, stream = stored_at.get(s.task_id), published_at.get(s.task_id)
            if store is not None and stream is not None:
                to_store.append((store - s.sent_at) * 1000)
                to_stream.append((stream - store) * 1000)
                to_model.append((seen - stream) * 1000)
        last = {"stored": max((r["ts"] for r in stored if r["ts"] is not None), default=None),
                "published": max((published_at[s.task_id] for s in ok if s.task_id in published_at), default=None),
                "visible": max((v for v in visible_at.values() if v is not None), default=None)}
        statuses: dict[str, int] = {}
        for s in sent:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        result.update({
            "rate_per_s": rate,
            "latency_method": "commit_timestamp" if commit_ts else "poll",
            "commands": len(sent), "accepted": len(ok), "non_2xx": len(sent) - len(ok), "statuses": statuses,
            "http_ms": summary([s.seconds * 1000 for s in sent]),
            "command_rate_per_s": len(ok) / (max(s.sent_at + s.seconds for s in sent) - started),
            "stored_events": len(stored),
            "stored_events_per_s": len(stored) / (last["stored"] - started) if last["stored"] else None,
            "published_events": len(published_at),
            "published_events_per_s": len(published_at) / (last["published"] - started) if last["published"] else None,
            "read_model_events_per_s": len(e2e) / ((last["visible"] or visible_done) - started),
            "e2e_ms": summary(e2e),
            "stage_command_to_store_ms": summary(to_store),
            "stage_store_to_jetstream_ms": summary(to_stream),
            "stage_jetstream_to_read_model_ms": summary(to_model),
            "window_s": window,
            "consumer_transactions": consumer_transactions,
            "consumer_events_per_transaction": len(visible_at) / max(consumer_transactions, 1),
            "cpu_seconds": cpu,
            "cpu_percent_of_one_core": {k: 100 * v / window for k, v in cpu.items()},
            "cpu_system_percent_of_one_core": {k: 100 * v / window for k, v in meter.system.items()},
            "cpu_machine_percent_of_one_core": 100 * meter.machine / window,
            "cpu_others_percent_of_one_core": 100 * max(meter.machine - sum(cpu.values()), 0) / window,
            "plan_replicas": len(replicas),
            "peak_rss_mb": {**{name.replace(PLAN, "plan service"): peak_rss_mb(services[name].pid)
                               for name in replicas},
                            "reporting service": peak_rss_mb(services["reporting"].pid)},
        })
        if not commit_ts:  # without commit timestamps, only the run's throughput is exact
            result["e2e_ms"] = summary([(visible_done - s.sent_at) * 1000 for s in ok])
            result["latency_method"] = "upper bound: all-visible time (track_commit_timestamp is off)"
        if drain:
            for name in replicas[1:]:  # the drain restarts one plan service: the others stay stopped
                services[name].stop()
            result["drain"] = await drain_backlog(servers, ns, services, ports, token, events=drain,
                                                  concurrency=concurrency, say=say,
                                                  profiler=Profiler(profile_dir, profile_mode, "drain"))
        return result
    finally:
        for service in services.values():
            service.stop()
        if keep_logs is not None:
            _copy_logs([s.log for s in services.values()], keep_logs)
        await _drop(servers, ns)


def _copy_logs(logs: list[Path], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for log in logs:
        if log.exists():
            shutil.copy(log, target / log.name)


def _write_direct(pg_dsn: str, ns: Namespace, plan_ids: list[str], total: int, threads: int) -> None:
    """Add tasks straight into the plan service's event store, as the service would."""
    from concurrent.futures import ThreadPoolExecutor

    from servicekit.eventstore import postgres_env
    from services.plan.application import Plans
    from services.plan.settings import PlanSettings

    settings = PlanSettings.model_validate({"pg_dsn": pg_dsn, "db_prefix": ns.prefix, "jwt_secret": SECRET,
                                            "audit_key": AUDIT_KEY})
    app = Plans(postgres_env(settings))
    now = datetime.now(UTC)
    share = [total // len(plan_ids) + (1 if i < total % len(plan_ids) else 0) for i in range(len(plan_ids))]

    def client(plan_id: str, count: int) -> None:
        for i in range(count):
            body = task_body(i)
            app.add_task(uuid.UUID(plan_id), quarter=body["quarter"], title=body["title"],
                         lead_units=body["lead_units"], coordinating_units=body["coordinating_units"],
                         due_date=None, by="bench", now=now)

    try:
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(client, p, n) for p, n in zip(plan_ids, share, strict=True)]:
                future.result()
    finally:
        app.close()


async def drain_backlog(servers: Servers, ns: Namespace, services: dict[str, Service], ports: dict[str, int],
                        token: str, *, events: int, concurrency: int, say: Callable[[str], None],
                        profiler: Profiler | None = None) -> dict[str, Any]:
    """The path downstream of the event store alone (relay → JetStream → consumer → read model):
    with the plan service stopped, write a backlog of tasks into its event store, start it again
    and time how fast the backlog reaches the read model. No HTTP, large batches: the capacity
    of that part of the path, not a latency."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports['plan']}", timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        plan_ids = await create_plans(http, concurrency, "TONDONG")
    report_conn = await asyncpg.connect(dsn_for(servers.pg_dsn, f"{ns.prefix}reporting"))
    try:
        await wait_visible(report_conn, plan_ids, len(plan_ids), 30, say, table="report_plans")
        services["plan"].stop()
        say(f"drain: plan service stopped; writing {events} tasks straight into its event store")
        await asyncio.to_thread(_write_direct, servers.pg_dsn, ns, plan_ids, events, concurrency)
        nc = await nats.connect(servers.nats_url)
        try:
            last_seq = (await nc.jetstream().stream_info(ns.stream)).state.last_seq
        finally:
            await nc.close()
        say("drain: starting the plan service again; its relay publishes the backlog")
        services["plan"].start()
        restarted = time.time()
        cpu = CpuMeter({name: (services[name].pid, False) for name in ("plan", "reporting")})
        cpu.start()  # the plan service just started: the relay has published nothing yet
        await wait_ready({"plan": (services["plan"], f"http://127.0.0.1:{ports['plan']}")})
        ready = time.time()
        serving = CpuMeter({"plan": (services["plan"].pid, False)})  # its start left out
        serving.start()
        if profiler is not None:
            profiler.start({"plan": services["plan"].pid, "reporting": services["reporting"].pid})
        done = await wait_visible(report_conn, plan_ids, events, max(60.0, events / 20), say)
        used = cpu.stop()
        plan_serving = serving.stop()["plan"]
        if profiler is not None:
            profiles = profiler.stop()
        ids = [uuid.UUID(p) for p in plan_ids]
        visible = [r["ts"] for r in await report_conn.fetch(
            "SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin))::float8 AS ts FROM report_tasks "
            "WHERE plan_id = ANY($1::uuid[])", ids)]
        transactions = await report_conn.fetchval(
            "SELECT count(DISTINCT xmin::text) FROM report_tasks WHERE plan_id = ANY($1::uuid[])", ids)
    finally:
        await report_conn.close()
    published = sorted((await stream_times(servers.nats_url, ns, last_seq)).values())
    first, last_visible = published[0] if published else restarted, max(v or done for v in visible)
    after_ready = sum(1 for t in published if t > ready)
    return {
        "tasks": events,
        "published_per_s": len(published) / (published[-1] - published[0]) if len(published) > 1 else None,
        "read_model_per_s": events / (last_visible - first),
        "seconds_first_publish_to_last_row": last_visible - first,
        "consumer_events_per_transaction": events / max(transactions, 1),
        "cpu_us_per_event": {name: seconds / events * 1e6 for name, seconds in used.items()},
        # The plan service once ready: its relay (and its view) per event published after that.
        "plan_cpu_us_per_event_once_ready": plan_serving / after_ready * 1e6 if after_ready else None,
        "published_once_ready": after_ready,
        "cpu_others_percent_of_one_core": (cpu.machine - sum(used.values())) / (done - restarted) * 100,
        **({"profiles": profiles} if profiler is not None and profiles else {}),
    }


async def _drop(servers: Servers, ns: Namespace) -> None:
    with contextlib.suppress(Exception):
        conn = await asyncpg.connect(servers.pg_dsn)
        try:
            for row in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", ns.prefix + "%"):
                await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        finally:
            await conn.close()
    with contextlib.suppress(Exception):
        nc = await nats.connect(servers.nats_url)
        try:
            with contextlib.suppress(NotFoundError):
                await nc.jetstream().delete_stream(ns.stream)
        finally:
            await nc.close()
