"""Durable JetStream consumers that apply each event exactly once to a PostgreSQL store.

- Every event is applied in the same transaction as a `processed_events(consumer, event_id)`
  row, so a redelivered or duplicated message changes nothing.
- A fetched batch is applied in one transaction (one commit for many events): one statement
  records the batch's `processed_events` rows and says which events are new, then the handlers
  run for those, in order. When that fails, the batch is re-applied one event per transaction
  to isolate the failing event. A type may also have a batch handler: a run of consecutive
  new events whose types share one batch handler is then applied by one call (e.g. one
  `INSERT … SELECT unnest(…)`), which must leave the store as the events applied one by one
  would; one by one, the batch handler applies it as a list of one. A type with a batch handler
  is always applied by it, in a batch or alone (`_route`); its own handler, if it has one, is not used.
  A batch is one trace span (linked to its messages' traces); within it, an event applied by its
  own handler has a span in its message's trace, a run applied by a batch handler none of its own.
- After a full batch (a backlog: a rebuild, a catch-up) the next one is fetched while it is
  applied, twice as large (fewer commits; with the batch fetched ahead still within the
  consumer's `max_ack_pending`), and read (its CloudEvents decoded and validated) while this
  one's statements run in PostgreSQL; the next is applied only once this one is acknowledged,
  and a batch's acknowledgements go to the server as one write.
- A failing event is retried in place with back-off, holding its message and every message
  behind it (un-acked, kept alive with `in_progress()`), so no later event overtakes it. After
  `max_deliver` attempts it moves to the dead-letter subject `<root>.dlq.<consumer>` with the
  error, and the stream moves on. Unreadable messages (not a CloudEvent of a known contract)
  go there at once. Database outages are retried without limit and never dead-lettered.
- The fetch loop is our own: FastStream 0.7.8's batch loop lets nats-py's bare
  `asyncio.TimeoutError` escape and drops the partial batch until `ack_wait` (see
  docs/architecture.md); processing also has to stay strictly sequential. So are the pull
  requests (`servicekit.pull`): nats-py's `fetch` spends a task and a `wait_for` on each message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from opentelemetry import propagate, trace
from opentelemetry.context import Context

from contracts import EnvelopeError, IntegrationEvent, unwrap
from servicekit import deadletters
from servicekit.bus import dlq_subject
from servicekit.db import create_schema
from servicekit.pull import Pull, ack_all
from servicekit.telemetry import distinct_origins

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[asyncpg.Connection, IntegrationEvent], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, Sequence[IntegrationEvent]], Awaitable[None]]

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_events (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    stream_seq bigint,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
)
"""

TRANSIENT = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)

# A batch's span links to the traces of its first messages, one link per distinct trace and no
# more than this many (the SDK takes 3–5 µs a link: 128 links cost a seventh of a rebuilt event's
# CPU); the span also names the stream sequences it applied, so any message's batch can be found.
LINKS_PER_BATCH = 16

# Errors that come back the same on every attempt (a value PostgreSQL cannot store, such as a
# NUL in a text): dead-lettered at once instead of holding the events behind for minutes.
DETERMINISTIC = (asyncpg.DataError,)


@dataclass
class ConsumerStatus:
    processed: int = 0
    duplicates: int = 0
    retried: int = 0
    dead_lettered: int = 0
    last_error: str | None = None


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        js: JetStreamContext,
        pool: asyncpg.Pool,
        stream: str,
        subject_root: str,
        handlers: Mapping[type[IntegrationEvent], Handler],
        batch_handlers: Mapping[type[IntegrationEvent], BatchHandler] | None = None,
        subjects: Sequence[str] | None = None,
        fallback: Handler | None = None,
        max_deliver: int = 5,
        backoff: Sequence[float] = (1, 5, 30, 120, 600),
        batch_size: int = 256,
        fetch_timeout: float = 1.0,
        ack_wait: float = 60.0,
    ) -> None:
        self.name = name
        self.js = js
        self.pool = pool
        self.stream = stream
        self.subject_root = subject_root
        self.handlers = dict(handlers)
        self.batch_handlers = dict(batch_handlers or {})
        self.fallback = fallback
        self._routes: dict[type[IntegrationEvent], tuple[BatchHandler | None, Handler | None]] = {}
        self.subjects = list(subjects or [cls.subject_for(subject_root)
                                          for cls in {**self.handlers, **self.batch_handlers}])
        if not self.subjects:
            raise ValueError("a consumer needs handlers or subjects")
        self.max_deliver = max_deliver
        self.backoff = list(backoff)
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout
        self.ack_wait = ack_wait
        self.status = ConsumerStatus()
        self._stop = asyncio.Event()
        self._ahead: asyncio.Future[list[Msg]] | None = None  # the next batch, fetched while one is applied
        self._read_ahead: tuple[list[Msg], _Read] | None = None  # and what was read of it meanwhile

    def config(self, deliver_policy: DeliverPolicy = DeliverPolicy.ALL) -> ConsumerConfig:
        filters = {"filter_subjects": self.subjects} if len(self.subjects) > 1 else {
            "filter_subject": self.subjects[0]
        }
        return ConsumerConfig(
            name=self.name,
            durable_name=self.name,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=deliver_policy,
            ack_wait=self.ack_wait,
            max_deliver=-1,
            max_ack_pending=self.max_ack_pending,
            **filters,
        )

    async def ensure(self) -> None:
        """Create the tracking table and the durable consumer (idempotent)."""
        await create_schema(self.pool, SCHEMA, deadletters.SCHEMA)
        await self.js.add_consumer(self.stream, self.config())

    async def reset(self, clear: Callable[[asyncpg.Connection], Awaitable[None]]) -> None:
        """Forget everything consumed: `clear` empties the read model in the same
        transaction as the tracking rows; the consumer restarts from sequence 1."""
        with contextlib.suppress(NotFoundError):
            await self.js.delete_consumer(self.stream, self.name)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM processed_events WHERE consumer = $1", self.name)
            await clear(conn)
        await self.ensure()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; survives bus and database outages."""
        self._stop = stop
        delay = 0.5
        while not stop.is_set():
            try:
                await self.ensure()
                pull = Pull(self.js, self.stream, self.name)
                await pull.start()
                self.status.last_error = None  # recovered: readiness must not report an old error
                try:
                    await self._consume(pull, stop)
                    delay = 0.5
                finally:
                    with contextlib.suppress(Exception):
                        await pull.stop()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.status.last_error = f"{type(error).__name__}: {error}"
                log.warning("consumer %s interrupted: %s; retrying in %.1fs", self.name, error, delay)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(delay * 2, 10.0)
        # Stopped (this replica stepped down, or shuts down): an error of its last round is not
        # this replica's to report any more; the replica that leads the consumer now reports its own.
        self.status.last_error = None

    async def _consume(self, pull: Pull, stop: asyncio.Event) -> None:
        """Fetch and apply batches in order. After a full batch (a backlog: a rebuild, a catch-up)
        the next batch is fetched while this one is applied; it is applied only after this one is
        acknowledged, kept alive while this one's events are retried (`_hold`), handed back in
        order when stopping, and left to `ack_wait` like this one when interrupted."""
        try:
            while not stop.is_set():
                if self._ahead is not None:
                    fetched, self._ahead = self._ahead, None
                    messages = await fetched
                else:
                    messages = await self._fetch(pull)
                if len(messages) >= self.batch_size:  # a backlog: larger batches, fewer commits
                    self._ahead = asyncio.ensure_future(self._fetch_and_read(pull, self.backlog_batch_size))
                if messages:
                    await self.process(messages)
            if self._ahead is not None:  # stopping: after this batch's, in order, for the next run
                fetched, self._ahead = self._ahead, None
                for message in [*await fetched, *pull.take()]:
                    await message.nak()
        finally:
            self._read_ahead = None
            if self._ahead is not None:
                fetched, self._ahead = self._ahead, None
                fetched.cancel()
                with contextlib.suppress(BaseException):
                    await fetched

    async def _fetch(self, pull: Pull, size: int | None = None) -> list[Msg]:
        return await pull.fetch(size or self.batch_size, self.fetch_timeout)

    async def _fetch_and_read(self, pull: Pull, size: int) -> list[Msg]:
        """A batch fetched ahead, read as soon as it has come (while the batch before is in PostgreSQL)."""
        messages = await self._fetch(pull, size)
        self._read_ahead = (messages, _read(messages))
        return messages

    @property
    def backlog_batch_size(self) -> int:
        """A batch fetched ahead in a backlog: as large as `max_ack_pending` allows beside the one applied."""
        return self.max_ack_pending // 2

    @property
    def max_ack_pending(self) -> int:
        return self.batch_size * 4

    async def process(self, messages: Sequence[Msg]) -> None:
        ahead, self._read_ahead = self._read_ahead, None
        readable, sequences, unreadable = ahead[1] if ahead is not None and ahead[0] is messages else _read(messages)
        for message, error in unreadable:
            await self._dead_letter(message, f"unreadable message: {error}")
        if not readable:
            return
        try:
            with self._batch_span([message for message, _ in readable], sequences):
                async with self.pool.acquire() as conn, conn.transaction():
                    fresh = await self._claim(conn, readable, sequences)
                    await self._handle_all(conn, fresh)
            applied = len(fresh)
        except Exception:
            await self._process_one_by_one(readable)
            return
        self._count(applied, len(readable))
        await ack_all([message for message, _ in readable])

    async def _process_one_by_one(self, readable: list[tuple[Msg, IntegrationEvent]]) -> None:
        for index, (message, event) in enumerate(readable):
            waiting = [m for m, _ in readable[index:]]
            if not await self._apply_with_retries(message, event, waiting):
                for later in waiting:  # stopping: hand them back, in order, for the next run
                    await later.nak()
                return

    async def _apply_with_retries(self, message: Msg, event: IntegrationEvent, waiting: list[Msg]) -> bool:
        """Apply one event until it succeeds or is dead-lettered (True), or the consumer stops (False)."""
        attempt = max(_delivered(message), 1)
        while True:
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    applied = await self._apply(conn, message, event)
            except Exception as error:
                self.status.last_error = f"{type(error).__name__}: {error}"
                final = isinstance(error, DETERMINISTIC) or attempt >= self.max_deliver
                if final and not isinstance(error, TRANSIENT):
                    await self._dead_letter(message, f"{type(error).__name__}: {error}", attempt)
                    return True
                log.warning("consumer %s: %s failed (attempt %d): %s", self.name, message.subject, attempt, error)
                self.status.retried += 1
                if not await self._hold(waiting, self._delay(attempt)):
                    return False
                attempt += 1
                continue
            self._count(applied, 1)
            await message.ack()
            return True

    async def _hold(self, messages: list[Msg], delay: float) -> bool:
        """Wait before a retry, keeping the held messages (and the batch fetched ahead) from being
        redelivered meanwhile."""
        deadline = asyncio.get_running_loop().time() + delay
        while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
            for message in [*messages, *self._fetched_ahead()]:
                await message.in_progress()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), min(remaining, self.ack_wait / 3))
            if self._stop.is_set():
                return False
        return True

    def _fetched_ahead(self) -> list[Msg]:
        ahead = self._ahead
        if ahead is None or not ahead.done() or ahead.cancelled() or ahead.exception() is not None:
            return []
        return ahead.result()

    async def _claim(self, conn: asyncpg.Connection, readable: list[tuple[Msg, IntegrationEvent]],
                     sequences: list[int | None]) -> list[tuple[Msg, IntegrationEvent]]:
        """Record the batch's processed_events rows in one statement; the events not seen
        before, in order (an event twice in the batch counts once, like one by one)."""
        inserted = await conn.fetch(
            "INSERT INTO processed_events (consumer, event_id, stream_seq) "
            "SELECT $1, e.event_id, e.stream_seq FROM unnest($2::uuid[], $3::bigint[]) AS e(event_id, stream_seq) "
            "ON CONFLICT DO NOTHING RETURNING event_id",
            self.name,
            [event.event_id for _, event in readable],
            sequences,
        )
        new = {row["event_id"] for row in inserted}
        fresh = []
        for message, event in readable:
            if event.event_id in new:
                new.discard(event.event_id)
                fresh.append((message, event))
        return fresh

    async def _apply(self, conn: asyncpg.Connection, message: Msg, event: IntegrationEvent) -> int:
        inserted = await conn.fetchval(
            "INSERT INTO processed_events (consumer, event_id, stream_seq) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING RETURNING true",
            self.name,
            event.event_id,
            _stream_seq(message),
        )
        if not inserted:
            return 0
        await self._handle(conn, message, event)
        return 1

    async def _handle_all(self, conn: asyncpg.Connection, fresh: list[tuple[Msg, IntegrationEvent]]) -> None:
        """Apply new events in order; a run of events that share a batch handler in one call."""
        start = 0
        while start < len(fresh):
            batch_handler, _ = self._route(type(fresh[start][1]))
            if batch_handler is None:  # its own span, in its message's trace: what it stores or sends carries it on
                await self._handle(conn, *fresh[start])
                start += 1
                continue
            end = start + 1
            while end < len(fresh) and self._route(type(fresh[end][1]))[0] is batch_handler:
                end += 1
            await batch_handler(conn, [event for _, event in fresh[start:end]])
            start = end

    @contextlib.contextmanager
    def _batch_span(self, messages: Sequence[Msg], sequences: Sequence[int | None]) -> Iterator[trace.Span]:
        """One span for a batch applied in one transaction (a span per event cost more than the
        events' upserts). A batch of one message continues that message's trace; a larger one
        starts its own trace, names how many messages it holds and the first and last stream
        sequence, and, when recorded, links to its first messages' traces: the publishing span of
        the first message of each distinct trace, up to LINKS_PER_BATCH (a bulk import's events,
        one command's, are one link)."""
        subjects = {message.subject for message in messages}
        name = f"{next(iter(subjects)) if len(subjects) == 1 else self.name} process"
        attributes: dict[str, str | int] = {"messaging.consumer.group.name": self.name,
                                            "messaging.batch.message_count": len(messages)}
        known = [sequence for sequence in sequences if sequence is not None]
        if known:
            attributes["tdkt.stream.first_sequence"] = min(known)
            attributes["tdkt.stream.last_sequence"] = max(known)
        if len(messages) == 1:
            with tracer.start_as_current_span(name, context=propagate.extract(messages[0].headers or {}),
                                              kind=trace.SpanKind.CONSUMER, attributes=attributes) as span:
                yield span
            return
        with tracer.start_as_current_span(name, context=Context(), kind=trace.SpanKind.CONSUMER,
                                          attributes=attributes) as span:
            if span.is_recording():
                for origin in distinct_origins((message.headers for message in messages), LINKS_PER_BATCH,
                                               per_trace=True):
                    span.add_link(origin)
            yield span

    def _route(self, kind: type[IntegrationEvent]) -> tuple[BatchHandler | None, Handler | None]:
        """How events of `kind` are applied, the one rule for a batch, one event and a replay: by
        the type's batch handler when it has one (one event alone as a list of one), else by its
        own handler, else by the fallback. (batch handler or None, the handler of one event or None)"""
        route = self._routes.get(kind)
        if route is None:
            batch_handler = self.batch_handlers.get(kind)
            if batch_handler is not None:
                route = (batch_handler, _one_of(batch_handler))
            else:
                route = (None, self.handlers.get(kind) or self.fallback)
            self._routes[kind] = route
        return route

    async def _handle(self, conn: asyncpg.Connection, message: Msg, event: IntegrationEvent) -> None:
        handler = self._route(type(event))[1]
        if handler is not None:
            parent = propagate.extract(message.headers or {})
            with tracer.start_as_current_span(
                f"{message.subject} process", context=parent, kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.consumer.group.name": self.name},
            ):
                await handler(conn, event)

    def _count(self, applied: int, total: int) -> None:
        self.status.processed += applied
        self.status.duplicates += total - applied
        self.status.last_error = None

    def _delay(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff)) - 1]

    async def replay(self, row: asyncpg.Record) -> None:
        """Apply a dead letter again (`servicekit.deadletters`); raises when it still fails."""
        event = unwrap(json.loads(row["headers"]), bytes(row["payload"]))
        async with self.pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                "INSERT INTO processed_events (consumer, event_id, stream_seq) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING RETURNING true", self.name, event.event_id, row["position"])
            handler = self._route(type(event))[1]
            if inserted and handler is not None:
                await handler(conn, event)

    async def _dead_letter(self, message: Msg, reason: str, attempts: int = 1) -> None:
        seq = _stream_seq(message)
        await deadletters.record(
            self.pool, source=self.name, position=seq or 0, subject=message.subject,
            event_id=(message.headers or {}).get("ce-id"), reason=reason, attempts=attempts,
            payload=message.data, headers=dict(message.headers or {}))
        headers = {
            **(message.headers or {}),
            "tdkt-dlq-consumer": self.name,
            "tdkt-dlq-reason": reason[:2000],
            "tdkt-dlq-subject": message.subject,
            "tdkt-dlq-stream-seq": str(seq),
            "tdkt-dlq-attempts": str(attempts),
            "Nats-Msg-Id": f"dlq:{self.name}:{seq}",
        }
        await self.js.publish(dlq_subject(self.subject_root, self.name), message.data, headers=headers)
        await message.term()
        self.status.dead_lettered += 1
        log.error("consumer %s: message %s moved to dead letters: %s", self.name, seq, reason)


# A batch as read: its readable messages with their events and stream sequences, its unreadable
# messages with the reason.
_Read = tuple[list[tuple[Msg, IntegrationEvent]], list[int | None], list[tuple[Msg, EnvelopeError]]]


def _read(messages: Sequence[Msg]) -> _Read:
    readable: list[tuple[Msg, IntegrationEvent]] = []
    unreadable: list[tuple[Msg, EnvelopeError]] = []
    for message in messages:
        try:
            readable.append((message, unwrap(message.headers, message.data)))
        except EnvelopeError as error:
            unreadable.append((message, error))
    return readable, [_stream_seq(message) for message, _ in readable], unreadable  # each sequence read once


def _one_of(batch_handler: BatchHandler) -> Handler:
    async def one(conn: asyncpg.Connection, event: IntegrationEvent) -> None:
        await batch_handler(conn, [event])

    return one


def _stream_seq(message: Msg) -> int | None:
    """The message's stream sequence, from its reply subject (`$JS.ACK.<stream>.<consumer>.<delivered>.
    <stream seq>.…`, 9 tokens, or with a domain and an account hash before the stream, 11 or 12),
    without building nats-py's metadata (timestamps and all) for it."""
    reply = message.reply
    if reply and reply.startswith("$JS.ACK."):
        tokens = reply.split(".")
        index = 5 if len(tokens) == 9 else 7 if len(tokens) >= 11 else None
        if index is not None and tokens[index].isdigit():
            return int(tokens[index])
    return None


def _delivered(message: Msg) -> int:
    try:
        return message.metadata.num_delivered
    except Exception:
        return 1
