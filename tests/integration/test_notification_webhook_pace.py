# ruff: noqa: F811 (the fixture `receivers` is imported by name)
"""Webhooks that keep pace: a slow or dead webhook holds only itself, a circuit stops calling a
dead one and a returning one gets its backlog in order; per-subject order with a window of
calls; two replicas deliver each event once."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from uuid import uuid4

import pytest

from tests.integration.test_notification_service import assigned, ids
from tests.integration.webhook_receivers import (  # noqa: F401
    INTEGRATOR,
    deliveries,
    notification_app,
    publish,
    receivers,
    subscribe,
)
from tests.support import Namespace, eventually, serve

pytestmark = pytest.mark.integration


def closed_port() -> int:
    """A port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def circuit_of(client, subscription_id: str) -> str | None:
    listed = (await client.get("/subscriptions", headers=INTEGRATOR)).json()
    return next(s["circuit_open_until"] for s in listed if s["id"] == subscription_id)


async def test_slow_and_dead_webhooks_hold_only_themselves_and_the_dead_one_gets_its_backlog(
    ns: Namespace, receivers
) -> None:
    fast, slow = await receivers(), await receivers(delay=0.2)
    port = closed_port()
    app = notification_app(ns, circuit_failures=3, circuit_open_s=[0.3], dispatch_backoff_s=[0.05],
                           dispatch_max_attempts=1000)
    async with serve(app) as client:
        await subscribe(client, fast.url)
        await subscribe(client, slow.url)
        dead = await subscribe(client, f"http://127.0.0.1:{port}/hooks/tdkt")
        events = [assigned(n) for n in range(1, 21)]
        await publish(ns, events)

        async def fast_done():
            assert [r.event_id for r in fast.requests] == ids(*events)

        await eventually(fast_done)
        # The fast one is through while the slow one (0.2 s a call, in order) is not, and the
        # dead one's circuit is open: it is not called on every retry.
        assert len(slow.requests) < len(events)

        async def dead_circuit_open():  # open between half-open probes, which a loaded machine may catch
            assert await circuit_of(client, dead["id"]) is not None

        await eventually(dead_circuit_open)
        [first] = {d["event_id"] for d in await deliveries(client, dead["id"]) if d["attempts"]}
        assert first == str(events[0].event_id)

        revived = await receivers(port=port)  # the dead one comes back

        async def backlog_delivered():
            assert [r.event_id for r in revived.requests] == ids(*events)
            assert [r.event_id for r in slow.requests] == ids(*events)

        await eventually(backlog_delivered, timeout=30)

        async def circuit_closed():
            assert await circuit_of(client, dead["id"]) is None

        await eventually(circuit_closed)
        rows = await deliveries(client, dead["id"], limit=50)
        assert {d["status"] for d in rows} == {"delivered"} and len(rows) == len(events)
        assert all(a["error"] == "không kết nối được" for a in rows[-1]["attempt_log"][:-1])


async def test_per_subject_order_sends_subjects_side_by_side(ns: Namespace, receivers) -> None:
    receiver = await receivers(delay=0.05)
    tasks = [uuid4() for _ in range(6)]
    events = [assigned(n, task, version) for version in range(1, 5) for n, task in enumerate(tasks, 1)]
    async with serve(notification_app(ns)) as client:
        sub = await subscribe(client, receiver.url, ordering="subject", window=4)
        assert (sub["ordering"], sub["window"]) == ("subject", 4)
        await publish(ns, events)

        async def all_received():
            assert sorted(r.event_id for r in receiver.requests) == sorted(ids(*events))

        await eventually(all_received)
        assert 1 < receiver.most_in_flight <= 4
        for task in tasks:
            seen = [r for r in receiver.requests if r.headers["ce-subject"] == f"tasks/{task}"]
            assert [r.event_id for r in seen] == ids(*(e for e in events if e.task_id == task))


async def test_two_replicas_deliver_each_event_once_and_one_takes_over(ns: Namespace, receivers) -> None:
    receiver = await receivers()
    first_batch = [assigned(n) for n in range(1, 31)]
    second_batch = [assigned(n) for n in range(31, 41)]
    stack = contextlib.AsyncExitStack()
    async with stack:
        one = await stack.enter_async_context(serve(notification_app(ns)))
        await subscribe(one, receiver.url)
        async with serve(notification_app(ns)):
            await publish(ns, first_batch)

            async def first_received():
                assert len(receiver.requests) >= len(first_batch)

            await eventually(first_received)
            await asyncio.sleep(0.3)  # time for a second copy to arrive, were one sent
            assert [r.event_id for r in receiver.requests] == ids(*first_batch)
        await publish(ns, second_batch)  # replica two has stopped; one serves alone (or takes over)

        async def all_received():
            assert len(receiver.requests) >= len(first_batch) + len(second_batch)

        await eventually(all_received)
        await asyncio.sleep(0.3)
        assert [r.event_id for r in receiver.requests] == ids(*first_batch, *second_batch)
