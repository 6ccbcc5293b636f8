"""Every path of a dossier (domain.md §3) through the use cases, on the in-memory recorder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from contracts.nomination import NominationDisclosed
from servicekit.auth import Principal, Role
from servicekit.eventstore import memory_env
from services.nomination.application import Nominations
from services.nomination.dossiers.application import (
    ConfirmationRequiredError,
    Drafting,
    ForwardInsteadError,
    NewDossier,
    NomineeKindError,
    NotEligibleError,
    PosthumousNotAllowedError,
    Review,
)
from services.nomination.dossiers.base import NotAllowedError, VersionMismatchError
from services.nomination.dossiers.domainmodel import (
    Dossier,
    IllegalTransitionError,
    MissingDocumentsError,
    NoticeStillOpenError,
    UnitCouncilRequiredError,
)
from services.nomination.dossiers.ports import TimeLimits
from services.nomination.eligibility.facts import Outcome
from tests.unit.nomination.dossiers.fakes import (
    FakeCatalogue,
    FakeEligibility,
    FakeHistory,
    MemoryStore,
    WeekdayCalendar,
)

NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)
CLERK = Principal(subject="can-bo-sgd", unit="SGDDT", roles=frozenset({Role.UNIT_CLERK}))
OTHER_CLERK = Principal(subject="can-bo-syt", unit="SYT", roles=frozenset({Role.UNIT_CLERK}))
APPRAISER = Principal(subject="chuyen-vien-snv", unit="SNV", roles=frozenset({Role.APPRAISER}))
CHAIR = Principal(subject="chu-tich", unit=None, roles=frozenset({Role.CHAIR}))


class World:
    def __init__(self, eligibility: Outcome = "pass", simplified_skips_council: bool = True) -> None:
        self.app = Nominations(env=memory_env())
        self.history = FakeHistory()
        self.eligibility = FakeEligibility(eligibility)
        catalogue, store = FakeCatalogue(), MemoryStore()
        self.drafting = Drafting(self.app, catalogue, self.history, store)
        self.review = Review(self.app, catalogue, self.eligibility, self.history, WeekdayCalendar(),
                             TimeLimits({"submitted": 5, "appraising": 15}), simplified_skips_council)

    def open(self, award: str = "BKT", **options: Any) -> UUID:
        new = NewDossier(unit_code="SGDDT", award_code=award, year=2025, basis="cong_trang", nominee_kind="ca_nhan",
                         nominee={"name": "Nông Thị Hoa", "position": "Giáo viên"}, summary="Giáo viên dạy giỏi",
                         **options)
        dossier_id, created = self.drafting.open(CLERK, new, NOW)
        assert created
        return dossier_id

    def complete(self, dossier_id: UUID, council: bool = True) -> None:
        for kind in ("to_trinh", "bao_cao_thanh_tich", "bien_ban"):
            self.drafting.attach(dossier_id, None, CLERK, kind=kind, data=f"%PDF-1.7 {kind}".encode(),
                                 filename=f"{kind}.pdf", media_type="application/pdf", now=NOW)
        if council:
            self.drafting.record_unit_council(dossier_id, None, CLERK, meeting_on=date(2026, 2, 20), agreed=9,
                                              present=10, now=NOW)

    def to_council(self, dossier_id: UUID) -> None:
        self.complete(dossier_id)
        self.drafting.submit(dossier_id, None, CLERK, NOW)
        self.review.step(dossier_id, None, APPRAISER, "accept", NOW)
        self.review.appraise(dossier_id, None, APPRAISER, dossier_facts={}, confirmed_unknown=None,
                             today=NOW.date(), now=NOW)

    def council(self, dossier_id: UUID, passed: bool) -> None:
        dossier = self.review.record_council_result(dossier_id, dossier_id, {"yes": 9, "no": 1}, passed, NOW)
        self.app.save(dossier)

    def state(self, dossier_id: UUID) -> str:
        return self.review.load(dossier_id).state.value


def test_the_normal_path_ends_with_the_decision_in_the_nominees_history() -> None:
    world = World()
    dossier_id = world.open()
    world.to_council(dossier_id)
    world.council(dossier_id, passed=True)
    world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    world.review.decide(dossier_id, None, CHAIR, number="163/QĐ-UBND", decided_on=date(2026, 4, 2),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    world.review.confer(dossier_id, None, APPRAISER, conferred_on=date(2026, 4, 20), received_by="",
                        cash_paid=3_510_000, now=NOW)
    dossier = world.review.load(dossier_id)
    assert dossier.state.value == "awarded"
    assert dossier.outcome["decision"]["cash"] == 3_510_000
    assert world.history.decisions == [("Nông Thị Hoa", "163/QĐ-UBND")]


def test_a_dossier_returned_twice_comes_back_each_time_with_its_reasons() -> None:
    world = World()
    dossier_id = world.open()
    world.complete(dossier_id)
    for reason in ("Thiếu xác nhận sáng kiến", "Báo cáo thành tích chưa có xác nhận của cấp trình"):
        world.drafting.submit(dossier_id, None, CLERK, NOW)
        world.review.step(dossier_id, None, APPRAISER, "return", NOW, reasons=[reason])
        assert world.state(dossier_id) == "returned"
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    returns = world.review.load(dossier_id).returns
    assert [r["reasons"] for r in returns] == [["Thiếu xác nhận sáng kiến"],
                                              ["Báo cáo thành tích chưa có xác nhận của cấp trình"]]
    assert world.state(dossier_id) == "submitted"


def test_on_hold_and_resumed_goes_back_to_appraisal() -> None:
    world = World()
    dossier_id = world.open()
    world.complete(dossier_id)
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    world.review.step(dossier_id, None, APPRAISER, "accept", NOW)
    world.review.step(dossier_id, None, APPRAISER, "put_on_hold", NOW, ground="complaint", note="Đơn tố cáo ngày 01/3")
    with pytest.raises(IllegalTransitionError):
        world.review.appraise(dossier_id, None, APPRAISER, dossier_facts={}, confirmed_unknown=None,
                              today=NOW.date(), now=NOW)
    world.review.step(dossier_id, None, APPRAISER, "resume", NOW)
    assert world.state(dossier_id) == "appraising"


def test_a_council_that_fails_the_dossier_leads_to_a_written_rejection() -> None:
    world = World()
    dossier_id = world.open()
    world.to_council(dossier_id)
    world.council(dossier_id, passed=False)
    with pytest.raises(IllegalTransitionError):
        world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    world.review.step(dossier_id, None, APPRAISER, "reject", NOW, reason="Hội đồng không thông qua (8/19 phiếu)")
    dossier = world.review.load(dossier_id)
    assert dossier.state.value == "not_awarded"
    assert dossier.outcome["rejection"] == {"reason": "Hội đồng không thông qua (8/19 phiếu)",
                                            "rejected_in": "council_failed"}


def test_the_simplified_procedure_skips_the_unit_council_and_the_provincial_council() -> None:
    world = World()
    dossier_id = world.open(simplified=True)
    world.complete(dossier_id, council=False)
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    world.review.step(dossier_id, None, APPRAISER, "accept", NOW)
    world.review.appraise(dossier_id, None, APPRAISER, dossier_facts={}, confirmed_unknown=None,
                          today=NOW.date(), now=NOW)
    assert world.state(dossier_id) == "awaiting_decision"


def test_without_the_simplified_flag_the_unit_council_is_required() -> None:
    world = World()
    dossier_id = world.open()
    world.complete(dossier_id, council=False)
    with pytest.raises(UnitCouncilRequiredError):
        world.drafting.submit(dossier_id, None, CLERK, NOW)


def test_posthumous_awards_need_a_family_representative_and_an_award_that_allows_it() -> None:
    world = World()
    with pytest.raises(PosthumousNotAllowedError):
        world.open(award="CSTDT", posthumous=True)
    dossier_id = world.open(posthumous=True)
    world.to_council(dossier_id)
    world.council(dossier_id, passed=True)
    world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    world.review.decide(dossier_id, None, CHAIR, number="170/QĐ-UBND", decided_on=date(2026, 4, 2),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    with pytest.raises(Exception, match="người đại diện gia đình"):
        world.review.confer(dossier_id, None, APPRAISER, conferred_on=date(2026, 4, 20), received_by=" ",
                            cash_paid=None, now=NOW)
    world.review.confer(dossier_id, None, APPRAISER, conferred_on=date(2026, 4, 20), received_by="Nông Văn Bình (con)",
                        cash_paid=3_510_000, now=NOW)
    assert world.state(dossier_id) == "awarded"


def test_an_order_goes_through_public_notice_and_is_decided_centrally() -> None:
    world = World()
    dossier_id = world.open(award="HCLD3")
    world.to_council(dossier_id)
    dossier = world.review.load(dossier_id)
    assert dossier.state.value == "public_notice"
    assert dossier.outcome["notice"]["until"] == date(2026, 3, 16)  # 10 working days after 02/03/2026
    world.review.step(dossier_id, None, APPRAISER, "record_notice_comment", NOW, author="Một công dân",
                      content="Đề nghị xem xét kỹ thành tích năm 2024")
    with pytest.raises(NoticeStillOpenError, match="16/03/2026"):
        world.review.close_notice(dossier_id, None, APPRAISER, date(2026, 3, 16), NOW)
    world.review.close_notice(dossier_id, None, APPRAISER, date(2026, 3, 17), NOW)
    world.council(dossier_id, passed=True)
    world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    with pytest.raises(ForwardInsteadError):
        world.review.decide(dossier_id, None, CHAIR, number="1/QĐ-UBND", decided_on=date(2026, 4, 2),
                            signed_by="x", now=NOW)
    world.review.forward(dossier_id, None, APPRAISER, submission_number="45/TTr-UBND",
                         forwarded_on=date(2026, 4, 5), now=NOW)
    world.review.record_central_decision(dossier_id, None, APPRAISER, number="1234/QĐ-CTN",
                                         decided_on=date(2026, 8, 19), authority="Chủ tịch nước", now=NOW)
    assert world.state(dossier_id) == "central_decided"
    assert world.history.decisions == [("Nông Thị Hoa", "1234/QĐ-CTN")]


def test_a_revoked_award_names_its_legal_ground_and_leaves_the_history() -> None:
    world = World()
    dossier_id = world.open()
    world.to_council(dossier_id)
    world.council(dossier_id, passed=True)
    world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    world.review.decide(dossier_id, None, CHAIR, number="163/QĐ-UBND", decided_on=date(2026, 4, 2),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    with pytest.raises(Exception, match="Căn cứ 'e' không hợp lệ"):
        world.review.revoke(dossier_id, None, CHAIR, ground="e", number="201/QĐ-UBND", revoked_on=date(2026, 9, 1),
                            note="", now=NOW)
    world.review.revoke(dossier_id, None, CHAIR, ground="a", number="201/QĐ-UBND", revoked_on=date(2026, 9, 1),
                        note="Kết luận thanh tra số 12/KL-TTr", now=NOW)
    assert world.state(dossier_id) == "revoked"
    assert world.history.revocations == ["163/QĐ-UBND"]


def test_the_rules_must_pass_and_unknowns_need_a_written_confirmation() -> None:
    cases: list[tuple[Outcome, type[Exception]]] = [("fail", NotEligibleError), ("unknown", ConfirmationRequiredError)]
    for outcome, error in cases:
        world = World(eligibility=outcome)
        dossier_id = world.open()
        world.complete(dossier_id)
        world.drafting.submit(dossier_id, None, CLERK, NOW)
        world.review.step(dossier_id, None, APPRAISER, "accept", NOW)
        with pytest.raises(error):
            world.review.appraise(dossier_id, None, APPRAISER, dossier_facts={}, confirmed_unknown=None,
                                  today=NOW.date(), now=NOW)
        assert world.state(dossier_id) == "appraising"
    world.review.appraise(dossier_id, None, APPRAISER, dossier_facts={},
                          confirmed_unknown="Đã kiểm tra bản gốc quyết định năm 2023", today=NOW.date(), now=NOW)
    assert world.state(dossier_id) == "council_review"


def test_roles_units_and_versions_are_checked_and_nothing_changes() -> None:
    world = World()
    dossier_id = world.open()
    with pytest.raises(NotAllowedError):
        world.drafting.edit(dossier_id, None, OTHER_CLERK, summary="x", basis=None, position=None, now=NOW)
    with pytest.raises(NotAllowedError):
        world.review.step(dossier_id, None, CLERK, "accept", NOW)
    version = world.drafting.edit(dossier_id, 1, CLERK, summary="Thành tích 2025", basis=None, position=None, now=NOW)
    with pytest.raises(VersionMismatchError):
        world.drafting.edit(dossier_id, 1, CLERK, summary="Sửa đè", basis=None, position=None, now=NOW)
    assert world.review.load(dossier_id).summary == "Thành tích 2025"
    assert world.review.load(dossier_id).version == version


def test_documents_required_by_the_award_are_named_when_missing() -> None:
    world = World()
    dossier_id = world.open()
    world.drafting.attach(dossier_id, None, CLERK, kind="to_trinh", data=b"%PDF-1.7", filename="tt.pdf",
                          media_type="application/pdf", now=NOW)
    world.drafting.record_unit_council(dossier_id, None, CLERK, meeting_on=date(2026, 2, 20), agreed=9, present=10,
                                       now=NOW)
    with pytest.raises(MissingDocumentsError) as error:
        world.drafting.submit(dossier_id, None, CLERK, NOW)
    assert error.value.details == {"missing_documents": ["Báo cáo thành tích", "Biên bản bình xét"]}


def test_the_same_nominee_award_and_year_opens_one_dossier_only() -> None:
    world = World()
    dossier_id = world.open()
    again = NewDossier(unit_code="SGDDT", award_code="BKT", year=2025, basis="cong_trang", nominee_kind="ca_nhan",
                       nominee={"name": "Nông Thị Hoa"})
    assert world.drafting.open(CLERK, again, NOW) == (dossier_id, False)
    with pytest.raises(NomineeKindError):
        world.drafting.open(CLERK, NewDossier(unit_code="SGDDT", award_code="HCLD3", year=2025, basis="cong_trang",
                                              nominee_kind="tap_the", nominee={"name": "Trường THPT Cao Bình"}), NOW)


def test_a_step_past_its_time_limit_is_marked_late_once() -> None:
    world = World()
    dossier_id = world.open()
    world.complete(dossier_id)
    world.drafting.submit(dossier_id, None, CLERK, NOW)
    assert world.review.mark_late(dossier_id, date(2026, 3, 9), NOW) is False  # 5 working days: due 09/03
    assert world.review.mark_late(dossier_id, date(2026, 3, 10), NOW) is True
    assert world.review.mark_late(dossier_id, date(2026, 3, 11), NOW) is False
    assert world.review.load(dossier_id).late_in == "submitted"


def test_every_public_step_becomes_a_contract_event_with_the_state_after_it() -> None:
    from services.nomination.dossiers.messaging import to_contract

    world = World()
    dossier_id = world.open(award="HCLD3")
    world.to_council(dossier_id)
    translated = [to_contract(world.app.mapper.to_domain_event(n), UUID(str(n.originator_id)), world.app)
                  for n in world.app.recorder.select_notifications(start=1, limit=1000)]
    published = [e for e in translated if e is not None]
    names = [(type(e).__name__, e.model_dump()["state"]) for e in published]
    assert names == [("NominationCreated", "draft"), ("NominationProgressed", "unit_council_done"),
                     ("NominationSubmitted", "submitted"), ("NominationProgressed", "appraising"),
                     ("NominationAppraised", "public_notice"), ("NominationDisclosed", "public_notice")]
    disclosed = next(e for e in published if isinstance(e, NominationDisclosed))
    assert disclosed.summary == "Giáo viên dạy giỏi" and disclosed.nominee.masked_id is None


def test_the_list_view_follows_the_dossier_state_through_every_path() -> None:
    """The view's table of which event leaves which state agrees with the aggregate."""
    from services.nomination.dossiers.views import _state_after

    worlds = []
    for award, passed in (("BKT", True), ("BKT", False), ("HCLD3", True)):
        world = World()
        dossier_id = world.open(award=award)
        world.to_council(dossier_id)
        if award == "HCLD3":
            world.review.close_notice(dossier_id, None, APPRAISER, date(2026, 3, 17), NOW)
        world.council(dossier_id, passed=passed)
        if passed:
            world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
        worlds.append((world, dossier_id))
    checked = 0
    for world, dossier_id in worlds:
        state = None
        for event in world.app.events.get(dossier_id):
            state = _state_after(event) or ("draft" if type(event).__name__ == "Created" else state)
            expected: Dossier = world.app.repository.get(dossier_id, version=event.originator_version)
            assert state == expected.state.value, type(event).__name__
            checked += 1
    assert checked > 20


def test_an_award_without_a_council_step_goes_from_appraisal_to_the_decision() -> None:
    world = World()
    new = NewDossier(unit_code="SGDDT", award_code="GDVH", year=2025, basis="cong_trang",
                     nominee_kind="ho_gia_dinh", nominee={"name": "Hộ ông Hoàng Văn Tài"})
    dossier_id, _ = world.drafting.open(CLERK, new, NOW)
    world.to_council(dossier_id)
    assert world.state(dossier_id) == "awaiting_decision"
