"""Movements on the Application with the in-memory recorder: their life and their refusals."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from servicekit.auth import ForbiddenError
from services.plan.application import Plans
from services.plan.movements.application import Movements, UnitOutsideScopeError
from services.plan.movements.domainmodel import Movement
from services.plan.movements.rules import (
    Kind,
    MovementNotLaunchedError,
    MovementTransitionError,
    RegistrationClosedError,
    RegistrationNotOpenError,
    Scope,
    UnknownCriterionError,
)
from tests.unit.plan.support import NOW, PLANNER, clerk, launching_task, new_plans

CRITERIA = [{"code": "TC1", "title": "Hoàn thành chỉ tiêu kinh tế - xã hội", "target": "GRDP tăng hai con số"}]
DIRECTIVE = {"number": "01/ct-ubnd", "signed_on": date(2026, 2, 9), "authority": "Chủ tịch UBND tỉnh"}


@pytest.fixture
def plans() -> Plans:
    return new_plans()


@pytest.fixture
def movements(plans: Plans) -> Movements:
    return Movements(plans)


def draft(movements: Movements, task_id=None, **changes) -> UUID:
    fields = {"name": "Phong trào thi đua phát triển kinh tế - xã hội năm 2026", "kind": Kind.THUONG_XUYEN,
              "scope": Scope.TINH, "scope_ref": None, "launcher_level": "tinh", "starts_on": date(2026, 1, 1),
              "ends_on": date(2026, 12, 31), "criteria": CRITERIA, "launching_task_id": task_id, **changes}
    movement_id, created = movements.draft(PLANNER, **fields, now=NOW)
    assert created
    return movement_id


def launched(movements: Movements, deadline: date = date(2026, 3, 15), **changes) -> UUID:
    movement_id = draft(movements, **changes)
    movements.launch(PLANNER, movement_id, decision=DIRECTIVE, launched_on=date(2026, 2, 10), complete_tasks=True,
                     now=NOW)
    movements.open_registration(PLANNER, movement_id, deadline=deadline, today=date(2026, 2, 10), now=NOW)
    return movement_id


def test_launching_from_a_plan_task_completes_it_with_the_directive(plans: Plans, movements: Movements) -> None:
    task_id = launching_task(plans)
    movement_id = draft(movements, task_id)
    version, changed = movements.launch(PLANNER, movement_id, decision=DIRECTIVE, launched_on=date(2026, 2, 10),
                                        complete_tasks=True, now=NOW)
    assert changed and version == 3  # drafted, task linked, launched
    task = plans.get_task(task_id)
    assert (task["status"], task["document_ref"], task["completed_on"]) == ("completed", "01/CT-UBND",
                                                                             date(2026, 2, 10))
    details = movements.get(movement_id)
    assert details["status"] == "launched"
    assert details["tasks"][0]["purpose"] == "phat_dong"
    again = movements.launch(PLANNER, movement_id, decision=DIRECTIVE, launched_on=date(2026, 2, 10),
                             complete_tasks=True, now=NOW)
    assert again == (3, False)


def test_units_register_their_own_targets_until_the_deadline(movements: Movements) -> None:
    movement_id = launched(movements)
    targets = [{"criterion_code": "TC1", "target": "Thu ngân sách vượt 5% dự toán"}]
    assert movements.register(clerk("STC"), movement_id, unit_code="STC", targets=targets,
                              today=date(2026, 3, 15), now=NOW)[1] is True
    assert movements.register(clerk("STC"), movement_id, unit_code="STC", targets=targets,
                              today=date(2026, 3, 15), now=NOW)[1] is False  # a retried request
    before = movements.get(movement_id)["version"]
    with pytest.raises(RegistrationClosedError, match="15/03/2026"):
        movements.register(clerk("STP"), movement_id, unit_code="STP", targets=[], today=date(2026, 3, 16), now=NOW)
    with pytest.raises(ForbiddenError, match="chính đơn vị"):
        movements.register(clerk("STP"), movement_id, unit_code="STC", targets=[], today=date(2026, 3, 1), now=NOW)
    with pytest.raises(UnknownCriterionError, match="TC9"):
        movements.register(clerk("STP"), movement_id, unit_code="STP",
                           targets=[{"criterion_code": "TC9", "target": "x"}], today=date(2026, 3, 1), now=NOW)
    assert movements.get(movement_id)["version"] == before
    registrations = movements.get(movement_id)["registrations"]
    assert [(r["unit"]["code"], r["targets"]) for r in registrations] == [("STC", targets)]


def test_the_deadline_timer_closes_a_registration_once(movements: Movements, plans: Plans) -> None:
    movement_id = launched(movements)
    assert movements.close_registration(movement_id, today=date(2026, 3, 15), now=NOW) is False
    assert movements.close_registration(movement_id, today=date(2026, 3, 16), now=NOW) is True
    assert movements.close_registration(movement_id, today=date(2026, 3, 17), now=NOW) is False
    with pytest.raises(RegistrationClosedError):
        movements.register(PLANNER, movement_id, unit_code="STC", targets=[], today=date(2026, 3, 10), now=NOW)
    extended = movements.open_registration(PLANNER, movement_id, deadline=date(2026, 3, 31),
                                           today=date(2026, 3, 20), now=NOW)
    assert extended[1] is True
    assert movements.register(PLANNER, movement_id, unit_code="STC", targets=[], today=date(2026, 3, 20),
                              now=NOW)[1] is True


def test_a_movement_is_not_reviewed_registered_or_concluded_before_it_is_launched(movements: Movements) -> None:
    movement_id = draft(movements)
    with pytest.raises(MovementNotLaunchedError, match="chưa được phát động: không thể tổng kết"):
        movements.conclude(PLANNER, movement_id, document_ref="25/BC-UBND", concluded_on=date(2026, 12, 20),
                           summary="Tổng kết", proposed_awards=[], complete_tasks=True, now=NOW)
    with pytest.raises(MovementNotLaunchedError):
        movements.open_registration(PLANNER, movement_id, deadline=date(2026, 3, 1), today=date(2026, 2, 1), now=NOW)
    assert movements.get(movement_id)["version"] == 1


def test_registration_must_be_opened_first(movements: Movements) -> None:
    movement_id = draft(movements)
    movements.launch(PLANNER, movement_id, decision=DIRECTIVE, launched_on=date(2026, 2, 10), complete_tasks=False,
                     now=NOW)
    with pytest.raises(RegistrationNotOpenError):
        movements.register(PLANNER, movement_id, unit_code="STC", targets=[], today=date(2026, 2, 11), now=NOW)


def test_conclusion_closes_the_registration_and_proposes_awards(movements: Movements, plans: Plans) -> None:
    movement_id = launched(movements)
    movements.register(PLANNER, movement_id, unit_code="STC", targets=[], today=date(2026, 3, 1), now=NOW)
    movements.review(PLANNER, movement_id, document_ref="120/BC-UBND", reviewed_on=date(2026, 7, 10),
                     summary="Sơ kết 6 tháng", complete_tasks=False, now=NOW)
    awards = [{"award": "Bằng khen của Chủ tịch UBND tỉnh", "recipient_kind": "tap_the", "recipient": "Sở Tài chính",
               "unit": "STC"}]
    movements.conclude(PLANNER, movement_id, document_ref="25/BC-UBND", concluded_on=date(2026, 12, 20),
                       summary="Tổng kết năm", proposed_awards=awards, complete_tasks=False, now=NOW)
    details = movements.get(movement_id)
    assert (details["status"], details["registration"]["open"]) == ("concluded", False)
    assert details["conclusion"]["proposed_awards"][0]["unit"] == {"code": "STC", "name": "Sở Tài chính"}
    with pytest.raises(MovementTransitionError, match="đã tổng kết"):
        movements.conclude(PLANNER, movement_id, document_ref="26/BC-UBND", concluded_on=date(2026, 12, 21),
                           summary="Lần hai", proposed_awards=[], complete_tasks=False, now=NOW)
    stored = [type(e).__qualname__ for e in plans.events.get(movement_id)]
    assert stored[-2:] == ["Movement.RegistrationClosed", "Movement.Concluded"]


def test_a_cluster_movement_takes_only_the_clusters_members(movements: Movements) -> None:
    with pytest.raises(UnitOutsideScopeError, match="KHOI-TH"):
        draft(movements, scope=Scope.CUM_KHOI, scope_ref="KHOI-TH")
    movement_id = launched(movements, name="Thi đua trong đơn vị", scope=Scope.DON_VI, scope_ref="STC")
    with pytest.raises(UnitOutsideScopeError):
        movements.register(PLANNER, movement_id, unit_code="STP", targets=[], today=date(2026, 3, 1), now=NOW)
    assert Movement.create_id("Thi đua  trong đơn vị.", date(2026, 5, 1)) == movement_id
