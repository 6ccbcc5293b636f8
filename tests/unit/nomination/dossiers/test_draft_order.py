"""A unit prepares its dossier in whatever order its work comes: documents before or after the
unit council, a wrong file replaced, one removed and attached again, the summary corrected.
Every order ends in a dossier that can be submitted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import permutations
from uuid import UUID

import pytest

from services.nomination.dossiers.domainmodel import (
    DocumentNotAttachedError,
    IllegalTransitionError,
    UnitCouncilRequiredError,
)
from services.nomination.dossiers.states import State
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CHAIR, CLERK, NOW, World

Step = Callable[[World, UUID], None]


def attach(world: World, dossier_id: UUID, kind: str, content: str, replaces: str | None = None) -> str:
    data = f"%PDF-1.7 {content}".encode()
    world.drafting.attach(dossier_id, None, CLERK, kind=kind, data=data, filename=f"{kind}.pdf",
                          media_type="application/pdf", now=NOW, replaces=replaces)
    return next(d["sha256"] for d in world.review.load(dossier_id).documents.values() if d["filename"] == f"{kind}.pdf"
                and d["size"] == len(data))


def submission_letter_replaced(world: World, dossier_id: UUID) -> None:
    wrong = attach(world, dossier_id, "to_trinh", "tờ trình năm trước")
    attach(world, dossier_id, "to_trinh", "tờ trình năm nay", replaces=wrong)


def report_removed_and_attached_again(world: World, dossier_id: UUID) -> None:
    first = attach(world, dossier_id, "bao_cao_thanh_tich", "báo cáo chưa ký")
    world.drafting.remove(dossier_id, None, CLERK, first, NOW)
    attach(world, dossier_id, "bao_cao_thanh_tich", "báo cáo đã ký")


def minutes_attached(world: World, dossier_id: UUID) -> None:
    attach(world, dossier_id, "bien_ban", "biên bản bình xét")


def council_recorded(world: World, dossier_id: UUID) -> None:
    world.drafting.record_unit_council(dossier_id, None, CLERK, meeting_on=date(2026, 2, 20), agreed=9, present=10,
                                       now=NOW)


def summary_corrected(world: World, dossier_id: UUID) -> None:
    world.drafting.edit(dossier_id, None, CLERK, summary="Giáo viên dạy giỏi cấp tỉnh", basis=None, position=None,
                        now=NOW)


STEPS: list[Step] = [submission_letter_replaced, report_removed_and_attached_again, minutes_attached,
                     council_recorded, summary_corrected]


def test_every_order_of_the_draft_steps_ends_in_a_submitted_dossier() -> None:
    orders = list(permutations(STEPS))
    assert len(orders) == 120
    for order in orders:
        world = World()
        dossier_id = world.open()
        for step in order:
            step(world, dossier_id)
        world.drafting.submit(dossier_id, None, CLERK, NOW)
        dossier = world.review.load(dossier_id)
        names = [s.__name__ for s in order]
        assert dossier.state is State.SUBMITTED, names
        assert sorted(dossier.document_kinds()) == ["bao_cao_thanh_tich", "bien_ban", "to_trinh"], names
        assert len(dossier.documents) == 3, names  # the replaced and the removed files are gone
        assert dossier.outcome["unit_council"]["agreed"] == 9 and dossier.summary == "Giáo viên dạy giỏi cấp tỉnh"


def test_the_council_recorded_first_then_the_documents_reaches_the_decision() -> None:
    world = World()
    dossier_id = world.open()
    council_recorded(world, dossier_id)
    world.complete(dossier_id, council=False)
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    world.review.step(dossier_id, None, APPRAISER, "accept", NOW)
    world.review.appraise(dossier_id, None, APPRAISER, dossier_facts={}, confirmed_unknown=None, today=NOW.date(),
                          now=NOW)
    world.council(dossier_id, passed=True)
    world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    world.review.decide(dossier_id, None, CHAIR, number="163/QĐ-UBND", decided_on=date(2026, 4, 2),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    assert world.state(dossier_id) == "decided"
    assert world.history.decisions == [("Nông Thị Hoa", "163/QĐ-UBND")]


def test_the_council_minutes_can_be_corrected_before_submission_only() -> None:
    world = World()
    dossier_id = world.open()
    council_recorded(world, dossier_id)
    world.drafting.record_unit_council(dossier_id, None, CLERK, meeting_on=date(2026, 2, 21), agreed=10, present=10,
                                       now=NOW)
    assert world.review.load(dossier_id).outcome["unit_council"]["agreed"] == 10
    world.complete(dossier_id, council=False)
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    with pytest.raises(IllegalTransitionError):
        minutes_attached(world, dossier_id)  # submitted: the unit no longer changes it
    with pytest.raises(IllegalTransitionError):
        council_recorded(world, dossier_id)


def test_documents_alone_do_not_make_a_dossier_submittable_without_its_council() -> None:
    world = World()
    dossier_id = world.open()
    world.complete(dossier_id, council=False)
    before = world.review.load(dossier_id).version
    with pytest.raises(UnitCouncilRequiredError):
        world.drafting.submit(dossier_id, None, CLERK, NOW)
    assert world.review.load(dossier_id).version == before


def test_a_replacement_names_a_file_the_dossier_has() -> None:
    world = World()
    dossier_id = world.open()
    before = world.review.load(dossier_id).version
    with pytest.raises(DocumentNotAttachedError):
        attach(world, dossier_id, "to_trinh", "tờ trình", replaces="0" * 64)
    assert world.review.load(dossier_id).version == before and not world.review.load(dossier_id).documents
