"""A consumer chooses how to apply an event by one rule, whether the event comes in a batch, alone
(the retry path after a failed batch) or as a replayed dead letter: its type's batch handler if it
has one, else its own handler, else the fallback. And a batch's span links to the messages'
publishing spans as the propagator reads their `traceparent`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from nats.aio.msg import Msg
from opentelemetry import propagate, trace

from contracts import IntegrationEvent
from contracts.plan import PlanIssued, TaskAssigned, TaskCompleted
from servicekit.consumer import EventConsumer
from servicekit.telemetry import span_context_of

FOLDER = Path(__file__).parents[2] / "contracts" / "fixtures"
FIXTURES: dict[type[IntegrationEvent], IntegrationEvent] = {
    cls: cls.model_validate_json((FOLDER / f"plan.{cls.__name__}.v1.json").read_bytes())
    for cls in (PlanIssued, TaskAssigned, TaskCompleted)
}


_NOTHING: Any = None  # choosing a handler touches neither the bus nor the database


def _consumer(calls: list[tuple[str, int]]) -> EventConsumer:
    def one(name: str) -> Any:
        async def handle(conn: Any, event: IntegrationEvent) -> None:
            calls.append((name, 1))

        return handle

    def many(name: str) -> Any:
        async def handle(conn: Any, events: Sequence[IntegrationEvent]) -> None:
            calls.append((name, len(events)))

        return handle

    return EventConsumer(
        name="routes",
        js=_NOTHING,
        pool=_NOTHING,
        stream="S",
        subject_root="tdkt",
        handlers={TaskAssigned: one("assigned, one"), PlanIssued: one("issued, one")},
        batch_handlers={TaskAssigned: many("assigned, batch"), TaskCompleted: many("completed, batch")},
        fallback=one("fallback"),
    )


def _message(event: IntegrationEvent) -> Msg:
    return Msg(_client=_NOTHING, subject=event.subject_for(), headers={"ce-id": str(event.event_id)})


def _event(cls: type[IntegrationEvent]) -> IntegrationEvent:
    return FIXTURES[cls].model_copy(update={"event_id": uuid4(), "occurred_at": datetime.now(UTC)})


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (TaskAssigned, "assigned, batch"),  # both: the batch handler, in a batch and alone
        (TaskCompleted, "completed, batch"),  # a batch handler only: a list of one when alone
        (PlanIssued, "issued, one"),  # its own handler only
    ],
)
def test_a_batch_and_one_event_choose_the_same_handler(cls: type[IntegrationEvent], expected: str) -> None:
    batch: list[tuple[str, int]] = []
    alone: list[tuple[str, int]] = []
    event = _event(cls)
    asyncio.run(_consumer(batch)._handle_all(_NOTHING, [(_message(event), event)]))
    asyncio.run(_consumer(alone)._handle(_NOTHING, _message(event), event))
    assert batch == alone == [(expected, 1)]


def test_a_run_of_one_batch_handler_is_one_call_and_others_go_one_by_one() -> None:
    calls: list[tuple[str, int]] = []
    kinds: list[type[IntegrationEvent]] = [
        TaskAssigned,
        TaskAssigned,
        PlanIssued,
        TaskCompleted,
        TaskCompleted,
        TaskCompleted,
        TaskAssigned,
    ]
    fresh = [(_message(e), e) for e in (_event(kind) for kind in kinds)]
    asyncio.run(_consumer(calls)._handle_all(_NOTHING, fresh))
    assert calls == [("assigned, batch", 2), ("issued, one", 1), ("completed, batch", 3), ("assigned, batch", 1)]


def test_a_type_without_a_handler_goes_to_the_fallback() -> None:
    class Unhandled(TaskAssigned):
        pass

    calls: list[tuple[str, int]] = []
    event = Unhandled.model_validate(FIXTURES[TaskAssigned].model_dump())
    asyncio.run(_consumer(calls)._handle_all(_NOTHING, [(_message(event), event)]))
    assert calls == [("fallback", 1)]


@pytest.mark.parametrize(
    "traceparent",
    [
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "not a traceparent",
    ],
)
def test_a_message_s_origin_is_what_the_propagator_reads(traceparent: str) -> None:
    for headers in ({"traceparent": traceparent}, {"traceparent": traceparent, "tracestate": "k=v"}):
        expected = trace.get_current_span(propagate.extract(headers)).get_span_context()
        origin = span_context_of(headers)
        assert origin.is_valid == expected.is_valid
        if expected.is_valid:  # an invalid one is not linked
            assert origin == expected
