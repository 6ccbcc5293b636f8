"""Webhook receivers for the webhook benchmark, run as a process of their own so that their CPU
is not the dispatcher's: `python -m bench.webhook_receiver CONTROL_PORT NAME=PORT:DELAY_MS[:closed] …`.

Each receiver answers 204 over keep-alive HTTP/1.1 after its delay and counts what arrives:
calls, distinct events (`ce-id`), repeats, and order breaks (a task version not above the
last one seen for the same `ce-subject`). The control port answers `GET /stats` (JSON) and
`POST /open/NAME` (start listening on a receiver's port that was left closed: one down for a while).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from dataclasses import dataclass, field

VERSION = re.compile(rb'"task_version":\s*(\d+)')


@dataclass
class Counts:
    port: int
    delay: float
    calls: int = 0
    repeats: int = 0
    order_breaks: int = 0
    first_at: float | None = None
    last_at: float | None = None
    seen: set[bytes] = field(default_factory=set)
    last_version: dict[bytes, int] = field(default_factory=dict)

    def record(self, headers: dict[bytes, bytes], body: bytes) -> None:
        now = time.time()
        self.first_at = self.first_at or now
        self.last_at = now
        self.calls += 1
        event_id = headers.get(b"ce-id", b"")
        if event_id in self.seen:
            self.repeats += 1
            return
        self.seen.add(event_id)
        match = VERSION.search(body)
        subject = headers.get(b"ce-subject", b"")
        version = int(match.group(1)) if match else 0
        if version <= self.last_version.get(subject, 0):
            self.order_breaks += 1
        self.last_version[subject] = version

    def summary(self) -> dict[str, object]:
        return {"calls": self.calls, "events": len(self.seen), "repeats": self.repeats,
                "order_breaks": self.order_breaks, "first_at": self.first_at, "last_at": self.last_at}


async def _read(reader: asyncio.StreamReader) -> tuple[bytes, dict[bytes, bytes], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name:
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
    return lines[0], headers, body


def receiver(counts: Counts):  # type: ignore[no-untyped-def,unused-ignore]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                _, headers, body = await _read(reader)
                if counts.delay:
                    await asyncio.sleep(counts.delay)
                counts.record(headers, body)
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
    return handle


async def main(control_port: int, specs: list[str]) -> None:
    receivers: dict[str, Counts] = {}
    closed: set[str] = set()
    for spec in specs:
        name, _, rest = spec.partition("=")
        port, delay, *flags = rest.split(":")
        receivers[name] = Counts(int(port), int(delay) / 1000)
        if "closed" in flags:
            closed.add(name)
        else:
            await asyncio.start_server(receiver(receivers[name]), "127.0.0.1", int(port), backlog=1024)

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line, _, _ = await _read(reader)
        _, path, _ = request_line.decode().split(" ")
        if path.startswith("/open/") and path[6:] in closed:
            counts = receivers[path[6:]]
            closed.discard(path[6:])
            await asyncio.start_server(receiver(counts), "127.0.0.1", counts.port, backlog=1024)
        answer = json.dumps({name: c.summary() for name, c in receivers.items()}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                     + f"content-length: {len(answer)}\r\n\r\n".encode() + answer)
        await writer.drain()
        writer.close()

    await asyncio.start_server(control, "127.0.0.1", control_port)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2:]))
