"""Council sessions: quorum, one secret ballot per member, recusal, written votes, thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from servicekit.auth import Principal, Role
from services.nomination.council.application import Council, summary
from services.nomination.council.domainmodel import (
    AlreadyVotedError,
    BallotBox,
    CouncilError,
    CouncilSession,
    QuorumError,
    SessionClosedError,
)
from tests.unit.nomination.dossiers.fakes import FakeCatalogue
from tests.unit.nomination.dossiers.test_paths import NOW, World

SECRETARY = Principal(subject="thu-ky", unit=None, roles=frozenset({Role.COUNCIL_SECRETARY}))
MEMBERS = {f"tv{n}": f"Thành viên {n}" for n in range(1, 6)}  # five members


def member(n: int) -> Principal:
    return Principal(subject=f"tv{n}", unit=None, roles=frozenset({Role.COUNCIL_MEMBER}))


def session_with():
    world = World()
    council = Council(world.app, FakeCatalogue(), world.review)
    dossier_id = world.open()
    world.to_council(dossier_id)
    session_id, created = council.open(SECRETARY, title="Phiên họp tháng 3/2026", held_on=date(2026, 3, 20),
                                       members=MEMBERS, quorum=3, dossier_ids=[dossier_id], now=NOW)
    assert created
    return world, council, session_id, dossier_id


def test_the_session_needs_its_quorum_before_counting() -> None:
    _world, council, session_id, _dossier_id = session_with()
    council.attendance(session_id, SECRETARY, "tv1", True)
    council.attendance(session_id, SECRETARY, "tv2", True)
    with pytest.raises(QuorumError, match="có mặt 2, cần 3"):
        council.close(session_id, SECRETARY, NOW)


def test_each_member_votes_once_and_the_threshold_applies_to_all_members() -> None:
    world, council, session_id, dossier_id = session_with()  # BKT: 80 % of all members
    for n in (1, 2, 3, 4):
        council.attendance(session_id, SECRETARY, f"tv{n}", True)
    for n in (1, 2, 3):
        council.vote(session_id, member(n), dossier_id, "yes")
    with pytest.raises(AlreadyVotedError):
        council.vote(session_id, member(1), dossier_id, "no")
    council.vote(session_id, member(4), dossier_id, "no")
    result = council.close(session_id, SECRETARY, NOW)[str(dossier_id)]
    assert (result["yes"], result["no"], result["base"], result["passed"]) == (3, 1, 5, False)  # 3/5 < 80 %
    assert world.state(dossier_id) == "council_failed"


def test_an_absent_member_may_vote_in_writing_and_a_recused_member_is_left_out_of_the_base() -> None:
    world, council, session_id, dossier_id = session_with()
    for n in (1, 2, 3):
        council.attendance(session_id, SECRETARY, f"tv{n}", True)
    with pytest.raises(CouncilError, match="chưa được ghi nhận có mặt"):
        council.vote(session_id, member(4), dossier_id, "yes")
    council.recuse(session_id, member(5), dossier_id, "tv5", "Là người thân của người được đề nghị")
    for n in (1, 2, 3):
        council.vote(session_id, member(n), dossier_id, "yes")
    council.vote(session_id, SECRETARY, dossier_id, "yes", member="tv4")  # written ballot of an absent member
    result = council.close(session_id, SECRETARY, NOW)[str(dossier_id)]
    assert (result["yes"], result["base"], result["recused"], result["passed"]) == (4, 4, 1, True)
    assert world.state(dossier_id) == "council_passed"


def test_an_invalidated_ballot_is_not_counted_but_leaves_a_trace() -> None:
    world, council, session_id, dossier_id = session_with()
    for n in (1, 2, 3, 4, 5):
        council.attendance(session_id, SECRETARY, f"tv{n}", True)
        council.vote(session_id, member(n), dossier_id, "yes")
    spoiled = council.ballot_ids(session_id, SECRETARY, dossier_id)[0]
    council.invalidate(session_id, SECRETARY, dossier_id, spoiled, "Phiếu ghi sai hồ sơ")
    result = council.close(session_id, SECRETARY, NOW)[str(dossier_id)]
    assert (result["yes"], result["passed"]) == (4, True)  # 4/5 = 80 %
    box_events = [type(e).__name__ for e in world.app.events.get(BallotBox.create_id(session_id, str(dossier_id)))]
    assert "Invalidated" in box_events


def test_nothing_changes_once_the_session_is_closed() -> None:
    _world, council, session_id, dossier_id = session_with()
    for n in (1, 2, 3):
        council.attendance(session_id, SECRETARY, f"tv{n}", True)
    council.vote(session_id, member(1), dossier_id, "yes")
    council.close(session_id, SECRETARY, NOW)
    with pytest.raises(SessionClosedError):
        council.vote(session_id, member(2), dossier_id, "yes")
    with pytest.raises(SessionClosedError):
        council.attendance(session_id, SECRETARY, "tv4", True)


def test_no_stored_event_links_a_member_to_a_choice() -> None:
    world, council, session_id, dossier_id = session_with()
    for n in (1, 2, 3):
        council.attendance(session_id, SECRETARY, f"tv{n}", True)
        council.vote(session_id, member(n), dossier_id, "no" if n == 2 else "yes")
    council.close(session_id, SECRETARY, NOW)
    for notification in world.app.recorder.select_notifications(start=1, limit=10_000):
        state = notification.state.decode()
        has_member = any(f'"tv{n}"' in state for n in range(1, 6))
        has_choice = any(f'"{choice}"' in state for choice in ("yes", "no", "abstain"))
        assert not (has_member and has_choice), notification.topic
    seen = summary(council.get(session_id))
    assert seen["agenda"][str(dossier_id)]["voted"] == ["Thành viên 1", "Thành viên 2", "Thành viên 3"]
    assert "choices" not in str(seen)


def test_only_dossiers_ready_for_the_council_go_on_the_agenda() -> None:
    world = World()
    council = Council(world.app, FakeCatalogue(), world.review)
    draft = world.open()
    with pytest.raises(CouncilError, match="chưa ở bước trình Hội đồng"):
        council.open(SECRETARY, title="Phiên họp", held_on=date(2026, 3, 20), members=MEMBERS, quorum=3,
                     dossier_ids=[draft], now=NOW)


def test_a_strict_majority_is_not_reached_by_exactly_half() -> None:
    session = CouncilSession(title="t", held_on=date(2026, 3, 20), members={"a": "A", "b": "B"}, quorum=1,
                             agenda={"d": {"award": "X", "threshold": 0.5, "comparison": "more_than",
                                           "base": "present", "written_votes_allowed": False}},
                             opened_by="s", opened_at=NOW)
    session.record_attendance(member="a", present=True, by="s")
    session.record_attendance(member="b", present=True, by="s")
    assert session.close(tallies={"d": {"yes": 1, "no": 1}}, by="s", at=NOW)["d"]["passed"] is False
