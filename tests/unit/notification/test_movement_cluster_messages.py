"""The inbox texts of movements and clusters, and who gets them (pure: no database, no bus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contracts import plan_clusters as c
from contracts import plan_movements as m
from services.notification import movement_texts
from services.notification.messages import Audience, Message, address, compose

FIXTURES = Path(__file__).resolve().parents[2] / "contracts" / "fixtures"
MOVEMENT = "Phong trào thi đua phát triển kinh tế - xã hội năm 2026"


def event(module: Any, name: str, **fields: Any) -> Any:
    body = json.loads((FIXTURES / f"plan.{name}.v1.json").read_text(encoding="utf-8"))
    return getattr(module, name).model_validate({**body, **fields})


def by_unit(messages: list[Message]) -> dict[str, Message]:
    told = {message.unit_code: message for message in messages}
    assert len(told) == len(messages)  # one message per unit
    return told


def test_an_opened_registration_tells_every_unit_in_scope_with_the_deadline() -> None:
    opened = event(m, "MovementRegistrationOpened")
    told = by_unit(address(opened, Audience(["SNV", "SYT", "UBND-HOAAN"])))
    assert set(told) == {"SNV", "SYT", "UBND-HOAAN"}
    message = told["SYT"]
    assert (message.kind, message.topic, message.ref_id) == ("movement_registration_opened", "movement",
                                                              opened.movement_id)
    assert message.title == f"Mở đăng ký thi đua: {MOVEMENT}"
    assert message.body.startswith(f"Phong trào thi đua thường xuyên “{MOVEMENT}” (toàn tỉnh, từ 01/01/2026 "
                                   "đến 31/12/2026) đã mở đăng ký thi đua; hạn đăng ký đến hết ngày 15/03/2026.")
    assert message.link == f"/movements/{opened.movement_id}"
    assert compose(opened) == []  # the recipients are the service's to find


def test_an_extended_registration_tells_only_the_units_not_registered_yet() -> None:
    opened = event(m, "MovementRegistrationOpened", extended=True, deadline="2026-03-31")
    told = by_unit(address(opened, Audience(["SNV", "SYT", "STC"], registered=frozenset({"SNV"}))))
    assert set(told) == {"SYT", "STC"}
    assert told["STC"].title == f"Gia hạn đăng ký thi đua: {MOVEMENT}"
    assert "gia hạn đăng ký thi đua đến hết ngày 31/03/2026" in told["STC"].body


def test_a_unit_is_told_of_its_own_registration() -> None:
    registered = event(m, "UnitRegisteredForMovement")
    [message] = compose(registered)
    assert message.unit_code == registered.unit.code and message.kind == "movement_registered"
    assert message.title == f"Đã đăng ký thi đua: {MOVEMENT}"
    assert f"{registered.unit.name} đã đăng ký thi đua ngày" in message.body
    [amended] = compose(registered.model_copy(update={"amended": True}))
    assert amended.title == f"Đã sửa đăng ký thi đua: {MOVEMENT}"


def test_a_closed_registration_tells_the_registered_and_the_units_that_missed_it_apart() -> None:
    closed = event(m, "MovementRegistrationClosed")
    registered = {unit.code for unit in closed.registered_units}
    told = by_unit(address(closed, Audience([*sorted(registered), "CB-LATE"])))
    assert set(told) == registered | {"CB-LATE"}
    assert told["CB-LATE"].body.endswith("đơn vị không đăng ký thi đua.")
    some = sorted(registered)[0]
    assert told[some].body.endswith(f"đơn vị đã đăng ký, cùng {len(registered)} đơn vị đăng ký thi đua.")
    assert {message.kind for message in told.values()} == {"movement_registration_closed"}


def test_the_reminder_before_the_deadline_goes_to_the_units_not_registered() -> None:
    opened = event(m, "MovementRegistrationOpened")
    [message] = movement_texts.closing(opened, Audience(["SNV", "SYT"], registered=frozenset({"SNV"})), 1)
    assert (message.unit_code, message.kind) == ("SYT", "movement_registration_closing")
    assert message.title == f"Sắp hết hạn đăng ký thi đua (ngày mai): {MOVEMENT}"
    assert "hạn đăng ký thi đua đến hết ngày 15/03/2026 (ngày mai). Đơn vị chưa đăng ký thi đua." in message.body
    [week] = movement_texts.closing(opened, Audience(["SYT"]), 7)
    assert week.title.startswith("Sắp hết hạn đăng ký thi đua (còn 7 ngày)")


def test_the_scores_tell_each_member_its_own_total_and_rank() -> None:
    scored = event(c, "ClusterScored")
    told = by_unit(compose(scored))
    assert set(told) == {"STC", "SNV", "STP"}
    assert told["STC"].body == ("Khối các cơ quan tổng hợp năm 2026: Sở Tài chính đạt 94/100 điểm, xếp thứ 1/3 "
                                "(tự chấm 95,5 điểm).")
    assert told["SNV"].body.endswith("đạt 92/100 điểm, xếp thứ 2/3.")
    assert told["STP"].link == f"/clusters/{scored.cluster_id}" and told["STP"].topic == "cluster"


def test_a_self_assessment_is_confirmed_to_the_member_and_put_to_the_leader() -> None:
    assessed = event(c, "ClusterSelfAssessed")
    told = by_unit(address(assessed, Audience(["STC", "SNV", "STP"], leader="SNV")))
    assert set(told) == {"STC", "SNV"}  # the member (Sở Tài chính) and the leader
    assert told["STC"].kind == "cluster_self_assessed"
    assert told["STC"].body == ("Sở Tài chính đã tự chấm 95,5 điểm theo giao ước thi đua Khối các cơ quan tổng hợp "
                                "năm 2026.")
    assert told["SNV"].kind == "cluster_scoring_due"
    assert told["SNV"].body.endswith("Đề nghị cụm trưởng chấm điểm các thành viên.")
    # The leader assessing itself is told once.
    assert list(by_unit(address(assessed, Audience(["STC", "SNV"], leader="STC")))) == ["STC"]


def test_the_covenant_asks_every_member_to_assess_itself() -> None:
    signed = event(c, "CovenantSigned")
    told = by_unit(address(signed, Audience(["STC", "SNV", "STP", "SKHDT"])))
    assert {"STC", "SNV", "STP", "SKHDT"} <= set(told)
    assert all(message.body.endswith("Đề nghị đơn vị tự chấm điểm theo các tiêu chí của giao ước.")
               for message in told.values())


def test_the_vote_is_put_to_the_voters_and_its_result_to_every_member() -> None:
    opened = event(c, "ClusterVoteOpened")
    told = by_unit(compose(opened))
    assert set(told) == {unit.code for unit in opened.voters}
    assert {message.kind for message in told.values()} == {"cluster_vote_opened"}
    assert f"đơn vị dẫn đầu cần {opened.votes_needed} phiếu" in next(iter(told.values())).body
    elected = event(c, "ClusterLeaderElected")
    result = by_unit(address(elected, Audience(["STC", "SNV", "STP", "SKHDT"])))
    assert {"STC", "SNV", "STP", "SKHDT"} <= set(result)
    message = result["SKHDT"]
    assert message.title == f"Đơn vị dẫn đầu Khối các cơ quan tổng hợp năm 2026: {elected.leader.name}"
    assert f"{elected.leader.name} được {elected.votes}/{elected.voters} phiếu" in message.body


def test_the_conclusion_tells_the_registered_units_and_those_proposed_for_an_award() -> None:
    concluded = event(m, "MovementConcluded")  # two awards proposed for Sở Tài chính's people
    told = by_unit(address(concluded, Audience(["SNV", "SYT"], registered=frozenset({"SYT", "STC"}))))
    assert set(told) == {"STC", "SYT"}
    assert told["STC"].body.endswith(
        "đề nghị khen thưởng của đơn vị: Bằng khen của Chủ tịch UBND tỉnh cho Sở Tài chính; "
        "Bằng khen của Chủ tịch UBND tỉnh cho Nông Văn Bình.")
    assert told["SYT"].body.endswith("theo báo cáo 25/BC-UBND.")
    assert {message.kind for message in told.values()} == {"movement_concluded"}


def test_a_unit_joining_or_leaving_a_cluster_is_told() -> None:
    changed = event(c, "ClusterMembershipChanged")
    [message] = compose(changed)
    assert (message.unit_code, message.kind) == (changed.unit.code, "cluster_membership_changed")
    assert message.title.startswith("Tham gia " if changed.change == "joined" else "Rời ")
