"""The consumers' pull requests (`servicekit.pull`) against a real JetStream: batches in the
stream's order, what is there at once, a wait for what comes later, the server's errors."""

from __future__ import annotations

import asyncio

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import APIError

from servicekit import bus
from servicekit.pull import Pull
from services.plan.settings import PlanSettings
from tests.support import Namespace

pytestmark = pytest.mark.integration


async def test_batches_come_in_order_at_once_and_later_messages_are_waited_for(ns: Namespace) -> None:
    nc = await nats.connect(ns.nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, ns.settings(PlanSettings))
    subject = f"{ns.subject_root}.plan.Pulled.v1"
    await js.add_consumer(
        ns.stream,
        ConsumerConfig(
            durable_name="pulled", filter_subject=subject, ack_policy=AckPolicy.EXPLICIT, max_ack_pending=100
        ),
    )
    for number in range(10):
        await js.publish(subject, str(number).encode())
    pull = Pull(js, ns.stream, "pulled")
    await pull.start()
    try:
        full = await pull.fetch(4, timeout=5)
        assert [m.data for m in full] == [b"0", b"1", b"2", b"3"]
        started = asyncio.get_running_loop().time()
        rest = await pull.fetch(8, timeout=5)  # 6 are there: no waiting for the 8th
        assert [m.data for m in rest] == [str(n).encode() for n in range(4, 10)]
        assert asyncio.get_running_loop().time() - started < 4
        assert await pull.fetch(4, timeout=0.3) == []  # nothing more: empty after the timeout
        for message in [*full, *rest]:
            await message.ack()

        later = asyncio.create_task(pull.fetch(4, timeout=5))
        await asyncio.sleep(0.3)
        started = asyncio.get_running_loop().time()
        await js.publish(subject, b"10")
        assert [m.data for m in await later] == [b"10"]  # the first that comes, without waiting for 4
        assert asyncio.get_running_loop().time() - started < 4
        await js.publish(subject, b"11")
        await js.publish(subject, b"12")
        assert [m.data for m in await pull.fetch(4, timeout=5)] == [b"11", b"12"]
        assert await pull.fetch(4, timeout=0.3) == []
    finally:
        await pull.stop()

    with pytest.raises(APIError):  # no such consumer: the server's error, not an empty batch for ever
        missing = Pull(js, ns.stream, "missing")
        await missing.start()
        try:
            await missing.fetch(4, timeout=2)
        finally:
            await missing.stop()
    await nc.close()
