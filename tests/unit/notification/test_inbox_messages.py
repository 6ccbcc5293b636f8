"""The inbox texts and the award names they use (pure: no database, no bus)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from contracts import nomination as c
from services.notification.messages import compose

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "contracts" / "fixtures"
BKT = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def event(name: str, **fields: Any) -> Any:
    body = json.loads((FIXTURES / f"nomination.{name}.v1.json").read_text(encoding="utf-8"))
    return getattr(c, name).model_validate({**body, "award_name": BKT, **fields})


def test_a_return_names_the_award_the_nominee_the_year_and_every_reason() -> None:
    message = compose(event("NominationReturned", reasons=["Thiếu biên bản bình xét", "Thiếu tờ trình."],
                            times_returned=2))
    assert message is not None
    assert message.kind == "returned"
    assert message.title == "Hồ sơ của Nông Thị Hoa bị trả lại để bổ sung (lần 2)"
    assert message.body == ("Hồ sơ đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Nông Thị Hoa (2025) "
                            "bị trả lại (lần 2): Thiếu biên bản bình xét; Thiếu tờ trình.")
    assert message.link == "/dossiers/9d1f3b2a-6c4e-5f7a-8b9c-0d1e2f3a4b5c"


def test_a_decision_gives_its_number_date_signer_and_cash() -> None:
    message = compose(event("AwardDecided"))
    assert message is not None and message.kind == "decided"
    assert message.body.endswith("số 163/QĐ-UBND ngày 02/04/2026 của Chủ tịch UBND tỉnh. "
                                 "Tiền thưởng: 3.510.000 đồng.")
    no_cash = compose(event("AwardDecided", cash_amount=None))
    assert no_cash is not None and no_cash.body.endswith("của Chủ tịch UBND tỉnh.")


def test_a_rejection_and_a_late_step_say_why_and_which_step() -> None:
    rejected = compose(event("NominationRejected"))
    late = compose(event("NominationLate", in_state="council_review", due_date="2026-04-05"))
    assert rejected is not None and rejected.body.endswith(
        "không được khen thưởng: Không đủ 02 năm liên tục hoàn thành xuất sắc nhiệm vụ.")
    assert late is not None and late.body.endswith(
        "đã quá thời hạn ở bước xét của Hội đồng TĐKT tỉnh (hạn 05/04/2026).")
    unreasoned = compose(event("NominationRejected", reason="  "))
    assert unreasoned is not None and unreasoned.body.endswith("(2025) không được khen thưởng.")


def test_an_event_without_the_awards_name_shows_its_code() -> None:
    message = compose(event("NominationReturned", award_code="MOI_2027", award_name=None))
    assert message is not None
    assert message.body.startswith("Hồ sơ đề nghị hình thức khen thưởng mã MOI_2027 cho Nông Thị Hoa (2025)")


@pytest.mark.parametrize("name", ["NominationCreated", "NominationSubmitted", "NominationProgressed",
                                  "CouncilVoted", "AwardConferred", "AwardRevoked"])
def test_other_steps_send_the_unit_no_message(name: str) -> None:
    assert compose(event(name)) is None



def test_every_text_is_unicode_nfc() -> None:
    for name in ("NominationReturned", "AwardDecided", "NominationRejected", "NominationLate"):
        message = compose(event(name))
        assert message is not None
        for text in (message.title, message.body):
            assert unicodedata.normalize("NFC", text) == text
