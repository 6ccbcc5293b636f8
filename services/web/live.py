"""Live updates: the web service follows the bus (a plain NATS subscription to the plan and
nomination subjects: ephemeral, new messages only, nothing acknowledged or stored) and hands each
event to the open pages allowed to see it, as server-sent events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout

from services.web.format import event_line
from services.web.sessions import Person

log = logging.getLogger(__name__)
PROVINCE_ROLES = {"admin", "planner", "appraiser", "council_member", "council_secretary", "chair", "auditor"}


def units_of(data: dict[str, Any]) -> set[str]:
    """The units an event concerns: a dossier's unit, a task's lead and coordinating units."""
    units = {data["unit_code"]} if data.get("unit_code") else set()
    for key in ("lead_units", "coordinating_units", "previous_lead_units", "previous_coordinating_units"):
        units |= {u["code"] for u in data.get(key) or [] if isinstance(u, dict) and "code" in u}
    return units


def visible(person: Person, data: dict[str, Any]) -> bool:
    """Province roles see every event; a unit's clerk only the events of their unit."""
    if person.roles & PROVINCE_ROLES:
        return True
    return person.unit is not None and person.unit in units_of(data)


@dataclass(eq=False)  # each open page is its own listener
class Listener:
    person: Person
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(maxsize=100))


class Hub:
    def __init__(self) -> None:
        self.listeners: set[Listener] = set()
        self.received = 0

    @contextlib.contextmanager
    def listen(self, person: Person) -> Any:
        listener = Listener(person)
        self.listeners.add(listener)
        try:
            yield listener
        finally:
            self.listeners.discard(listener)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        self.received += 1
        update = {"kind": kind, "text": event_line(kind, data), "dossier_id": str(data.get("dossier_id") or ""),
                  "task_id": str(data.get("task_id") or "")}
        for listener in list(self.listeners):
            if visible(listener.person, data):
                with contextlib.suppress(asyncio.QueueFull):
                    listener.queue.put_nowait(update)


FOLLOWS = ("plan.>", "nomination.>")  # below the subject root; the NATS user may read only these


async def follow(nc: Client, subject_root: str, hub: Hub, stop: asyncio.Event) -> None:
    """Until `stop`: every new event of the plan and nomination services into the hub."""
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=10_000)

    async def received(message: Any) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(message)

    subscriptions = [await nc.subscribe(f"{subject_root}.{subject}", cb=received) for subject in FOLLOWS]
    try:
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(queue.get(), 0.5)
            except (TimeoutError, NatsTimeout):
                continue
            parts = message.subject.split(".")
            if len(parts) < 4 or parts[1] not in {"plan", "nomination"}:
                continue
            with contextlib.suppress(ValueError):
                hub.publish(parts[2], json.loads(message.data))
    finally:
        for subscription in subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
