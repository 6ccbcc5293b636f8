"""Events of the plan service about exemplary models (điển hình tiên tiến): `tdkt.plan.ExemplaryModel*`.

People and collectives found through movements, followed through four stages: phát hiện
(found), bồi dưỡng (nurtured), tổng kết (summarised), nhân rộng (replicated); their coverage in
the media; and whether they are in the public feed. No personal identifier is ever carried:
a person is named as the media would name them, with their unit.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from contracts.base import IntegrationEvent
from contracts.plan import PUBLISHER, UnitRef

Stage = Literal["phat_hien", "boi_duong", "tong_ket", "nhan_rong"]


class _ExemplaryEvent(IntegrationEvent):
    publisher: ClassVar[str] = PUBLISHER

    model_id: UUID
    model_version: int = Field(ge=1, description="Version of the model after this event")
    name: str = Field(examples=["Hợp tác xã Nông nghiệp Quảng Lâm"])
    subject_kind: Literal["ca_nhan", "tap_the"]
    unit: UnitRef
    field: str = Field(examples=["nông nghiệp"], description="Lĩnh vực")
    movement_id: UUID | None = None
    movement_name: str | None = None
    stage: Stage = Field(description="The stage after this event")

    def cloudevent_subject(self) -> str:
        return f"exemplary-models/{self.model_id}"


class ExemplaryModelRecognised(_ExemplaryEvent):
    """A person or collective was found (phát hiện) as an exemplary model."""

    version: Literal[1] = 1

    achievement: str
    found_by_unit: UnitRef
    found_on: date
    recognised_by: str


class ExemplaryModelAdvanced(_ExemplaryEvent):
    """The model moved to its next stage (bồi dưỡng, tổng kết, nhân rộng)."""

    version: Literal[1] = 1

    previous_stage: Stage
    advanced_on: date
    note: str = ""
    advanced_by: str


class ExemplaryModelCovered(_ExemplaryEvent):
    """The media (newspaper, radio, television, portal, Ban TĐKT Trung ương) featured the model."""

    version: Literal[1] = 1

    outlet: str = Field(examples=["Báo và Phát thanh, truyền hình Cao Bằng"])
    title: str
    url: str | None = None
    published_on: date
    recorded_by: str


class ExemplaryModelPublished(_ExemplaryEvent):
    """The model entered the public feed (Zalo Official Account, the province's portal)."""

    version: Literal[1] = 1

    public_summary: str
    published_by: str


class ExemplaryModelUnpublished(_ExemplaryEvent):
    """The model was taken out of the public feed."""

    version: Literal[1] = 1

    reason: str
    unpublished_by: str


EVENTS: list[type[IntegrationEvent]] = [
    ExemplaryModelRecognised,
    ExemplaryModelAdvanced,
    ExemplaryModelCovered,
    ExemplaryModelPublished,
    ExemplaryModelUnpublished,
]
