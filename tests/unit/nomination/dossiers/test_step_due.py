"""The due date of a dossier's step on the bus: version 2 of the events that start a timed step
carries it, computed through the province's working-day calendar; version 1 goes out beside it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from contracts import nomination as c
from services.nomination.calendar import DEFAULT_FILE, WorkingCalendar
from services.nomination.dossiers.messaging import translator
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CLERK, NOW, World

# 01:00 on 29/04/2026 in the province, still 28/04 in UTC. 30/04 and 01/05 are public holidays,
# 02-03/05 a weekend: five working days from 29/04 end on Friday 08/05 (on 07/05 counted from
# the UTC date, on 06/05 with weekends only).
SUBMITTED_AT = datetime(2026, 4, 28, 18, tzinfo=UTC)


def _world() -> World:
    world = World()
    world.review.calendar = WorkingCalendar.from_file(DEFAULT_FILE)
    return world


def _published(world: World) -> list[Any]:
    translate = translator(world.app, world.review.step_due)
    out: list[Any] = []
    for n in world.app.recorder.select_notifications(start=1, limit=1000):
        public = translate(world.app.mapper.to_domain_event(n), UUID(str(n.originator_id)))
        out += public if isinstance(public, list) else [public] if public is not None else []
    return out


def test_the_submitted_step_is_due_five_working_days_after_the_province_day_it_began() -> None:
    world = _world()
    dossier_id = world.open()
    world.complete(dossier_id)
    world.drafting.submit(dossier_id, None, CLERK, SUBMITTED_AT)
    published = _published(world)
    v1 = next(e for e in published if type(e) is c.NominationSubmitted)
    v2 = next(e for e in published if isinstance(e, c.NominationSubmittedV2))
    assert v2.step_due_on == date(2026, 5, 8)
    assert v2.ce_type() == "vn.gov.tdkt.nomination.NominationSubmitted.v2" and v1.ce_type().endswith(".v1")
    assert v2.event_id != v1.event_id
    assert v2.model_dump(exclude={"event_id", "version", "step_due_on"}) == v1.model_dump(exclude={"event_id",
                                                                                                  "version"})
    assert published.index(v2) == published.index(v1) + 1  # the same fact, each version once


def test_each_timed_step_has_its_due_date_and_a_step_without_limit_null() -> None:
    world = _world()
    dossier_id = world.open(award="HCLD3")
    world.complete(dossier_id)
    world.drafting.submit(dossier_id, None, CLERK, SUBMITTED_AT)
    accepted_at = datetime(2026, 5, 4, 3, tzinfo=UTC)
    world.review.step(dossier_id, None, APPRAISER, "accept", accepted_at)
    world.review.appraise(dossier_id, None, APPRAISER, dossier_facts={}, confirmed_unknown=None,
                          today=accepted_at.date(), now=accepted_at)
    published = _published(world)
    due = [(type(e).__name__, e.state, e.step_due_on) for e in published
           if e.version == 2 and type(e) is not c.NominationCreatedV2]
    [opened] = [e for e in published if type(e) is c.NominationCreatedV2]  # beside v1: the dossier's movement
    assert (opened.state, opened.movement_id) == ("draft", None)
    calendar = world.review.calendar
    assert due == [
        ("NominationProgressedV2", "unit_council_done", None),  # the unit holds it: no clock
        ("NominationSubmittedV2", "submitted", date(2026, 5, 8)),
        ("NominationProgressedV2", "appraising", calendar.add_working_days(date(2026, 5, 4), 15)),
        ("NominationAppraisedV2", "public_notice", None),  # no time limit configured for it
    ]
    assert due[2][2] == date(2026, 5, 25)


def test_without_the_due_dates_only_version_1_is_published() -> None:
    world = _world()
    dossier_id = world.open()
    world.complete(dossier_id)
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    translate = translator(world.app)
    published = [translate(world.app.mapper.to_domain_event(n), UUID(str(n.originator_id)))
                 for n in world.app.recorder.select_notifications(start=1, limit=1000)]
    assert [e.version for e in published if isinstance(e, c.IntegrationEvent)] == [1, 1, 1]
    assert len([e for e in published if e is not None]) == 3
