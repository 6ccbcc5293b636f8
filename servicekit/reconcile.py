"""Reconciliation of a service with the bus (`tdkt reconcile`, `POST /admin/reconcile`).

A publishing service compares the events it stored with the messages of its subjects on the
stream (by the `Nats-Msg-Id: <service>:<notification id>` the outbox relay gives each, and
`<service>:<notification id>:v<N>` to a further version of the same event):
- lost: relayed (at or below the relay's saved position), meant for the bus, not on the
  stream. With `republish`, each is published again, under its own id, or under
  `<id>:reconciled` when JetStream still remembers the lost message's id (inside its
  duplicate window); consumers de-duplicate on the event id either way;
- duplicated: one stored event on the stream more than once;
- pending: stored after the relay's position (on their way).
Its views: the position each has applied, against the last stored event.

A consuming service compares, per durable consumer, the events on the stream for its
subjects with the events it applied (`processed_events`) or set aside (dead letters): lost
are events the consumer has acknowledged past without either; duplicated are events applied
more than once.

A service adds what else it delivers (`runtime.reconcilers`): the notification service its
webhooks (services.notification.reconcile).

The stream is read with the service's own reconciliation consumer (`reconcile-<service>`,
allowed by servicekit.natsauth), headers only, nothing acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from pydantic import BaseModel

from servicekit.auth import Principal, Role, require
from servicekit.outbox import OutboxRelay, message_key

log = logging.getLogger(__name__)
PAGE = 1000


class Finding(BaseModel):
    """One thing compared: the service's events with the stream, a view, or a consumer."""

    name: str
    kind: str  # "publisher", "view", "consumer" or "webhook"
    expected: int  # events stored and meant for the bus / events on the stream for the consumer
    found: int  # messages on the stream / events applied (+ set aside as dead letters)
    lost: int
    duplicated: int
    pending: int = 0
    republished: int = 0
    lost_ids: list[str] = []


class Reconciliation(BaseModel):
    service: str
    findings: list[Finding]

    @property
    def clean(self) -> bool:
        return all(f.lost == 0 and f.duplicated == 0 for f in self.findings)


async def stream_headers(js: JetStreamContext, stream: str, subjects: Sequence[str],
                         name: str) -> list[tuple[int, dict[str, str]]]:
    """(stream sequence, headers) of every message of `subjects`, oldest first."""
    with contextlib.suppress(NotFoundError):
        await js.delete_consumer(stream, name)
    filters = {"filter_subjects": list(subjects)} if len(subjects) > 1 else {"filter_subject": subjects[0]}
    config = ConsumerConfig(name=name, durable_name=name, deliver_policy=DeliverPolicy.ALL,
                            ack_policy=AckPolicy.NONE, headers_only=True, inactive_threshold=120.0,
                            max_ack_pending=-1, **filters)
    info = await js.add_consumer(stream, config)
    remaining = info.num_pending or 0
    found: list[tuple[int, dict[str, str]]] = []
    subscription = await js.pull_subscribe_bind(durable=name, stream=stream)
    try:
        while remaining > 0:
            try:
                messages = await subscription.fetch(min(PAGE, remaining), timeout=5)
            except TimeoutError:
                break
            for message in messages:
                found.append((message.metadata.sequence.stream, dict(message.headers or {})))
            remaining -= len(messages)
    finally:
        with contextlib.suppress(Exception):
            await subscription.unsubscribe()
        with contextlib.suppress(Exception):
            await js.delete_consumer(stream, name)
    return found


async def reconcile_publisher(relay: OutboxRelay, js: JetStreamContext, stream: str, position: int,
                              *, republish: bool) -> Finding:
    recorder = relay.app.recorder
    # Each message the relay meant (a stored event may give several versions), by `message_key`.
    meant: dict[str, tuple[str, bytes, dict[str, str], dict[str, str]]] = {}
    pending = 0
    start = 1
    while True:
        batch = await asyncio.to_thread(recorder.select_notifications, start, PAGE)
        for notification in batch:
            messages = relay.messages(notification)
            if notification.id > position:
                pending += len(messages)
                continue
            for message in messages:
                key = message_key(message[2]["Nats-Msg-Id"], relay.service)
                assert key is not None
                meant[key] = message
        if len(batch) < PAGE:
            break
        start = batch[-1].id + 1
    on_stream = await stream_headers(js, stream, [f"{relay.subject_root}.{relay.service}.>"],
                                     f"reconcile-{relay.service}")
    seen = Counter(key for _, headers in on_stream
                   if (key := message_key(headers.get("Nats-Msg-Id", ""), relay.service)) is not None)
    lost = sorted(set(meant) - set(seen), key=lambda key: [int(part.lstrip("v")) for part in key.split(":")])
    republished = 0
    if republish:
        for key in lost:
            subject, body, headers, _ = meant[key]
            ack = await js.publish(subject, body, headers=headers)
            if ack.duplicate:  # JetStream still remembers the lost message's id
                ack = await js.publish(subject, body, headers={
                    **headers, "Nats-Msg-Id": f"{headers['Nats-Msg-Id']}:reconciled"})
            republished += 0 if ack.duplicate else 1
            log.warning("reconcile %s: notification %s was not on the bus; republished (stream seq %d)",
                        relay.service, key, ack.seq)
    return Finding(name=relay.service, kind="publisher", expected=len(meant),
                   found=sum(1 for n in seen if n in meant), lost=len(lost),
                   duplicated=sum(count - 1 for n, count in seen.items() if n in meant and count > 1),
                   pending=pending, republished=republished, lost_ids=lost[:100])


async def reconcile_consumer(runtime: Any, consumer: Any) -> Finding:
    """Events of the consumer's subjects on the stream against those it applied or set aside."""
    js: JetStreamContext = runtime.js
    on_stream = await stream_headers(js, consumer.stream, consumer.subjects, f"reconcile-{runtime.settings.service}")
    try:
        info = await js.consumer_info(consumer.stream, consumer.name)
        floor = info.ack_floor.stream_seq if info.ack_floor else 0
    except NotFoundError:
        floor = 0
    events: dict[UUID, int] = {}
    for seq, headers in on_stream:
        with contextlib.suppress(KeyError, ValueError):
            events.setdefault(UUID(headers["ce-id"]), seq)
    rows = await runtime.pool.fetch(
        "SELECT event_id, count(*) AS n FROM processed_events WHERE consumer = $1 GROUP BY event_id", consumer.name)
    applied = {row["event_id"]: row["n"] for row in rows}
    letters = await runtime.pool.fetch("SELECT event_id FROM dead_letters WHERE source = $1", consumer.name)
    set_aside = {UUID(str(row["event_id"])) for row in letters if row["event_id"]}
    settled = set(applied) | set_aside
    lost = sorted(str(e) for e, seq in events.items() if seq <= floor and e not in settled)
    pending = sum(1 for e, seq in events.items() if seq > floor and e not in settled)
    return Finding(name=consumer.name, kind="consumer", expected=len(events),
                   found=sum(1 for e in events if e in settled), lost=len(lost),
                   duplicated=sum(n - 1 for n in applied.values() if n > 1), pending=pending,
                   lost_ids=lost[:100])


async def reconcile(runtime: Any, *, republish: bool) -> Reconciliation:
    findings: list[Finding] = []
    relay: OutboxRelay | None = runtime.relay_running
    if relay is not None:
        position = await runtime.pool.fetchval(
            "SELECT notification_id FROM outbox_position WHERE relay = $1", relay.service) or 0
        findings.append(await reconcile_publisher(relay, runtime.js, runtime.settings.stream_name, int(position),
                                                  republish=republish))
        last = await asyncio.to_thread(relay.app.recorder.max_notification_id) or 0
        for view in runtime.view_runners:
            applied = await asyncio.to_thread(view.view.max_tracking_id, view.app_name) or 0
            findings.append(Finding(name=view.name, kind="view", expected=last, found=applied, lost=0,
                                    duplicated=0, pending=last - applied))
    for consumer in runtime.consumers_observed:
        findings.append(await reconcile_consumer(runtime, consumer))
    for reconciler in runtime.reconcilers:  # a service's own deliveries (the notification's webhooks)
        findings.extend(await reconciler())
    return Reconciliation(service=runtime.settings.service, findings=findings)


Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
router = APIRouter(prefix="/admin/reconcile", tags=["admin"])


@router.post("")
async def reconcile_now(request: Request, _: Admin, republish: bool = True) -> Reconciliation:
    """Compare the events stored, the messages on the stream and what each view or consumer
    applied; say what is lost or duplicated, and republish what the bus lacks."""
    return await reconcile(request.app.state.runtime, republish=republish)
