"""The inbox texts and the award names they use (pure: no database, no bus)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from contracts import nomination as c
from contracts import plan as p
from services.notification.messages import Message, compose

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "contracts" / "fixtures"
BKT = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def event(name: str, **fields: Any) -> Any:
    body = json.loads((FIXTURES / f"nomination.{name}.v1.json").read_text(encoding="utf-8"))
    return getattr(c, name).model_validate({**body, "award_name": BKT, **fields})


def task_event(name: str, **fields: Any) -> Any:
    body = json.loads((FIXTURES / f"plan.{name}.v1.json").read_text(encoding="utf-8"))
    return getattr(p, name).model_validate({**body, **fields})


def one(event: Any) -> Message:
    [message] = compose(event)
    assert message.unit_code == event.unit_code and message.topic == "dossier"
    return message


def test_a_return_names_the_award_the_nominee_the_year_and_every_reason() -> None:
    message = one(event("NominationReturned", reasons=["Thiếu biên bản bình xét", "Thiếu tờ trình."],
                        times_returned=2))
    assert message.kind == "returned"
    assert message.title == "Hồ sơ của Nông Thị Hoa bị trả lại để bổ sung (lần 2)"
    assert message.body == ("Hồ sơ đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Nông Thị Hoa (2025) "
                            "bị trả lại (lần 2): Thiếu biên bản bình xét; Thiếu tờ trình.")
    assert message.link == "/dossiers/9d1f3b2a-6c4e-5f7a-8b9c-0d1e2f3a4b5c"


def test_a_decision_gives_its_number_date_signer_and_cash() -> None:
    message = one(event("AwardDecided"))
    assert message.kind == "decided"
    assert message.body.endswith("số 163/QĐ-UBND ngày 02/04/2026 của Chủ tịch UBND tỉnh. "
                                 "Tiền thưởng: 3.510.000 đồng.")
    no_cash = one(event("AwardDecided", cash_amount=None))
    assert no_cash.body.endswith("của Chủ tịch UBND tỉnh.")


def test_a_rejection_and_a_late_step_say_why_and_which_step() -> None:
    rejected = one(event("NominationRejected"))
    late = one(event("NominationLate", in_state="council_review", due_date="2026-04-05"))
    assert rejected.body.endswith(
        "không được khen thưởng: Không đủ 02 năm liên tục hoàn thành xuất sắc nhiệm vụ.")
    assert late.body.endswith(
        "đã quá thời hạn ở bước xét của Hội đồng TĐKT tỉnh (hạn 05/04/2026).")
    at_parent = one(event("NominationLate", in_state="at_parent", due_date="2026-03-05"))
    assert at_parent.title.endswith("quá hạn ở bước xem xét tại đơn vị cấp trên")
    unreasoned = one(event("NominationRejected", reason="  "))
    assert unreasoned.body.endswith("(2025) không được khen thưởng.")


def test_an_event_without_the_awards_name_shows_its_code() -> None:
    message = one(event("NominationReturned", award_code="MOI_2027", award_name=None))
    assert message.body.startswith("Hồ sơ đề nghị hình thức khen thưởng mã MOI_2027 cho Nông Thị Hoa (2025)")


@pytest.mark.parametrize(("name", "fields", "kind"), [
    ("NominationCreated", {}, "created"), ("NominationSubmitted", {}, "submitted"),
    ("NominationProgressed", {}, "progressed"), ("NominationAppraised", {}, "appraised"),
    ("NominationPutOnHold", {}, "on_hold"), ("NominationDisclosed", {}, "disclosed"),
    ("CouncilVoted", {}, "council_passed"), ("CouncilVoted", {"passed": False, "yes": 12}, "council_failed"),
    ("AwardDecided", {"central": True}, "central_decided"), ("NominationForwarded", {}, "forwarded"),
    ("AwardConferred", {}, "conferred"), ("AwardRevoked", {}, "revoked"),
])
def test_every_step_of_a_dossier_tells_its_unit(name: str, fields: dict[str, Any], kind: str) -> None:
    message = one(event(name, **fields))
    assert message.kind == kind and message.body.startswith("Hồ sơ đề nghị " + BKT)


def test_a_failed_council_vote_gives_the_tally_and_the_threshold() -> None:
    message = one(event("CouncilVoted", passed=False, yes=12, no=6, abstain=1))
    assert message.title == "Hội đồng TĐKT tỉnh không thông qua hồ sơ của Nông Thị Hoa"
    assert message.body.endswith("không được Hội đồng Thi đua – Khen thưởng tỉnh thông qua: 12/19 phiếu đồng ý, "
                                 "cần từ 80%.")


def test_a_task_tells_its_lead_and_coordinating_units_each_their_part() -> None:
    lead, helper = compose(task_event("TaskAssigned", lead_units=[{"code": "CAT", "name": "Công an tỉnh"}],
                                      coordinating_units=[{"code": "SNV", "name": "Sở Nội vụ"}]))
    assert (lead.unit_code, helper.unit_code) == ("CAT", "SNV")
    assert {lead.kind, helper.kind, lead.topic} == {"task_assigned", "task"}
    assert lead.link == "/tasks/3b7c2c5e-2f53-5a8e-9a57-1d2cf1c4b001"
    assert "Đơn vị được giao chủ trì; hạn hoàn thành 31/03/2026." in lead.body
    assert "Đơn vị phối hợp với Công an tỉnh; hạn hoàn thành 31/03/2026." in helper.body
    assert lead.body.startswith("Nhiệm vụ số 7 quý I năm 2026 của Kế hoạch 157/KH-UBND: ")


def test_a_reassignment_tells_the_units_that_leave_too() -> None:
    messages = {m.unit_code: m for m in compose(task_event("TaskReassigned"))}
    assert set(messages) == {"CAT", "SNV", "VPUBND"}
    assert messages["VPUBND"].body.endswith("không còn do đơn vị thực hiện (lý do giao lại: Công an tỉnh chủ trì "
                                            "theo chỉ đạo của UBND tỉnh).")
    assert "Đơn vị phối hợp với Công an tỉnh" in messages["SNV"].body


def test_completed_and_overdue_tasks() -> None:
    done = compose(task_event("TaskCompleted", late=True))
    assert [m.kind for m in done] == ["task_completed"] * len(done)
    assert "đã hoàn thành ngày 15/04/2026 (trễ hạn) theo văn bản 45/BC-UBND." in done[0].body
    overdue = compose(task_event("TaskOverdue"))
    assert {m.kind for m in overdue} == {"task_overdue"}
    assert "hạn hoàn thành 31/03/2026 đã qua mà chưa có văn bản hoàn thành." in overdue[0].body
    assert compose(task_event("PlanIssued")) == []


def test_every_text_is_unicode_nfc() -> None:
    for name in ("NominationReturned", "AwardDecided", "NominationRejected", "NominationLate"):
        message = one(event(name))
        for text in (message.title, message.body):
            assert unicodedata.normalize("NFC", text) == text


def test_a_public_comment_tells_the_unit_how_many_came_in_and_until_when_the_notice_runs() -> None:
    message = one(event("NominationNoticeCommented", comments=3))
    assert message.kind == "notice_commented"
    assert message.title == "Hồ sơ của Nông Thị Hoa nhận ý kiến góp ý khi công khai"
    assert message.body.startswith("Hồ sơ đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Nông Thị Hoa (2025) "
                                   "nhận thêm ý kiến góp ý trong thời gian công khai (đã có 3 ý kiến; công khai đến "
                                   "ngày 24/03/2026).")
    assert "ý kiến đầu tiên" in one(event("NominationNoticeCommented", comments=1)).body


def test_the_priority_groups_version_2_tells_the_unit_nothing_version_1_did_not() -> None:
    for v1, v2 in c.WITH_GROUPS.items():
        body = json.loads((FIXTURES / f"nomination.{v1.__name__}.v2.json").read_text(encoding="utf-8"))
        assert compose(v2.model_validate(body)) == []
        assert len(compose(v1.model_validate({**body, "version": 1}))) == 1  # the same fact told once, by v1
