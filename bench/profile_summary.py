"""Summarise a py-spy `--format raw` profile (collapsed stacks, as written by `--profile`).

    .venv/bin/python -m bench.profile_summary bench/results/profile-…-plan.txt [--top 25] [--match TEXT]
    .venv/bin/python -m bench.profile_summary bench/results/profile-…-plan.txt --parts [--ms 11.4]

Prints samples per thread kind, then the functions with the most inclusive samples
(the function or anything it calls was running) and the most self samples.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_THREAD = re.compile(r"^thread \(\d+\): ([^;]*)")

# What a sample of the plan or reporting service was doing: the first rule whose text is in the stack.
ACTIVITIES = [
    ("command: read aggregates (repository.get)", "Repository.get"),
    ("command: save (event store insert + commit)", "Application.save"),
    ("command: other domain code", "Plans.add_task"),
    ("outbox relay: read notifications (thread)", "select_notifications"),
    ("outbox relay: decode, translate, publish", "OutboxRelay"),
    ("plan view projection (eventsourcing ProjectionRunner)", "_process_events_loop"),
    ("plan view projection: subscription threads", "_loop_on_pull"),
    ("plan view projection: subscription threads", "_listen"),
    ("HTTP: sync dependencies in worker threads", "WorkerThread.run"),
    ("HTTP: uvicorn + FastAPI + OpenTelemetry request handling", "RequestResponseCycle"),
    ("HTTP: uvicorn + FastAPI + OpenTelemetry request handling", "H11Protocol"),
    ("consumer: apply batch (asyncpg)", "EventConsumer.process"),
    ("consumer: fetch (nats)", "EventConsumer._fetch"),
    ("thread-pool plumbing", "_worker"),
    ("event loop (callbacks, I/O)", "_run_once"),
]

# `--parts`: the parts of an HTTP command. First what a command causes elsewhere (the first rule
# with any of its texts anywhere in the stack), then the request itself by the innermost frame
# of a known part (walking from the running function outwards).
COMMAND_CAUSES = [
    (
        "plan view (projection, its subscription)",
        ("servicekit/views.py", "_loop_on_pull", "_listen (", "services/plan/views.py"),
    ),
    ("outbox relay (read, translate, publish; its spans)", ("servicekit/outbox.py",)),
    ("event store save (insert, chain, commit)", ("Application.save",)),
    ("aggregate reads (repository.get: fast-forward, copy)", ("Repository.get",)),
    ("domain code (Plans.add_task, Task.assign)", ("Plans.add_task",)),
]
REQUEST_PARTS = [
    ("authentication", ("servicekit/auth.py",)),
    (
        "OpenTelemetry (server span)",
        ("(trace/", "(sdk/", "(asgi/__init__", "(fastapi/__init__", "propagat", "opentelemetry", "(util/http"),
    ),
    ("request guard", ("servicekit/guard.py",)),
    ("pydantic (body, response)", ("pydantic",)),
    (
        "FastAPI route (routing, dependencies, JSON)",
        (
            "fastapi/routing",
            "fastapi/dependencies",
            "starlette/routing",
            "fastapi/_compat",
            "fastapi/encoders",
            "starlette/responses",
            "starlette/requests",
            "services/plan/api.py",
            "fastapi/utils",
        ),
    ),
    (
        "middleware (idempotency, body limit, metrics, errors)",
        (
            "servicekit/idempotency",
            "servicekit/metrics",
            "servicekit/http",
            "starlette/middleware",
            "fastapi/telemetry",
            "fastapi/_body_limit",
            "fastapi/middleware",
            "_exception_handler",
            "fastapi/applications",
            "starlette/applications",
        ),
    ),
    ("HTTP server (uvicorn, h11 or httptools)", ("uvicorn/", "h11/", "httptools")),
    ("thread-pool hops (asyncio.to_thread)", ("concurrent/futures", "asyncio/threads")),
    ("event loop (I/O, callbacks)", ("asyncio/", "uvloop")),
]


def command_part(frames: list[str]) -> str:
    text = ";".join(frames)
    for label, keys in COMMAND_CAUSES:
        if any(key in text for key in keys):
            return label
    for frame in reversed(frames):
        for label, keys in REQUEST_PARTS:
            if any(key in frame for key in keys):
                return label
    return "other"


def load(path: Path) -> list[tuple[str, list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        body, _, count = line.rpartition(" ")
        if not body or not count.isdigit():
            continue
        frames = body.split(";")
        match = _THREAD.match(frames[0])
        thread = re.sub(r"[_-]?\d+", "", match.group(1)) if match else "?"
        stacks.append((thread, [re.sub(r":\d+\)$", ")", f) for f in frames[1:]], int(count)))
    return stacks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", help="only stacks containing this text")
    parser.add_argument("--activities", action="store_true", help="only the share of each activity")
    parser.add_argument("--parts", action="store_true", help="only the share of each part of an HTTP command")
    parser.add_argument("--ms", type=float, help="with --parts: CPU ms per command, to print each part's ms")
    args = parser.parse_args()
    stacks = load(args.profile)
    if args.match:
        stacks = [s for s in stacks if any(args.match in f for f in s[1])]
    total = sum(c for _, _, c in stacks)
    print(f"{total} samples")
    threads: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for thread, frames, count in stacks:
        threads[thread] += count
        for frame in set(frames):
            inclusive[frame] += count
        if frames:
            own[frames[-1]] += count
    if args.parts:
        parts: Counter[str] = Counter()
        for _, frames, count in stacks:
            parts[command_part(frames)] += count
        for name, count in parts.most_common():
            ms = f"  {args.ms * count / total:5.2f} ms" if args.ms else ""
            print(f"  {100 * count / total:5.1f}%{ms}  {name}")
        return
    if args.activities:
        activities: Counter[str] = Counter()
        for thread, frames, count in stacks:
            text = ";".join(frames)
            name = next((label for label, key in ACTIVITIES if key in text), f"other ({thread} thread)")
            activities[name] += count
        for name, count in activities.most_common():
            print(f"  {100 * count / total:5.1f}%  {name}")
        return
    print("\nsamples per thread kind:")
    for name, count in threads.most_common():
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("\ninclusive:")
    for frame, count in inclusive.most_common(args.top):
        print(f"  {100 * count / total:5.1f}%  {frame}")
    print("\nself:")
    for frame, count in own.most_common(args.top):
        print(f"  {100 * count / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
