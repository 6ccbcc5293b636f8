"""The registry of exemplary models (điển hình tiên tiến): people and collectives found through
movements, followed through four stages (phát hiện → bồi dưỡng → tổng kết → nhân rộng), their
coverage in the media, and whether they are in the public feed.

A model's `contact` (how the nurturing officer reaches them) is private: it never leaves the
service. Pure domain: `eventsourcing.domain`, the standard library and the plan's own domain.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.plan.domainmodel import PlanDomainError, Unit, normalize_name


class Stage(StrEnum):
    PHAT_HIEN = "phat_hien"
    BOI_DUONG = "boi_duong"
    TONG_KET = "tong_ket"
    NHAN_RONG = "nhan_rong"


STAGES = list(Stage)
STAGE_LABELS = {Stage.PHAT_HIEN: "phát hiện", Stage.BOI_DUONG: "bồi dưỡng", Stage.TONG_KET: "tổng kết",
                Stage.NHAN_RONG: "nhân rộng"}
SUBJECT_KINDS = {"ca_nhan": "cá nhân", "tap_the": "tập thể"}


class ExemplaryModel(Aggregate):
    """One exemplary person or collective, identified by its name and unit."""

    @staticmethod
    def create_id(name: str, unit_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/exemplary-models/{unit_code}/{normalize_name(name)}")

    class Recognised(Aggregate.Created):
        name: str
        subject_kind: str
        unit: Unit
        field: str
        movement: dict[str, Any] | None
        achievement: str
        found_by_unit: Unit
        found_on: date
        contact: str | None
        recognised_by: str
        recognised_at: datetime

    class Step(Aggregate.Event):
        """Every later event says who took the step and when."""

        by: str
        at: datetime

    class Advanced(Step):
        stage: Stage
        previous_stage: Stage
        on: date
        note: str

    class Covered(Step):
        outlet: str
        title: str
        url: str | None
        published_on: date

    class Published(Step):
        public_summary: str

    class Unpublished(Step):
        reason: str

    @event(Recognised)
    def __init__(self, *, name: str, subject_kind: str, unit: Unit, field: str, movement: dict[str, Any] | None,
                 achievement: str, found_by_unit: Unit, found_on: date, contact: str | None, recognised_by: str,
                 recognised_at: datetime) -> None:
        self.name, self.subject_kind, self.unit, self.field = name, subject_kind, unit, field
        self.movement, self.achievement, self.found_by_unit = movement, achievement, found_by_unit
        self.found_on, self.contact = found_on, contact
        self.stage = Stage.PHAT_HIEN
        self.coverage: list[dict[str, Any]] = []
        self.public_summary: str | None = None

    @classmethod
    def recognise(cls, *, name: str, subject_kind: str, unit: Unit, field: str, movement: dict[str, Any] | None,
                  achievement: str, found_by_unit: Unit, found_on: date, contact: str | None, by: str,
                  at: datetime) -> ExemplaryModel:
        check_text(name, "Tên điển hình", 300)
        check_text(field, "Lĩnh vực", 100)
        check_text(achievement, "Thành tích", 4000)
        if subject_kind not in SUBJECT_KINDS:
            raise InvalidExemplaryModelError(f"Đối tượng '{subject_kind}' không hợp lệ; dùng: ca_nhan, tap_the.")
        return cls._create(cls.Recognised, id=cls.create_id(name, unit["code"]), name=name.strip(),
                           subject_kind=subject_kind, unit=unit, field=field.strip(), movement=movement,
                           achievement=achievement.strip(), found_by_unit=found_by_unit, found_on=found_on,
                           contact=contact, recognised_by=by, recognised_at=at)

    @property
    def published(self) -> bool:
        return self.public_summary is not None

    def advance(self, *, to: Stage, on: date, note: str, by: str, at: datetime) -> bool:
        """Move to the next stage; False when the model is at that stage already."""
        if to == self.stage:
            return False
        if STAGES.index(to) != STAGES.index(self.stage) + 1:
            raise StageOrderError(self.stage, to)
        if on < self.found_on:
            raise InvalidExemplaryModelError(f"Ngày chuyển giai đoạn trước ngày phát hiện ({self.found_on:%d/%m/%Y}).")
        self._advanced(stage=to, previous_stage=self.stage, on=on, note=note.strip(), by=by, at=at)
        return True

    @event(Advanced)
    def _advanced(self, stage: Stage, previous_stage: Stage, on: date, note: str, by: str, at: datetime) -> None:
        self.stage = Stage(stage)

    def record_coverage(self, *, outlet: str, title: str, url: str | None, published_on: date, by: str,
                        at: datetime) -> bool:
        """A newspaper, radio, television or portal featured the model; False when recorded already."""
        check_text(outlet, "Cơ quan báo chí", 300)
        check_text(title, "Tiêu đề bài", 500)
        if url is not None and not url.startswith(("https://", "http://")):
            raise InvalidExemplaryModelError("Đường dẫn bài viết phải bắt đầu bằng https:// hoặc http://.")
        item = {"outlet": outlet.strip(), "title": title.strip(), "url": url, "published_on": published_on}
        if item in self.coverage:
            return False
        self._covered(outlet=outlet.strip(), title=title.strip(), url=url, published_on=published_on, by=by, at=at)
        return True

    @event(Covered)
    def _covered(self, outlet: str, title: str, url: str | None, published_on: date, by: str, at: datetime) -> None:
        self.coverage.append({"outlet": outlet, "title": title, "url": url, "published_on": published_on})

    def publish(self, *, public_summary: str, by: str, at: datetime) -> bool:
        """Put the model in the public feed with a summary for the public; False when so already."""
        check_text(public_summary, "Nội dung công khai", 2000)
        if self.public_summary == public_summary.strip():
            return False
        self._published(public_summary=public_summary.strip(), by=by, at=at)
        return True

    @event(Published)
    def _published(self, public_summary: str, by: str, at: datetime) -> None:
        self.public_summary = public_summary

    def unpublish(self, *, reason: str, by: str, at: datetime) -> None:
        if not self.published:
            raise InvalidExemplaryModelError("Điển hình chưa được công khai.")
        check_text(reason, "Lý do", 2000)
        self._unpublished(reason=reason.strip(), by=by, at=at)

    @event(Unpublished)
    def _unpublished(self, reason: str, by: str, at: datetime) -> None:
        self.public_summary = None


def check_text(value: str, what: str, limit: int) -> None:
    if not value.strip() or len(value) > limit:
        raise InvalidExemplaryModelError(f"{what} không được để trống và không quá {limit} ký tự.")


class InvalidExemplaryModelError(PlanDomainError):
    """Raised when an exemplary model's fields break a rule (the message says which)."""


class StageOrderError(PlanDomainError):
    def __init__(self, stage: Stage, to: Stage) -> None:
        self.details = {"stage": stage.value, "requested": to.value}
        following = STAGES[STAGES.index(stage) + 1] if stage != Stage.NHAN_RONG else None
        then = f"giai đoạn tiếp theo là '{STAGE_LABELS[following]}'" if following else "đây là giai đoạn cuối"
        super().__init__(f"Điển hình đang ở giai đoạn '{STAGE_LABELS[stage]}': không thể chuyển sang "
                         f"'{STAGE_LABELS[to]}'; {then}.")
