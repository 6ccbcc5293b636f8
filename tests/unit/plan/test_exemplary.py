"""The exemplary models registry on the Application with the in-memory recorder."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from servicekit.auth import ForbiddenError
from services.plan.exemplary.application import ExemplaryModels
from services.plan.exemplary.domainmodel import InvalidExemplaryModelError, Stage, StageOrderError
from services.plan.movements.application import Movements
from services.plan.movements.rules import Kind, Scope
from tests.unit.plan.support import NOW, PLANNER, clerk, new_plans


@pytest.fixture
def registry() -> tuple[ExemplaryModels, Movements]:
    plans = new_plans()
    return ExemplaryModels(plans), Movements(plans)


def movement(movements: Movements, launched: bool = True) -> UUID:
    movement_id, _ = movements.draft(PLANNER, name="Nông thôn mới", kind=Kind.CHUYEN_DE, scope=Scope.TINH,
                                     scope_ref=None, launcher_level="tinh", starts_on=date(2026, 1, 1),
                                     ends_on=date(2026, 12, 31), criteria=[], launching_task_id=None, now=NOW)
    if launched:
        movements.launch(PLANNER, movement_id, decision={"number": "12/KH-UBND", "signed_on": date(2026, 2, 1),
                                                         "authority": "UBND tỉnh"},
                         launched_on=date(2026, 2, 1), complete_tasks=False, now=NOW)
    return movement_id


def found(models: ExemplaryModels, movement_id: UUID, who=PLANNER, finder: str = "X.QUANGLAM") -> UUID:
    model_id, created = models.recognise(
        who, name="Hợp tác xã Nông nghiệp Quảng Lâm", subject_kind="tap_the", unit_code="X.QUANGLAM",
        field="nông nghiệp", movement_id=movement_id, achievement="Liên kết 120 hộ trồng thạch đen.",
        found_by_unit=finder, found_on=date(2026, 4, 2), contact="0912 345 678", now=NOW)
    assert created
    return model_id


def test_a_unit_enters_the_models_it_found_and_only_those(registry) -> None:
    models, movements = registry
    movement_id = movement(movements)
    with pytest.raises(ForbiddenError):
        found(models, movement_id, who=clerk("STC"), finder="X.QUANGLAM")
    model_id = found(models, movement_id, who=clerk("X.QUANGLAM"))
    details = models.get(clerk("X.QUANGLAM"), model_id)
    assert (details["stage"], details["movement"]["name"], details["published"]) == ("phat_hien", "Nông thôn mới",
                                                                                    False)
    assert details["contact"] == "0912 345 678"
    assert models.get(clerk("STC"), model_id)["contact"] is None  # private to the finder and Ban TĐKT


def test_a_model_goes_through_the_four_stages_in_order(registry) -> None:
    models, movements = registry
    model_id = found(models, movement(movements))
    with pytest.raises(StageOrderError, match="giai đoạn tiếp theo là 'bồi dưỡng'"):
        models.advance(PLANNER, model_id, to=Stage.TONG_KET, on=date(2026, 5, 1), note="", now=NOW)
    for stage in (Stage.BOI_DUONG, Stage.TONG_KET, Stage.NHAN_RONG):
        assert models.advance(PLANNER, model_id, to=stage, on=date(2026, 6, 1), note="", now=NOW)[1] is True
    assert models.advance(PLANNER, model_id, to=Stage.NHAN_RONG, on=date(2026, 6, 2), note="", now=NOW)[1] is False
    with pytest.raises(StageOrderError, match="giai đoạn cuối"):
        models.advance(PLANNER, model_id, to=Stage.BOI_DUONG, on=date(2026, 6, 3), note="", now=NOW)


def test_coverage_and_the_public_feed(registry) -> None:
    models, movements = registry
    model_id = found(models, movement(movements))
    coverage = {"outlet": "Báo Cao Bằng", "title": "Thạch đen Quảng Lâm vươn xa",
                "url": "https://baocaobang.vn/thach-den", "published_on": date(2026, 5, 20)}
    assert models.record_coverage(PLANNER, model_id, **coverage, now=NOW)[1] is True
    assert models.record_coverage(PLANNER, model_id, **coverage, now=NOW)[1] is False
    with pytest.raises(InvalidExemplaryModelError, match="https://"):
        models.record_coverage(PLANNER, model_id, **{**coverage, "url": "javascript:alert(1)"}, now=NOW)
    with pytest.raises(InvalidExemplaryModelError, match="chưa được công khai"):
        models.unpublish(PLANNER, model_id, reason="x", now=NOW)
    assert models.publish(PLANNER, model_id, public_summary="Liên kết 120 hộ.", now=NOW)[1] is True
    models.unpublish(PLANNER, model_id, reason="Cập nhật nội dung", now=NOW)
    assert models.get(PLANNER, model_id)["published"] is False


def test_a_model_is_found_only_through_a_launched_movement(registry) -> None:
    models, movements = registry
    with pytest.raises(InvalidExemplaryModelError, match="chưa được phát động"):
        found(models, movement(movements, launched=False))
