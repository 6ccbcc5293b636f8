"""CloudEvents 1.0 in NATS headers (binary content mode) around an integration event.

Headers: `ce-specversion`, `ce-id`, `ce-source`, `ce-type`, `ce-time`, `ce-subject`,
`content-type`; the transport adds `Nats-Msg-Id` and `traceparent`. Body: the event as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from contracts.base import IntegrationEvent
from contracts.registry import event_class

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
MAX_BODY_BYTES = 512 * 1024


class EnvelopeError(ValueError):
    """Raised when a message is not a readable CloudEvent of a known contract."""


@dataclass(frozen=True)
class Envelope:
    subject: str
    headers: dict[str, str]
    body: bytes


def source_of(publisher: str) -> str:
    return f"/tdkt/{publisher}"


def wrap(event: IntegrationEvent, root: str = "tdkt") -> Envelope:
    """Build the subject, CloudEvents headers and JSON body of an event."""
    headers = {
        "ce-specversion": SPEC_VERSION,
        "ce-id": str(event.event_id),
        "ce-source": source_of(event.publisher),
        "ce-type": event.ce_type(),
        "ce-time": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "content-type": CONTENT_TYPE,
    }
    if subject := event.cloudevent_subject():
        headers["ce-subject"] = subject
    body = event.model_dump_json().encode()
    return Envelope(subject=event.subject_for(root), headers=headers, body=body)


def unwrap(headers: dict[str, str] | None, body: bytes) -> IntegrationEvent:
    """Read a message back into its contract; raise EnvelopeError naming what is wrong."""
    headers = headers or {}
    ce_type = headers.get("ce-type")
    if headers.get("ce-specversion") != SPEC_VERSION or not ce_type:
        raise EnvelopeError("not a CloudEvents 1.0 message (ce-specversion/ce-type missing)")
    cls = event_class(ce_type)
    if cls is None:
        raise EnvelopeError(f"unknown event type {ce_type!r}")
    if len(body) > MAX_BODY_BYTES:
        raise EnvelopeError(f"body of {len(body)} bytes exceeds {MAX_BODY_BYTES}")
    try:  # parsed and validated in one pass (pydantic-core), without a dict of the body in between
        event = cls.model_validate_json(body)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise EnvelopeError(f"body is not JSON: {first['msg']}") from None
        raise EnvelopeError(f"body does not match {ce_type}: {error}") from None
    ce_id = headers.get("ce-id")
    if ce_id is not None and ce_id != str(event.event_id):
        raise EnvelopeError("ce-id header and event_id of the body differ")
    return event
