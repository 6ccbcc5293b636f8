"""How fast the notification service drains a webhook backlog, beside the bus's publish rate and
the receivers' raw HTTP capacity measured in the same run.

    .venv/bin/python -m bench.webhooks            # 100,000 events × 3 webhooks
    .venv/bin/python -m bench.webhooks --quick    # 10,000 events

Three webhooks (per-subject order, window 64): a fast receiver, a slow one (each answer after
`--slow-ms`) and one down for the first `--down-s` seconds of the drain. The backlog is put on
the bus while the service is stopped; then the service starts and the clock runs until every
receiver has every event. Receivers run in a process of their own (bench/webhook_receiver.py)
and count repeats and order breaks (a task version not above the last one of its subject).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.procstat import cpu_seconds
from bench.servers import servers
from bench.stats import Table
from bench.webhook_parts import Service, fill_backlog, raw_http_rate, receiver_process, stats
from tdkt.embedded import free_ports

RESULTS = Path(__file__).with_name("results")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--subjects", type=int, default=2_000, help="tasks the events are about")
    parser.add_argument("--slow-ms", type=int, default=20)
    parser.add_argument("--down-s", type=float, default=20.0)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--quick", action="store_true", help="10,000 events, down for 5 s")
    parser.add_argument("--timeout-s", type=float, default=1800.0)
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.down_s = 10_000, 5.0
    return args


async def run(args: argparse.Namespace, pg_dsn: str, nats_url: str) -> dict[str, Any]:
    names = ("control", "fast", "slow", "down", "raw")
    *receiving, service_port = free_ports(len(names) + 1)
    ports = dict(zip(names, receiving, strict=True))
    results: dict[str, Any] = {"config": vars(args)}
    with receiver_process(ports, args.slow_ms) as control:
        service = Service(pg_dsn, nats_url, uuid.uuid4().hex[:8], service_port)
        say("starting the notification service once to register three webhooks")
        async with service.running():
            await service.subscribe([f"http://127.0.0.1:{ports[n]}/hooks" for n in ("fast", "slow", "down")],
                                    args.window)
        say(f"raw: HTTP calls/s to a local receiver (the webhook client, {args.window} at once, 3 s)")
        results["raw_http_per_s"] = await raw_http_rate(ports["raw"], args.window, 3.0)
        say(f"filling the backlog: {args.events:,} events on the bus (JetStream, 256 publishes in flight)")
        results["publish_per_s"] = await fill_backlog(nats_url, service, args.events, args.subjects)
        say("starting the service over the backlog; the 'down' receiver opens after "
            f"{args.down_s:.0f} s")
        results.update(await drain(args, service, control))
    return results


async def drain(args: argparse.Namespace, service: Service, control: str) -> dict[str, Any]:
    started = time.time()
    opened = False
    async with service.running() as pid, httpx.AsyncClient(timeout=10) as client:
        cpu_before = cpu_seconds(pid)
        while True:
            await asyncio.sleep(1.0)
            if not opened and time.time() - started >= args.down_s:
                await client.post(f"{control}/open/down")
                opened = True
            now = await stats(client, control)
            done = [now[n]["events"] for n in ("fast", "slow", "down")]
            say(f"delivered fast {done[0]:,} · slow {done[1]:,} · down {done[2]:,}")
            if min(done) >= args.events or time.time() - started > args.timeout_s:
                break
        cpu = cpu_seconds(pid) - cpu_before
    last = max(now[n]["last_at"] or started for n in ("fast", "slow", "down"))
    return {"started_at": started, "receivers": {n: now[n] for n in ("fast", "slow", "down")},
            "drain_s": last - started, "deliveries_per_s": sum(done) / (last - started),
            "service_cpu_s": cpu}


def table(results: dict[str, Any]) -> Table:
    t = Table()
    events = results["config"]["events"]
    t.add("raw limits", "JetStream publish+ack/s (sync_interval: always)", results["publish_per_s"],
          f"{events:,} events of the backlog")
    t.add("raw limits", "HTTP calls/s to a local receiver", results["raw_http_per_s"],
          "the webhook client, same window")
    t.add("drain", "deliveries/s, all three webhooks", results["deliveries_per_s"],
          f"{3 * events:,} deliveries; goal ≥ 500")
    t.add("drain", "time to drain (s)", results["drain_s"], "service start → last delivery")
    t.add("drain", "notification service CPU (s)", results["service_cpu_s"])
    for name, r in results["receivers"].items():
        span = (r["last_at"] or 0) - results["started_at"]
        t.add(f"webhook {name}", "events / calls", f"{r['events']:,} / {r['calls']:,}",
              f"repeats {r['repeats']}, order breaks {r['order_breaks']}")
        t.add(f"webhook {name}", "drained after (s) · rate (/s)", f"{span:.1f} · {r['events'] / max(span, 1e-9):.0f}")
    return t


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with servers(say) as found:
        results = asyncio.run(run(args, found.pg_dsn, found.nats_url))
    print(table(results).render())
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"webhooks-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    say(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
