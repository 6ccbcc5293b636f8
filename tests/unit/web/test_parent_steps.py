"""Which dossier steps a parent unit's clerk is offered, and the send-up form read into the
nomination service's request (pure: no browser, no service)."""

from __future__ import annotations

from typing import Any

from services.web.pages.parent import send_up_body
from services.web.pages.steps import BY_COMMAND, actions_for, body_of
from services.web.sessions import Person

AT_DEPARTMENT: dict[str, Any] = {"unit_code": "THPT.CAOBINH", "level": "SGDDT", "state": "at_parent",
                 "allowed_commands": ["forward_up", "return_to_unit"]}
RETURNED: dict[str, Any] = {"unit_code": "THPT.CAOBINH", "level": "THPT.CAOBINH", "state": "returned",
            "allowed_commands": ["attach_document", "submit"]}


def clerk(unit: str) -> Person:
    return Person(subject=f"canbo.{unit}", name="Cán bộ", unit=unit, roles=frozenset({"unit_clerk"}), csrf="x")


def commands(person: Person, dossier: dict[str, Any]) -> list[str]:
    return [step.command for step in actions_for(person, dossier)]


def test_only_the_parent_unit_holding_the_dossier_may_return_it() -> None:
    assert commands(clerk("SGDDT"), AT_DEPARTMENT) == ["return_to_unit"]
    assert commands(clerk("THPT.CAOBINH"), AT_DEPARTMENT) == []
    assert commands(clerk("SYT"), AT_DEPARTMENT) == []
    appraiser = Person(subject="thamdinh", name="Chuyên viên", unit="SNV", roles=frozenset({"appraiser"}), csrf="x")
    assert commands(appraiser, AT_DEPARTMENT) == []


def test_once_returned_the_school_submits_again_and_the_department_may_not() -> None:
    assert commands(clerk("THPT.CAOBINH"), RETURNED) == ["submit"]
    assert commands(clerk("SGDDT"), RETURNED) == []


def test_the_reasons_of_a_return_are_one_a_line() -> None:
    body = body_of(BY_COMMAND["return_to_unit"], {"reasons": " Bổ sung xác nhận sáng kiến \n\nThiếu biên bản\n"})
    assert body == {"reasons": ["Bổ sung xác nhận sáng kiến", "Thiếu biên bản"]}
    assert body_of(BY_COMMAND["return_to_unit"], {"reasons": "  "}) == {"reasons": []}  # the service names it


def test_the_send_up_form_keeps_a_wrong_year_for_the_service_to_name() -> None:
    chosen = ["0b6f3f3e-6d1c-4d7e-9a59-4f7f9f2a1c11"]
    assert send_up_body({"title": " Đề nghị ", "number": "45/TTr-SGDĐT ", "year": "2026", "dossier_ids": chosen}) \
        == {"title": "Đề nghị", "number": "45/TTr-SGDĐT", "year": 2026, "dossier_ids": chosen}
    assert send_up_body({"title": "x", "number": "", "year": "hai nghìn", "dossier_ids": chosen})["year"] == \
        "hai nghìn"
