"""Units with parent units: a school's dossier goes to Sở Giáo dục và Đào tạo, which returns it
or sends it upward in its own tờ trình; units without a parent submit as before."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from contracts import nomination as c
from servicekit.auth import ForbiddenError, Principal, Role
from services.nomination.dossiers.application import Drafting, Levels, MixedLevelsError, NewDossier, NoLongerHeldError
from services.nomination.dossiers.base import NotAllowedError, roles_for, visible_unit
from services.nomination.dossiers.domainmodel import (
    IllegalTransitionError,
    ReasonRequiredError,
    Submission,
    SubmissionNumberConflictError,
)
from services.nomination.dossiers.messaging import to_contract
from services.nomination.dossiers.ports import TimeLimits
from services.nomination.dossiers.states import CLOCK_STOPPED, State, allowed_in
from services.nomination.dossiers.views import _level_after, _state_after
from services.nomination.settings import NominationSettings
from services.nomination.units import Hierarchy, StaleUnitsError, Unit, UnitFile, UnitTree
from services.nomination.wiring import time_limits
from services.nomination.yamlconfig import ConfigError
from tests.support import TEST_AUDIT_KEY, TEST_RECORD_KEY, TEST_SECRET
from tests.unit.nomination.dossiers.test_paths import APPRAISER, NOW, World

UNITS = UnitTree([Unit(code="SGDDT", name="Sở Giáo dục và Đào tạo"),
                  Unit(code="THPT.CAOBINH", name="Trường THPT Cao Bình", parent="SGDDT"),
                  Unit(code="THPT.CHUYEN", name="Trường THPT Chuyên Cao Bằng", parent="SGDDT"),
                  Unit(code="SYT", name="Sở Y tế"), Unit(code="BVDK", name="Bệnh viện Đa khoa", parent="SYT"),
                  Unit(code="TCT", name="Tổng công ty"), Unit(code="CTY", name="Công ty", parent="TCT"),
                  Unit(code="XN", name="Xí nghiệp", parent="CTY")])


def clerk(unit: str) -> Principal:
    return Principal(subject=f"can-bo-{unit.lower()}", unit=unit, roles=frozenset({Role.UNIT_CLERK}))


SCHOOL, SGD, SYT = clerk("THPT.CAOBINH"), clerk("SGDDT"), clerk("SYT")


class Levelled(World):
    def __init__(self) -> None:
        super().__init__()
        self.drafting = Drafting(self.app, self.drafting.catalogue, self.history, self.drafting.store, UNITS)
        self.levels = Levels(self.app, UNITS)

    def submitted_by(self, who: Principal, name: str = "Nông Thị Hoa") -> UUID:
        new = NewDossier(unit_code=str(who.unit), award_code="BKT", year=2025, basis="cong_trang",
                         nominee_kind="ca_nhan", nominee={"name": name}, summary="Giáo viên dạy giỏi")
        dossier_id, _ = self.drafting.open(who, new, NOW)
        for kind in ("to_trinh", "bao_cao_thanh_tich", "bien_ban"):
            self.drafting.attach(dossier_id, None, who, kind=kind, data=f"%PDF-1.7 {kind}".encode(),
                                 filename=f"{kind}.pdf", media_type="application/pdf", now=NOW)
        self.drafting.record_unit_council(dossier_id, None, who, meeting_on=NOW.date(), agreed=9, present=10,
                                          now=NOW)
        self.drafting.submit(dossier_id, None, who, NOW)
        return dossier_id

    def send_up(self, who: Principal, *ids: UUID, number: str = "45/TTr-SGDĐT", title: str = "Đợt 1") -> str:
        return self.levels.send_up(who, title=title, number=number, year=2026, dossier_ids=list(ids),
                                   now=NOW).to_level


def test_the_route_upward_comes_from_the_provinces_file_nearest_parent_first() -> None:
    assert UNITS.route("XN") == ["CTY", "TCT"] and UNITS.route("THPT.CAOBINH") == ["SGDDT"]
    assert UNITS.route("SGDDT") == [] and UNITS.route("NOT.LISTED") == []
    assert UNITS.name("tinh") == "Sở Nội vụ (cấp tỉnh)" and UNITS.children("SGDDT") == ["THPT.CAOBINH",
                                                                                         "THPT.CHUYEN"]


def test_the_shipped_units_file_is_valid_and_the_setting_names_it() -> None:
    tree = UnitTree.from_file(NominationSettings.model_fields["units_file"].default)
    assert tree.version >= 1 and tree.route("THPT.CAOBINH") == ["SGDDT"]


@pytest.mark.parametrize(("units", "problem"), [
    ("[{code: A, name: Trường A, parent: B}, {code: B, name: Sở B, parent: A}]", "vòng lặp cấp trên: A → B → A"),
    ("[{code: A, name: Trường A, parent: X}]", "'X' không có trong danh sách"),
    ("[{code: A, name: Trường A}, {code: A, name: Trường A}]", "mã đơn vị trùng: A"),
    ("[{code: tinh, name: Tỉnh}]", "dành cho cấp tỉnh"),
    ("[{code: A, name: Trường A, cap_tren: B}]", "units[0].cap_tren"),
])
def test_a_broken_units_file_is_refused_with_its_line(tmp_path: Path, units: str, problem: str) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(f"version: 1\nsource: thử\nunits: {units}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"units\.yaml:") as raised:
        UnitTree.from_file(path)
    assert problem in " ".join(raised.value.details)


def test_a_schools_dossier_goes_to_its_parent_which_returns_it_then_sends_two_upward_in_one_submission() -> None:
    world = Levelled()
    first, second = world.submitted_by(SCHOOL), world.submitted_by(SCHOOL, "Lục Văn Dũng")
    dossier = world.levels.load(first)
    assert (dossier.state, dossier.level, dossier.route) == (State.AT_PARENT, "SGDDT", ["SGDDT"])
    assert allowed_in(dossier.state) == ["forward_up", "return_to_unit"] and State.AT_PARENT in CLOCK_STOPPED
    with pytest.raises(IllegalTransitionError):
        world.review.step(first, None, APPRAISER, "accept", NOW)  # Sở Nội vụ has not received it yet
    with pytest.raises(ReasonRequiredError):
        world.levels.return_to_unit(first, None, SGD, ["  "], NOW)
    world.levels.return_to_unit(first, None, SGD, ["Thiếu xác nhận sáng kiến cấp trường"], NOW)
    dossier = world.levels.load(first)
    assert (dossier.state, dossier.level) == (State.RETURNED, "THPT.CAOBINH")
    assert dossier.returns[-1]["by_level"] == "SGDDT"
    world.drafting.submit(first, None, SCHOOL, NOW)  # again to the parent
    assert world.send_up(SGD, first, second) == "tinh"
    for dossier_id in (first, second):
        dossier = world.levels.load(dossier_id)
        assert (dossier.state, dossier.level) == (State.SUBMITTED, "tinh")
        assert [(s["step"], s["from"], s["to"]) for s in dossier.chain][-2:] == [
            ("submitted", "THPT.CAOBINH", "SGDDT"), ("forwarded", "SGDDT", "tinh")]
    submission: Submission = world.app.repository.get(Submission.create_id("SGDDT", 2026, "Đợt 1"))
    assert (submission.unit_code, submission.number, submission.sent_to) == ("SGDDT", "45/TTr-SGDĐT", "tinh")
    assert submission.dossiers == [first, second]
    assert world.levels.load(first).chain[-1]["submission_id"] == submission.id
    world.review.step(first, None, APPRAISER, "accept", NOW)
    assert world.state(first) == "appraising"


def test_a_dossier_goes_up_every_parent_level_before_the_province() -> None:
    world = Levelled()
    dossier_id = world.submitted_by(clerk("XN"))
    assert world.levels.load(dossier_id).level == "CTY"
    assert world.send_up(clerk("CTY"), dossier_id, number="7/TTr-CTY") == "TCT"
    dossier = world.levels.load(dossier_id)
    assert (dossier.state, dossier.level) == (State.AT_PARENT, "TCT")
    with pytest.raises(NoLongerHeldError, match="hiện ở: Tổng công ty"):  # CTY sent it on
        world.levels.return_to_unit(dossier_id, None, clerk("CTY"), ["x"], NOW)
    world.levels.return_to_unit(dossier_id, None, clerk("TCT"), ["Thiếu biên bản của công ty"], NOW)
    assert world.levels.load(dossier_id).level == "XN"  # back to the unit that proposed it
    world.drafting.submit(dossier_id, None, clerk("XN"), NOW)
    world.send_up(clerk("CTY"), dossier_id, number="8/TTr-CTY", title="Đợt 2")
    assert world.send_up(clerk("TCT"), dossier_id, number="3/TTr-TCT") == "tinh"
    assert [s["to"] for s in world.levels.load(dossier_id).chain] == ["CTY", "TCT", "XN", "CTY", "TCT", "tinh"]


def test_a_unit_without_a_parent_submits_straight_to_the_province() -> None:
    world = Levelled()
    dossier = world.levels.load(world.submitted_by(SGD))
    assert (dossier.state, dossier.level, dossier.route) == (State.SUBMITTED, "tinh", [])


def test_a_parent_acts_only_on_the_dossiers_its_own_units_sent_it() -> None:
    world = Levelled()
    school, hospital = world.submitted_by(SCHOOL), world.submitted_by(clerk("BVDK"))
    with pytest.raises(NotAllowedError, match="đơn vị cấp trên đang giữ hồ sơ"):
        world.levels.return_to_unit(school, None, SYT, ["x"], NOW)
    with pytest.raises(NotAllowedError):
        world.send_up(SGD, school, hospital)
    with pytest.raises(NotAllowedError):  # the school cannot send its own dossier past its parent
        world.send_up(SCHOOL, school)
    with pytest.raises(NotAllowedError):
        world.levels.return_to_unit(school, None, APPRAISER, ["x"], NOW)
    assert world.levels.load(school).state == State.AT_PARENT  # nothing of it was saved
    assert world.levels.for_reading(school, SGD).id == school
    with pytest.raises(NotAllowedError):
        world.levels.for_reading(school, SYT)
    assert visible_unit(SGD, None, level="SGDDT") is None and visible_unit(SGD, None, level="SYT") == "SGDDT"


def test_one_tờ_trình_holds_dossiers_of_one_level_and_keeps_its_number() -> None:
    world = Levelled()
    first = world.submitted_by(SCHOOL)
    world.send_up(SGD, first)
    second = world.submitted_by(SCHOOL, "Lục Văn Dũng")
    with pytest.raises(SubmissionNumberConflictError, match="45/TTr-SGDĐT"):
        world.send_up(SGD, second, number="46/TTr-SGDĐT")
    with pytest.raises(NoLongerHeldError, match="Sở Nội vụ"):  # already at the province
        world.send_up(SGD, first, second, title="Đợt 2")
    admin = Principal(subject="quan-tri", roles=frozenset({Role.ADMIN}))
    lower, upper = world.submitted_by(clerk("XN")), world.submitted_by(clerk("XN"), "Lục Văn Dũng")
    world.send_up(clerk("CTY"), upper, number="9/TTr-CTY")
    with pytest.raises(MixedLevelsError, match="cùng một cấp"):
        world.send_up(admin, lower, upper, number="1/TTr-TCT")


def test_the_events_on_the_bus_and_the_list_carry_the_levels() -> None:
    world = Levelled()
    dossier_id = world.submitted_by(SCHOOL)
    world.levels.return_to_unit(dossier_id, None, SGD, ["Thiếu minh chứng"], NOW)
    world.drafting.submit(dossier_id, None, SCHOOL, NOW)
    world.send_up(SGD, dossier_id)
    events = list(world.app.repository.event_store.get(dossier_id))
    published = [p for p in (to_contract(e, uuid4(), world.app) for e in events) if p is not None]
    by_kind = {type(p).__name__: p for p in published}
    sent = by_kind["NominationSentToParent"]
    assert isinstance(sent, c.NominationSentToParent) and (sent.level, sent.state) == ("SGDDT", "at_parent")
    returned = by_kind["NominationReturnedByParent"]
    assert isinstance(returned, c.NominationReturnedByParent) and returned.returned_by == "SGDDT"
    up = by_kind["NominationSentUp"]
    assert isinstance(up, c.NominationSentUp) and (up.from_level, up.level, up.submission_number) == (
        "SGDDT", "tinh", "45/TTr-SGDĐT")
    assert [(s.step, s.to_level) for s in up.chain] == [("submitted", "SGDDT"), ("returned", "THPT.CAOBINH"),
                                                        ("submitted", "SGDDT"), ("forwarded", "tinh")]
    assert type(published[-1]).__name__ == "NominationSubmitted"  # then it reached Sở Nội vụ, as before
    moves = [(_state_after(e), _level_after(e)[0]) for e in events if type(e).__name__ in
             ("SentToParent", "ReturnedByParent", "ForwardedUp", "Submitted")]
    assert moves == [("at_parent", "SGDDT"), ("returned", ""), ("at_parent", "SGDDT"), (None, "tinh"),
                     ("submitted", "tinh")]


def test_the_parent_commands_are_a_unit_clerks_and_the_routes_declare_them() -> None:
    assert roles_for("return_to_unit") == (frozenset({Role.UNIT_CLERK}), True)
    assert roles_for("forward_up") == (frozenset({Role.UNIT_CLERK}), True)


def test_a_dossier_the_province_returns_goes_back_through_the_parent() -> None:
    world = Levelled()
    dossier_id = world.submitted_by(SCHOOL)
    world.send_up(SGD, dossier_id)
    world.review.step(dossier_id, None, APPRAISER, "return", NOW, reasons=["Thiếu xác nhận của Sở GD&ĐT"])
    dossier = world.levels.load(dossier_id)
    assert (dossier.state, dossier.level) == (State.RETURNED, "THPT.CAOBINH")
    world.drafting.submit(dossier_id, None, SCHOOL, NOW)
    assert world.levels.load(dossier_id).level == "SGDDT"


def test_the_units_file_can_be_the_provinces_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("version: 3\nsource: Sở Nội vụ\nunits: [{code: A, name: Sở A}, {code: B, name: Trường B, "
                    "parent: A}]\n", encoding="utf-8")
    monkeypatch.setenv("TDKT_NOMINATION_UNITS_FILE", str(path))
    for name, value in {"TDKT_JWT_SECRET": TEST_SECRET, "TDKT_AUDIT_KEY": TEST_AUDIT_KEY,
                        "TDKT_NOMINATION_RECORD_KEY": TEST_RECORD_KEY}.items():
        monkeypatch.setenv(name, value)
    tree = UnitTree.from_file(NominationSettings().units_file)
    assert (tree.version, tree.route("B")) == (3, ["A"])


def test_submissions_stored_under_their_first_module_still_load() -> None:
    """Submissions stored before the aggregate moved to the domain model keep their topic."""
    from eventsourcing.utils import resolve_topic

    assert resolve_topic("services.nomination.dossiers.bulk:Submission") is Submission
    assert resolve_topic("services.nomination.dossiers.bulk:Submission.SentUp") is Submission.SentUp  # type: ignore[attr-defined]


def test_a_parent_unit_past_its_review_limit_is_marked_late_and_the_next_parent_gets_its_own() -> None:
    world = Levelled()
    world.review.limits = TimeLimits({**world.review.limits.days, "at_parent": 3})
    # a company's dossier reaches its parent (the company above it) on Monday 02/03/2026
    dossier_id = world.submitted_by(clerk("XN"))
    assert world.review.step_due(world.review.load(dossier_id)) is None  # the province's clock stands still
    assert world.review.due(world.review.load(dossier_id)) == date(2026, 3, 5)  # 3 working days
    assert world.review.mark_late(dossier_id, date(2026, 3, 5), NOW) is False
    assert world.review.mark_late(dossier_id, date(2026, 3, 6), NOW) is True
    assert world.review.mark_late(dossier_id, date(2026, 3, 9), NOW) is False  # once per parent unit
    assert world.review.load(dossier_id).late_in == "at_parent"
    # the company sends it up to the group on Monday 09/03: the group has its own three days
    later = NOW + timedelta(days=7)
    world.levels.send_up(clerk("CTY"), title="Đợt 1", number="5/TTr-CTY", year=2026, dossier_ids=[dossier_id],
                         now=later)
    dossier = world.review.load(dossier_id)
    assert (dossier.level, dossier.late_in) == ("TCT", None)
    assert world.review.due(dossier) == date(2026, 3, 12)
    assert world.review.mark_late(dossier_id, date(2026, 3, 13), later) is True


def test_the_shipped_time_limits_give_the_parent_units_their_days() -> None:
    limits = time_limits(NominationSettings.model_fields["time_limits_file"].default)
    assert limits.days["at_parent"] >= 1


ADMIN = Principal(subject="quan-tri", unit=None, roles=frozenset({Role.ADMIN}))


def test_an_admins_newer_hierarchy_is_kept_and_wins_over_an_older_file() -> None:
    world = Levelled()
    tree = UnitTree(UNITS.units(), version=3, source="units.yaml")
    hierarchy = Hierarchy(world.app, tree)
    moved = [u if u.code != "THPT.CAOBINH" else Unit(code=u.code, name=u.name, parent=None) for u in tree.units()]
    with pytest.raises(ForbiddenError):
        hierarchy.replace(SGD, UnitFile(version=4, source="QĐ 12/QĐ-UBND", units=moved), NOW)
    with pytest.raises(StaleUnitsError, match="hãy tăng version"):
        hierarchy.replace(ADMIN, UnitFile(version=3, source="QĐ 12/QĐ-UBND", units=moved), NOW)
    assert tree.route("THPT.CAOBINH") == ["SGDDT"]
    hierarchy.replace(ADMIN, UnitFile(version=4, source="QĐ 12/QĐ-UBND", units=moved), NOW)
    assert (tree.version, tree.route("THPT.CAOBINH")) == (4, [])
    # at the next start-up: the stored version 4 over a file still at 3, but not over a file at 5
    restarted = UnitTree(UNITS.units(), version=3)
    Hierarchy(world.app, restarted).load()
    assert (restarted.version, restarted.source, restarted.route("THPT.CAOBINH")) == (4, "QĐ 12/QĐ-UBND", [])
    edited = UnitTree(UNITS.units(), version=5)
    Hierarchy(world.app, edited).load()
    assert (edited.version, edited.route("THPT.CAOBINH")) == (5, ["SGDDT"])


def test_a_replica_routes_by_the_hierarchy_another_replica_stored_without_restarting() -> None:
    world = Levelled()
    first, second = (Hierarchy(world.app, UnitTree(UNITS.units(), version=3)) for _ in range(2))
    assert second.route("THPT.CAOBINH") == ["SGDDT"]
    moved = [u if u.code != "THPT.CAOBINH" else Unit(code=u.code, name=u.name, parent=None) for u in UNITS.units()]
    first.replace(ADMIN, UnitFile(version=4, source="QĐ 12/QĐ-UBND", units=moved), NOW)
    assert (second.route("THPT.CAOBINH"), second.tree.version) == ([], 4)
    # the second replica's next replacement must pass the version the first one stored
    with pytest.raises(StaleUnitsError, match="không mới hơn phiên bản đang dùng \\(4\\)"):
        second.replace(ADMIN, UnitFile(version=4, source="QĐ 13/QĐ-UBND", units=UNITS.units()), NOW)
    second.replace(ADMIN, UnitFile(version=5, source="QĐ 13/QĐ-UBND", units=UNITS.units()), NOW)
    assert (first.route("THPT.CAOBINH"), first.name("SGDDT"), first.tree.source) == (
        ["SGDDT"], "Sở Giáo dục và Đào tạo", "QĐ 13/QĐ-UBND")
