"""Use cases of the exemplary models registry, on the plan service's event store (`Plans`).

A unit may enter the models it found itself; Sở Nội vụ follows them through their stages,
records their coverage in the media and decides what the public feed shows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from servicekit.auth import Principal
from services.plan.application import Plans
from services.plan.domainmodel import PlanDomainError
from services.plan.exemplary.domainmodel import ExemplaryModel, InvalidExemplaryModelError, Stage
from services.plan.movements.application import MovementNotFoundError
from services.plan.movements.domainmodel import Movement
from services.plan.movements.rules import Status
from services.plan.permissions import check_may, may, planner, planner_or_own_unit

COMMANDS = {
    "recognise": planner_or_own_unit("ghi nhận điển hình tiên tiến do đơn vị phát hiện"),
    "advance": planner("chuyển giai đoạn điển hình"),
    "record_coverage": planner("ghi nhận bài viết, phóng sự về điển hình"),
    "publish": planner("công khai điển hình trên trang tin"),
    "see_contact": planner_or_own_unit("xem thông tin liên hệ của điển hình"),
}


class ExemplaryModels:
    """The registry: found through a movement, followed through the four stages, made public."""

    def __init__(self, app: Plans) -> None:
        self.app = app

    def recognise(self, actor: Principal, *, name: str, subject_kind: str, unit_code: str, field: str,
                  movement_id: UUID | None, achievement: str, found_by_unit: str, found_on: date,
                  contact: str | None, now: datetime) -> tuple[UUID, bool]:
        check_may(actor, COMMANDS, "recognise", unit=found_by_unit)
        unit, finder = self.app.registry().refs([unit_code, found_by_unit])
        existing = self.app.find(ExemplaryModel, ExemplaryModel.create_id(name, unit_code))
        if existing is not None:
            return existing.id, False
        model = ExemplaryModel.recognise(name=name, subject_kind=subject_kind, unit=unit, field=field,
                                         movement=self._movement(movement_id), achievement=achievement,
                                         found_by_unit=finder, found_on=found_on, contact=contact,
                                         by=actor.subject, at=now)
        self.app.save(model)
        return model.id, True

    def advance(self, actor: Principal, model_id: UUID, *, to: Stage, on: date, note: str,
                now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "advance")
        model = self._get(model_id)
        return self._save(model, model.advance(to=to, on=on, note=note, by=actor.subject, at=now))

    def record_coverage(self, actor: Principal, model_id: UUID, *, outlet: str, title: str, url: str | None,
                        published_on: date, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "record_coverage")
        model = self._get(model_id)
        changed = model.record_coverage(outlet=outlet, title=title, url=url, published_on=published_on,
                                        by=actor.subject, at=now)
        return self._save(model, changed)

    def publish(self, actor: Principal, model_id: UUID, *, public_summary: str, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "publish")
        model = self._get(model_id)
        return self._save(model, model.publish(public_summary=public_summary, by=actor.subject, at=now))

    def unpublish(self, actor: Principal, model_id: UUID, *, reason: str, now: datetime) -> tuple[int, bool]:
        check_may(actor, COMMANDS, "publish")
        model = self._get(model_id)
        model.unpublish(reason=reason, by=actor.subject, at=now)
        return self._save(model, True)

    def get(self, actor: Principal, model_id: UUID) -> dict[str, Any]:
        """A model's record; its contact only for Ban TĐKT and the unit that found it."""
        model = self._get(model_id)
        contact = model.contact if may(actor, COMMANDS, "see_contact", model.found_by_unit["code"]) else None
        return {"model_id": model.id, "version": model.version, "name": model.name,
                "subject_kind": model.subject_kind, "unit": model.unit, "field": model.field,
                "movement": model.movement, "achievement": model.achievement, "found_by_unit": model.found_by_unit,
                "found_on": model.found_on, "contact": contact, "stage": model.stage.value,
                "coverage": model.coverage, "public_summary": model.public_summary, "published": model.published}

    def _get(self, model_id: UUID) -> ExemplaryModel:
        return self.app.load(ExemplaryModel, model_id, ExemplaryModelNotFoundError)

    def _save(self, model: ExemplaryModel, changed: bool) -> tuple[int, bool]:
        if changed:
            self.app.save(model)
        return model.version, changed

    def _movement(self, movement_id: UUID | None) -> dict[str, Any] | None:
        """The movement the model was found through: it must have been launched."""
        if movement_id is None:
            return None
        movement = self.app.load(Movement, movement_id, MovementNotFoundError)
        if movement.status is Status.DRAFTED:
            raise InvalidExemplaryModelError(f"Phong trào '{movement.name}' chưa được phát động: chưa thể ghi nhận "
                                             "điển hình phát hiện qua phong trào này.")
        return {"movement_id": movement.id, "name": movement.name}


class ExemplaryModelNotFoundError(PlanDomainError):
    def __init__(self, model_id: UUID) -> None:
        super().__init__(f"Không tìm thấy điển hình tiên tiến {model_id}.")
