"""The public contracts: generated documents are current, V1 messages stay readable both ways,
and every envelope is a CloudEvent an outsider can read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from contracts import EnvelopeError, all_events, unwrap, wrap
from contracts.generate import SCHEMAS, schema_name, stale

FIXTURES = Path(__file__).with_name("fixtures")
EVENTS = {schema_name(cls): cls for cls in all_events()}


def test_generated_schemas_and_asyncapi_are_current() -> None:
    assert stale() == [], "run: python -m contracts.generate"


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_every_contract_has_a_frozen_v1_fixture(name: str) -> None:
    assert (FIXTURES / name).exists(), f"add a frozen fixture tests/contracts/fixtures/{name}"


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_old_json_parses_as_the_current_model(name: str) -> None:
    body = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    event = EVENTS[name].model_validate(body)
    assert str(event.event_id) == body["event_id"]


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_current_json_validates_against_the_committed_schema(name: str) -> None:
    event = EVENTS[name].model_validate_json((FIXTURES / name).read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(event.model_dump_json()), schema)


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_a_reader_of_v1_ignores_fields_added_later(name: str) -> None:
    body = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    body["field_added_in_a_later_release"] = {"anything": 1}
    assert EVENTS[name].model_validate(body).model_dump(mode="json") == EVENTS[name].model_validate(
        json.loads((FIXTURES / name).read_text(encoding="utf-8"))).model_dump(mode="json")


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_envelope_round_trips_as_a_binary_mode_cloudevent(name: str) -> None:
    event = EVENTS[name].model_validate_json((FIXTURES / name).read_text(encoding="utf-8"))
    envelope = wrap(event, "tdkt")
    version = EVENTS[name].schema_version()
    assert envelope.subject == f"tdkt.{event.publisher}.{event.event_name}.v{version}"
    assert envelope.headers["ce-type"] == f"vn.gov.tdkt.{event.publisher}.{event.event_name}.v{version}"
    assert envelope.headers["ce-id"] == str(event.event_id)
    assert envelope.headers["ce-time"].endswith("Z")
    assert unwrap(envelope.headers, envelope.body) == event


def test_unreadable_messages_are_refused_with_the_reason() -> None:
    event = EVENTS["plan.TaskAssigned.v1.json"].model_validate_json(
        (FIXTURES / "plan.TaskAssigned.v1.json").read_text(encoding="utf-8"))
    envelope = wrap(event)
    cases = {
        "not a CloudEvents": ({}, envelope.body),
        "unknown event type": ({**envelope.headers, "ce-type": "vn.gov.tdkt.plan.Nope.v1"}, envelope.body),
        "not JSON": (envelope.headers, b"{"),
        "does not match": (envelope.headers, b'{"event_id": 1}'),
        "differ": ({**envelope.headers, "ce-id": "00000000-0000-0000-0000-000000000000"}, envelope.body),
    }
    for reason, (headers, body) in cases.items():
        with pytest.raises(EnvelopeError, match=reason):
            unwrap(headers, body)
