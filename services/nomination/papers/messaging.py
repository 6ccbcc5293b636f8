"""What the nomination service tells the others about the documents it issued: DocumentIssued
for the issued file, and again for its signed copy; every other event goes to `inner`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from contracts import IntegrationEvent
from contracts import nomination as c
from servicekit.eventstore import by_topic
from servicekit.outbox import Translate
from services.nomination.papers.domainmodel import IssuedDocument


def translator(app: Application[UUID], inner: Translate) -> Translate:
    def translate(event: Any, event_id: UUID) -> IntegrationEvent | Sequence[IntegrationEvent] | None:
        if not isinstance(event, IssuedDocument.Event):
            return inner(event, event_id)
        doc: IssuedDocument = app.repository.get(event.originator_id, version=event.originator_version)
        signed = doc.signed if type(event).__name__ == "Signed" else None
        kind: Any = doc.kind  # one of the contract's kinds: only the papers issue documents
        return c.DocumentIssued(
            event_id=event_id, occurred_at=getattr(event, "at", None) or doc.issued_at, document_id=doc.id,
            document_version=doc.version, kind=kind, number=doc.number, issued_on=doc.issued_on,
            media_type=doc.media_type, sha256=str(signed["sha256"]) if signed else doc.sha256,
            size=int(str(signed["size"])) if signed else doc.size, stream_position=doc.stream_position,
            dossier_ids=doc.dossier_ids, signed=signed is not None,
            unsigned_sha256=doc.sha256 if signed else None, issued_by=doc.issued_by)

    return translate


def unpublished(inner: Callable[[type], bool]) -> Callable[[Notification], bool]:
    """The relay's skip: whether a stored event gives no message, from its topic alone (`inner`:
    whether the translator `translator` wraps gives one for an event of a class). Neither
    translator keeps a copy of an aggregate that would need to see every event, so an event of
    a class without a message is passed by undecoded: a spreadsheet's nominees' records, a
    submission's events, a dossier's documents and edits."""
    passes = by_topic(lambda cls: not (issubclass(cls, IssuedDocument.Event) or inner(cls)))
    return lambda notification: passes(notification.topic)
