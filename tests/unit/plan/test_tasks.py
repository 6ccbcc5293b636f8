"""The plan's rules, on the Application with the in-memory recorder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from servicekit.eventstore import memory_env
from services.plan.application import (
    PlanExistsError,
    Plans,
    TaskNotFoundError,
    UnknownUnitNamesError,
    VersionMismatchError,
)
from services.plan.domainmodel import (
    IllegalTransitionError,
    InvalidDocumentRefError,
    NothingToChangeError,
    ReasonRequiredError,
    Task,
    UnitCodeTakenError,
    UnitInBothRolesError,
    UnknownUnitError,
)
from services.plan.importer import read_document
from tests.support import SAMPLE_PLAN

NOW = datetime(2026, 11, 25, 3, tzinfo=UTC)


@pytest.fixture
def plans() -> Plans:
    app = Plans(env=memory_env())
    for code, name in [("SNV", "Sở Nội vụ"), ("VPUBND", "Văn phòng UBND tỉnh"), ("CAT", "Công an tỉnh")]:
        app.register_unit(code, name, "co_quan", [], "admin")
    return app


@pytest.fixture
def task_id(plans: Plans):
    plan_id, _ = plans.issue_plan(number="157/KH-UBND", year=2026, title="Kế hoạch TĐKT năm 2026",
                                  issuer="Ủy ban nhân dân tỉnh Cao Bằng", issued_on=date(2026, 1, 22),
                                  signed_by=None, by="u", now=NOW)
    return plans.add_task(plan_id, quarter=1, title="Chỉ thị phát động phong trào thi đua", lead_units=["SNV"],
                          coordinating_units=["VPUBND"], due_date=None, by="u", now=NOW)


def test_a_task_is_due_at_the_end_of_its_quarter_unless_given(plans: Plans, task_id) -> None:
    task = plans.get_task(task_id)
    assert (task["quarter"], task["number"], task["due_date"], task["status"]) == (1, 1, date(2026, 3, 31), "assigned")


def test_an_overdue_task_is_marked_once(plans: Plans, task_id) -> None:
    assert plans.mark_overdue(task_id, today=date(2026, 3, 31), now=NOW) is False  # due today: not late yet
    assert plans.mark_overdue(task_id, today=date(2026, 4, 1), now=NOW) is True
    assert plans.mark_overdue(task_id, today=date(2026, 4, 2), now=NOW) is False
    assert plans.load(Task, task_id, TaskNotFoundError).collect_events() == []  # nothing pending after save
    assert [type(e).__name__ for e in plans.events.get(task_id)] == ["Assigned", "BecameOverdue"]


def test_reassignment_needs_a_reason_and_a_change(plans: Plans, task_id) -> None:
    with pytest.raises(ReasonRequiredError):
        plans.reassign_task(task_id, lead_units=["CAT"], coordinating_units=[], reason="  ", due_date=None,
                            expected_version=None, by="u", now=NOW)
    with pytest.raises(NothingToChangeError):
        plans.reassign_task(task_id, lead_units=["SNV"], coordinating_units=["VPUBND"], reason="lý do",
                            due_date=None, expected_version=None, by="u", now=NOW)
    with pytest.raises(UnitInBothRolesError):
        plans.reassign_task(task_id, lead_units=["SNV"], coordinating_units=["SNV"], reason="lý do",
                            due_date=None, expected_version=None, by="u", now=NOW)
    with pytest.raises(UnknownUnitError, match="XYZ"):
        plans.reassign_task(task_id, lead_units=["XYZ"], coordinating_units=[], reason="lý do",
                            due_date=None, expected_version=None, by="u", now=NOW)
    assert plans.get_task(task_id)["version"] == 1


def test_a_new_deadline_reopens_an_overdue_task(plans: Plans, task_id) -> None:
    plans.mark_overdue(task_id, today=date(2026, 4, 1), now=NOW)
    plans.reassign_task(task_id, lead_units=["CAT"], coordinating_units=["SNV"], reason="Giao Công an chủ trì",
                        due_date=date(2026, 6, 30), expected_version=2, by="u", now=NOW)
    task = plans.get_task(task_id)
    assert (task["status"], task["due_date"], task["lead_units"]) == (
        "assigned", date(2026, 6, 30), [{"code": "CAT", "name": "Công an tỉnh"}])


def test_completion_is_idempotent_for_the_same_document_and_final(plans: Plans, task_id) -> None:
    plans.complete_task(task_id, document_ref="45/ bc-ubnd", completed_on=date(2026, 3, 20),
                        expected_version=None, by="u", now=NOW)
    again = plans.complete_task(task_id, document_ref="45/BC-UBND", completed_on=date(2026, 3, 20),
                                expected_version=None, by="u", now=NOW)
    assert again == 2
    with pytest.raises(IllegalTransitionError) as error:
        plans.complete_task(task_id, document_ref="46/BC-UBND", completed_on=date(2026, 3, 21),
                            expected_version=None, by="u", now=NOW)
    assert error.value.details == {"state": "completed", "command": "complete", "allowed_commands": []}
    with pytest.raises(IllegalTransitionError, match="không thể giao lại"):
        plans.reassign_task(task_id, lead_units=["CAT"], coordinating_units=[], reason="lý do",
                            due_date=None, expected_version=None, by="u", now=NOW)


def test_a_stale_version_is_refused_and_changes_nothing(plans: Plans, task_id) -> None:
    plans.complete_task(task_id, document_ref="45/BC-UBND", completed_on=date(2026, 3, 20),
                        expected_version=1, by="clerk-a", now=NOW)
    with pytest.raises(VersionMismatchError) as error:
        plans.reassign_task(task_id, lead_units=["CAT"], coordinating_units=[], reason="lý do",
                            due_date=None, expected_version=1, by="clerk-b", now=NOW)
    assert error.value.details == {"current_version": 2, "expected_version": 1}


def test_document_reference_must_look_like_one(plans: Plans, task_id) -> None:
    with pytest.raises(InvalidDocumentRefError):
        plans.complete_task(task_id, document_ref="báo cáo số 45", completed_on=date(2026, 3, 20),
                            expected_version=None, by="u", now=NOW)


def test_unknown_task_is_reported_by_id(plans: Plans) -> None:
    missing = uuid4()
    with pytest.raises(TaskNotFoundError, match=str(missing)):
        plans.get_task(missing)


def test_a_unit_code_keeps_its_unit(plans: Plans) -> None:
    assert plans.register_unit("SNV", "Sở Nội vụ", "co_quan", [], "admin") is False  # same again: no change
    with pytest.raises(UnitCodeTakenError):
        plans.register_unit("SNV", "Sở Tài chính", "co_quan", [], "admin")


def test_import_refuses_unknown_units_unless_asked_to_register_them(plans: Plans) -> None:
    document = read_document(SAMPLE_PLAN.read_bytes())
    with pytest.raises(UnknownUnitNamesError) as error:
        plans.import_plan(document, by="u", now=NOW)
    names = [u["name"] for u in error.value.details["unknown_units"]]
    assert "BCH Bộ đội Biên phòng tỉnh" in names and "Sở Nội vụ" not in names
    assert plans.recorder.max_notification_id() == 4  # nothing was saved: registry + 3 units only
    result = plans.import_plan(document, by="u", now=NOW, register_units=True)
    assert result.created
    assert len(result.registered_units) == len(names) - 1  # two spellings of one group of units


def test_a_different_document_under_the_same_number_is_refused(plans: Plans) -> None:
    document = read_document(SAMPLE_PLAN.read_bytes())
    plans.import_plan(document, by="u", now=NOW, register_units=True)
    changed = read_document(SAMPLE_PLAN.read_text(encoding="utf-8").replace("Tập huấn", "Bồi dưỡng").encode())
    with pytest.raises(PlanExistsError):
        plans.import_plan(changed, by="u", now=NOW)
