"""Events of the plan service about emulation movements (phong trào thi đua): `tdkt.plan.Movement*`.

A movement is drafted, launched by a decision, joined by units (đăng ký thi đua, each with its
own targets, until a registration deadline), reviewed midway (sơ kết) and concluded (tổng kết)
with a summary and the awards it proposes. Every event says which movement it is about, with
its kind, scope, launching level and period, so a consumer (form 0601) needs no other state.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent
from contracts.plan import PUBLISHER, UnitRef

MovementKind = Literal["thuong_xuyen", "chuyen_de", "dot_xuat"]
MovementScope = Literal["tinh", "nganh", "cum_khoi", "don_vi"]
LauncherLevel = Literal["trung_uong", "tinh", "don_vi"]
TaskPurpose = Literal["phat_dong", "so_ket", "tong_ket", "khen_thuong", "khac"]
RecipientKind = Literal["ca_nhan", "tap_the", "ho_gia_dinh"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class DecisionRef(_Frozen):
    """The document that launched the movement (quyết định, chỉ thị, kế hoạch phát động)."""

    number: str = Field(examples=["01/CT-UBND"])
    signed_on: date
    authority: str = Field(examples=["Chủ tịch UBND tỉnh"])


class Criterion(_Frozen):
    code: str = Field(examples=["TC1"])
    title: str
    target: str | None = Field(default=None, examples=["Tăng trưởng GRDP từ 10% trở lên"])


class TaskRef(_Frozen):
    """A task of a yearly plan, as it read when it was linked."""

    task_id: UUID
    plan_id: UUID
    plan_number: str = Field(examples=["157/KH-UBND"])
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    number: int = Field(ge=1)
    title: str


class UnitTarget(_Frozen):
    criterion_code: str | None = Field(default=None, description="None: a target of the unit's own")
    target: str


class ProposedAward(_Frozen):
    award: str = Field(examples=["Bằng khen của Chủ tịch UBND tỉnh"])
    recipient_kind: RecipientKind
    recipient: str = Field(description="Name of the collective, person or household")
    unit: UnitRef | None = Field(default=None, description="The unit the recipient belongs to")


class _MovementEvent(IntegrationEvent):
    publisher: ClassVar[str] = PUBLISHER

    movement_id: UUID
    movement_version: int = Field(ge=1, description="Version of the movement after this event")
    name: str
    kind: MovementKind = Field(description="thường xuyên, chuyên đề or đột xuất")
    scope: MovementScope = Field(description="toàn tỉnh, ngành/lĩnh vực, cụm/khối or một đơn vị")
    scope_ref: str | None = Field(default=None, description="The sector, cluster id or unit code of the scope")
    launcher_level: LauncherLevel = Field(description="Who launched it: trung ương, tỉnh or a unit")
    starts_on: date
    ends_on: date

    def cloudevent_subject(self) -> str:
        return f"movements/{self.movement_id}"


class MovementTaskLinked(_MovementEvent):
    """A task of the plan was linked to the movement it concerns (launch, review, conclusion, awards)."""

    version: Literal[1] = 1

    task: TaskRef
    purpose: TaskPurpose
    linked_by: str


class MovementLaunched(_MovementEvent):
    """A movement was launched by a decision, with its criteria and targets."""

    version: Literal[1] = 1

    decision: DecisionRef
    launched_on: date
    criteria: list[Criterion] = []
    launching_task: TaskRef | None = None
    launched_by: str


class MovementRegistrationOpened(_MovementEvent):
    """Units may register for the movement (đăng ký thi đua) until the deadline, inclusive."""

    version: Literal[1] = 1

    deadline: date
    extended: bool = Field(description="A later deadline for a registration opened before")
    opened_by: str


class UnitRegisteredForMovement(_MovementEvent):
    """A unit registered for the movement with its own targets (or amended its registration)."""

    version: Literal[1] = 1

    unit: UnitRef
    targets: list[UnitTarget] = []
    registered_on: date
    amended: bool = Field(description="Replaces the unit's earlier registration")
    registered_by: str


class MovementRegistrationClosed(_MovementEvent):
    """The registration deadline passed (or the movement was concluded); published once per opening."""

    version: Literal[1] = 1

    deadline: date
    registered_units: list[UnitRef]


class MovementReviewed(_MovementEvent):
    """An interim review (sơ kết) of the movement."""

    version: Literal[1] = 1

    document_ref: str = Field(examples=["120/BC-UBND"])
    reviewed_on: date
    summary: str
    registered_units: int = Field(ge=0)
    reviewed_by: str


class MovementConcluded(_MovementEvent):
    """The movement was concluded (tổng kết) with a summary and the awards it proposes."""

    version: Literal[1] = 1

    document_ref: str = Field(examples=["25/BC-UBND"])
    concluded_on: date
    summary: str
    proposed_awards: list[ProposedAward] = []
    registered_units: int = Field(ge=0)
    concluded_by: str


EVENTS: list[type[IntegrationEvent]] = [
    MovementTaskLinked,
    MovementLaunched,
    MovementRegistrationOpened,
    UnitRegisteredForMovement,
    MovementRegistrationClosed,
    MovementReviewed,
    MovementConcluded,
]
