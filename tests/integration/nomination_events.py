"""Dossier events for the consumers' tests: built from the frozen contract fixtures with new
ids and put on the test stream the way the outbox relay does."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import nats

from contracts import IntegrationEvent, wrap
from contracts import nomination as c
from contracts.generate import schema_name
from tests.support import Namespace

FIXTURES = Path(__file__).resolve().parents[1] / "contracts" / "fixtures"
START = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / schema_name(getattr(c, name))).read_text(encoding="utf-8"))


@dataclass
class Dossier:
    """One dossier's story: each call gives its next event, the version counting up."""

    unit: str
    award: str
    name: str
    kind: str = "ca_nhan"
    year: int = 2025
    award_name: str | None = None
    dossier_id: UUID = field(default_factory=uuid4)
    version: int = 0

    def event(self, name: str, state: str, **fields: Any) -> IntegrationEvent:
        self.version += 1
        nominee = {"kind": self.kind, "ref": str(self.dossier_id), "name": self.name, "unit_code": self.unit,
                   "masked_id": None}
        body = {**fixture(name), "event_id": str(uuid4()), "occurred_at": START + timedelta(days=self.version),
                "dossier_id": str(self.dossier_id), "dossier_version": self.version, "state": state,
                "unit_code": self.unit, "award_code": self.award, "year": self.year, "nominee": nominee,
                **({"award_name": self.award_name} if self.award_name else {}), **fields}
        event: IntegrationEvent = getattr(c, name).model_validate(body)
        return event

    def with_due(self, name: str, state: str, due: date | None, **fields: Any) -> list[IntegrationEvent]:
        """Version 1 of the next event and, as the nomination service publishes it beside, version 2
        with the step's due date."""
        v1 = self.event(name, state, **fields)
        v2 = c.WITH_STEP_DUE[type(v1)].model_validate({**v1.model_dump(), "version": 2, "event_id": uuid4(),
                                                       "step_due_on": due})
        return [v1, v2]

    def to_council(self) -> list[IntegrationEvent]:
        """Opened, submitted, accepted, appraised and passed by the council."""
        return [self.event("NominationCreated", "draft"), self.event("NominationSubmitted", "submitted"),
                self.event("NominationProgressed", "appraising", step="accepted"),
                self.event("NominationAppraised", "council_review"),
                self.event("CouncilVoted", "council_passed"),
                self.event("NominationProgressed", "awaiting_decision", step="sent_for_decision")]

    def decided(self, **fields: Any) -> IntegrationEvent:
        return self.event("AwardDecided", "central_decided" if fields.get("central") else "decided", **fields)


async def publish(ns: Namespace, events: Sequence[IntegrationEvent], *, prefix: str = "test") -> None:
    """Publish with CloudEvents headers; `prefix` makes the Nats-Msg-Id new, so JetStream keeps copies."""
    nc = await nats.connect(ns.nats_url)
    try:
        js = nc.jetstream()
        for event in events:
            envelope = wrap(event, ns.subject_root)
            await js.publish(envelope.subject, envelope.body,
                             headers={**envelope.headers, "Nats-Msg-Id": f"{prefix}:{event.event_id}"})
    finally:
        await nc.close()
