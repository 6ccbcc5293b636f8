"""The nomination relay passes by undecoded only the stored events that give no message: what it
publishes with `unpublished` as its skip is what it publishes without it, and what it passes by
is a nominee's record, a submission's events and a dossier's documents and edits."""

from __future__ import annotations

from uuid import UUID, uuid4, uuid5

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from contracts import IntegrationEvent
from services.nomination.dossiers.bulk import BulkSubmissions, read_rows
from services.nomination.dossiers.messaging import publishes
from services.nomination.dossiers.messaging import translator as dossier_translator
from services.nomination.history.domainmodel import Collective
from services.nomination.papers.domainmodel import IssuedDocument
from services.nomination.papers.messaging import translator, unpublished
from tests.unit.nomination.dossiers.test_bulk import row, spreadsheet
from tests.unit.nomination.dossiers.test_paths import CLERK, NOW, World
from tests.unit.nomination.dossiers.test_step_due import SUBMITTED_AT, _world

NS = UUID("00000000-0000-0000-0000-000000000001")


def _published(world: World, skip: bool) -> tuple[list[str], list[str]]:
    translate = translator(world.app, dossier_translator(world.app, world.review.step_due))
    passes = unpublished(publishes)
    out, skipped = [], []
    for n in world.app.recorder.select_notifications(start=1, limit=1000):
        if skip and passes(n):
            skipped.append(n.topic.rsplit(":", 1)[-1])
            continue
        public = translate(world.app.mapper.to_domain_event(n), uuid5(NS, str(n.id)))
        events = [public] if isinstance(public, IntegrationEvent) else list(public or [])
        out += [e.model_dump_json() for e in events]
    return out, skipped


def test_skipping_the_unpublished_events_publishes_the_same_messages() -> None:
    world = _world()
    dossier_id = world.open()
    world.complete(dossier_id)  # documents attached, the unit's council: kept inside the service
    world.drafting.submit(dossier_id, None, CLERK, SUBMITTED_AT)
    sheet = read_rows(spreadsheet([row(1), row(2)]), "SGDDT", 2025, "Tờ trình 12/TTr-SGDĐT")
    BulkSubmissions(world.app, world.drafting).submit_rows(CLERK, "SGDDT", 2025, sheet.title, sheet.rows, "xlsx", NOW)
    world.app.save(Collective.register(unit_code="SGDDT", name="Trường THPT Cao Bình", subject_kind="tap_the",
                                       by="u", at=NOW))
    with_skip, skipped = _published(world, skip=True)
    without, _ = _published(world, skip=False)
    assert with_skip == without and len(with_skip) > 6
    assert {"Submission.Opened", "Collective.Registered", "Dossier.DocumentAttached"} <= set(skipped), skipped
    assert not {"Dossier.Created", "Dossier.Submitted", "Dossier.UnitCouncilRecorded"} & set(skipped)


def test_an_issued_document_and_an_unknown_topic_are_decoded() -> None:
    passes = unpublished(publishes)
    issued, signed = (getattr(IssuedDocument, name) for name in ("Issued", "Signed"))  # made by @event
    for topic in (get_topic(issued), get_topic(signed), "services.gone:Nothing.Here"):
        assert not passes(Notification(originator_id=uuid4(), originator_version=1, topic=topic, state=b"{}", id=1))

