"""The outbox relay and the consumer helper against a real PostgreSQL and JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import asyncpg
import nats
import pytest

from contracts import wrap
from contracts.plan import TaskAssigned
from servicekit import bus
from servicekit.consumer import EventConsumer
from servicekit.db import ensure_database, open_pool
from servicekit.eventstore import postgres_env
from servicekit.outbox import OutboxRelay
from services.plan.application import Plans
from services.plan.messaging import translator
from services.plan.settings import PlanSettings
from tests.support import Namespace, eventually, read_stream

pytestmark = pytest.mark.integration
FIXTURE = Path(__file__).parents[1] / "contracts" / "fixtures" / "plan.TaskAssigned.v1.json"


def assigned(number: int) -> TaskAssigned:
    body = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return TaskAssigned.model_validate({**body, "event_id": str(uuid4()), "task_id": str(uuid4()), "number": number})


@contextlib.asynccontextmanager
async def running(coroutine_factory):
    stop = asyncio.Event()
    task = asyncio.create_task(coroutine_factory(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_relay_killed_between_publish_and_position_save_loses_and_duplicates_nothing(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings)
    await ensure_database(settings)
    app = await asyncio.to_thread(Plans, postgres_env(settings))
    now = datetime(2026, 1, 22, tzinfo=UTC)
    await asyncio.to_thread(app.register_unit, "SNV", "Sở Nội vụ", "co_quan", [], "u")
    plan_id, _ = await asyncio.to_thread(app.issue_plan, number="5/KH-SNV", year=2026, title="Kế hoạch",
                                         issuer="Sở Nội vụ", issued_on=None, signed_by=None, by="u", now=now)
    for n in range(40):
        await asyncio.to_thread(app.add_task, plan_id, quarter=1 + n % 4, title=f"Nhiệm vụ {n}",
                                lead_units=["SNV"], coordinating_units=[], due_date=None, by="u", now=now)
    nc = await bus.connect(settings)
    js = nc.jetstream()
    await bus.ensure_stream(js, settings)
    relay = OutboxRelay(app=app, translate=translator(app), js=js, dsn=settings.dsn_for(), service="plan",
                        subject_root=ns.subject_root, batch_size=25)
    crashes = 0
    confirm = relay._confirm

    async def confirm_then_die(sent):  # the batch reached JetStream, its position is never saved
        nonlocal crashes
        await confirm(sent)
        if crashes < 2:
            crashes += 1
            raise ConnectionResetError("relay killed before saving its position")

    relay._confirm = confirm_then_die  # type: ignore[method-assign]
    async with running(relay.run):
        async def relayed():
            assert relay.status.position == await asyncio.to_thread(app.recorder.max_notification_id)

        await eventually(relayed)
    await nc.close()
    messages = await read_stream(ns)
    assert len(messages) == 41  # PlanIssued + 40 TaskAssigned, each exactly once
    assert len({m.headers["Nats-Msg-Id"] for m in messages}) == 41
    assert relay.status.duplicates > 0  # the re-sent batches were dropped by JetStream
    assert [json.loads(m.data)["number"] for m in messages[1:]][:4] == [1, 1, 1, 1]
    await asyncio.to_thread(app.close)


@contextlib.asynccontextmanager
async def consumer_for(ns: Namespace, handler, **options):
    settings = ns.settings(PlanSettings, database=f"{ns.db_prefix}consumer")
    await ensure_database(settings)
    pool = await open_pool(settings)
    await pool.execute("CREATE TABLE applied (n int, event_id uuid)")
    nc = await nats.connect(ns.nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, settings)
    consumer = EventConsumer(name="test-consumer", js=js, pool=pool, stream=ns.stream, subject_root=ns.subject_root,
                             handlers={TaskAssigned: handler}, backoff=(0.05, 0.1, 0.2), **options)
    await consumer.ensure()
    try:
        async with running(consumer.run):
            yield consumer, js, pool
    finally:
        await nc.close()
        await pool.close()


async def publish(js, root: str, *events: TaskAssigned) -> None:
    for event in events:
        envelope = wrap(event, root)
        headers = {**envelope.headers, "Nats-Msg-Id": str(event.event_id)}
        await js.publish(envelope.subject, envelope.body, headers=headers)


async def applied(pool: asyncpg.Pool) -> list[int]:
    return [r["n"] for r in await pool.fetch("SELECT n FROM applied ORDER BY ctid")]


def failing(failures: dict[int, int]):
    """A handler that records each event, after failing `failures[number]` times on that number."""
    async def handle(conn, event) -> None:
        if failures.get(event.number, 0) > 0:
            failures[event.number] -= 1
            raise RuntimeError(f"handler failed on {event.number}")
        await conn.execute("INSERT INTO applied VALUES ($1, $2)", event.number, event.event_id)

    return handle


async def test_a_failing_event_is_retried_and_the_events_behind_it_keep_their_order(ns: Namespace) -> None:
    failures = {2: 2}
    async with consumer_for(ns, failing(failures), max_deliver=5) as (consumer, js, pool):
        await publish(js, ns.subject_root, *(assigned(n) for n in range(1, 6)))

        async def done():
            assert await applied(pool) == [1, 2, 3, 4, 5]

        await eventually(done)
        assert failures == {2: 0}  # it failed twice (once inside the batch, once alone), then applied
        assert consumer.status.retried >= 1
        assert consumer.status.dead_lettered == 0


async def test_an_event_that_always_fails_goes_to_dead_letters_and_the_stream_moves_on(ns: Namespace) -> None:
    async def handle(conn, event) -> None:
        if event.number == 2:
            raise ValueError("cannot apply event 2")
        await conn.execute("INSERT INTO applied VALUES ($1, $2)", event.number, event.event_id)

    async with consumer_for(ns, handle, max_deliver=3) as (consumer, js, pool):
        await publish(js, ns.subject_root, *(assigned(n) for n in range(1, 5)))

        async def done():
            assert await applied(pool) == [1, 3, 4]

        await eventually(done)
        assert consumer.status.dead_lettered == 1
    dead = await read_stream(ns, f"{ns.subject_root}.dlq.test-consumer")
    assert len(dead) == 1
    assert dead[0].headers["tdkt-dlq-reason"] == "ValueError: cannot apply event 2"
    assert dead[0].headers["tdkt-dlq-attempts"] == "3"
    assert json.loads(dead[0].data)["number"] == 2


async def test_infrastructure_failures_are_retried_without_limit_and_never_dead_lettered(ns: Namespace) -> None:
    failures = {1: 6}

    async def handle(conn, event) -> None:
        if failures.get(event.number, 0) > 0:
            failures[event.number] -= 1
            raise ConnectionRefusedError("database is restarting")
        await conn.execute("INSERT INTO applied VALUES ($1, $2)", event.number, event.event_id)

    async with consumer_for(ns, handle, max_deliver=2) as (consumer, js, pool):
        await publish(js, ns.subject_root, assigned(1), assigned(2))

        async def done():
            assert await applied(pool) == [1, 2]

        await eventually(done)
        assert failures == {1: 0}
        assert consumer.status.dead_lettered == 0


async def test_a_consumer_that_recovers_reports_no_old_error_even_with_nothing_to_consume(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings, database=f"{ns.db_prefix}recovery")
    await ensure_database(settings)
    pool = await open_pool(settings)
    nc = await nats.connect(ns.nats_url)
    js = nc.jetstream()

    async def handle(conn, event) -> None:
        pass

    consumer = EventConsumer(name="late-stream", js=js, pool=pool, stream=ns.stream, subject_root=ns.subject_root,
                             handlers={TaskAssigned: handle})
    try:
        async with running(consumer.run):
            async def failed():  # the stream does not exist yet
                assert consumer.status.last_error is not None

            await eventually(failed)
            await bus.ensure_stream(js, settings)

            async def recovered():
                assert consumer.status.last_error is None

            await eventually(recovered, timeout=30)
            assert consumer.status.processed == 0
    finally:
        await nc.close()
        await pool.close()


async def test_a_relay_reports_no_old_error_once_connected_standing_by_or_leading(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings, database=f"{ns.db_prefix}standby")
    await ensure_database(settings)
    app = await asyncio.to_thread(Plans, postgres_env(settings))
    nc = await bus.connect(settings)
    js = nc.jetstream()
    await bus.ensure_stream(js, settings)
    relay = OutboxRelay(app=app, translate=translator(app), js=js, dsn=settings.dsn_for(), service="plan",
                        subject_root=ns.subject_root)
    other = await asyncpg.connect(settings.dsn_for())  # another replica's relay leads
    await other.fetchval("SELECT pg_advisory_lock($1)", relay._lock_key)
    # What a round that could not reach the database (restarted a moment ago) left behind.
    relay.status.last_error = "ConnectionRefusedError: [Errno 111] Connect call failed"
    try:
        async with running(relay.run):
            async def standing_by():
                assert (relay.status.is_leader, relay.problem()) == (False, None)

            await eventually(standing_by, timeout=30)
            relay.status.last_error = "ConnectionRefusedError: [Errno 111] Connect call failed"
            await other.fetchval("SELECT pg_advisory_unlock($1)", relay._lock_key)

            async def leading():  # nothing to publish: caught up, the old error is over too
                assert (relay.status.is_leader, relay.problem()) == (True, None)

            await eventually(leading, timeout=30)
    finally:
        await other.close()
        await nc.close()


async def test_a_consumer_that_steps_down_reports_no_error_of_its_last_round(ns: Namespace) -> None:
    settings = ns.settings(PlanSettings, database=f"{ns.db_prefix}stepdown")
    await ensure_database(settings)
    pool = await open_pool(settings)
    nc = await nats.connect(ns.nats_url)

    async def handle(conn, event) -> None:
        pass

    consumer = EventConsumer(name="stepping-down", js=nc.jetstream(), pool=pool, stream=ns.stream,
                             subject_root=ns.subject_root, handlers={TaskAssigned: handle})
    try:
        async with running(consumer.run):  # leading, while the bus has no stream for it
            async def failing():
                assert consumer.status.last_error is not None

            await eventually(failing)
        # Stepped down (another replica leads it now): readiness must not keep this one out of service.
        assert consumer.status.last_error is None
    finally:
        await nc.close()
        await pool.close()


async def test_batches_fetched_ahead_keep_their_order_and_go_back_in_order_when_stopping(ns: Namespace) -> None:
    """A full batch of 4: the next batch is fetched while one is applied, twice as large (a backlog:
    5–12, then 13–20). Stopping in the middle (while the 2nd batch is applied, the 3rd already
    fetched) hands the fetched batch back at once (ack_wait is far longer than the test), and the
    next run applies the rest, in order."""
    stop_at = 6

    async def handle(conn, event) -> None:
        await conn.execute("INSERT INTO applied VALUES ($1, $2)", event.number, event.event_id)
        if event.number == stop_at:
            consumer._stop.set()

    nc = await nats.connect(ns.nats_url)
    await bus.ensure_stream(nc.jetstream(), ns.settings(PlanSettings))
    await publish(nc.jetstream(), ns.subject_root, *(assigned(n) for n in range(1, 21)))
    await nc.close()
    async with consumer_for(ns, handle, batch_size=4, ack_wait=300) as (consumer, _, pool):
        async def stopped():
            assert await applied(pool) == list(range(1, 13))  # the 2nd batch (5–12) committed with its 6th event

        await eventually(stopped)
        stop_at = 0
        async with running(consumer.run):
            async def done():
                assert await applied(pool) == list(range(1, 21))

            await eventually(done, timeout=30)
        assert (consumer.status.processed, consumer.status.duplicates) == (20, 0)
