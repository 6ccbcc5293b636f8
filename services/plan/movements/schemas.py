"""Request and response models of the movements API (separate from the domain and the contracts)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from services.plan.inputs import Day
from services.plan.movements.rules import Kind, Scope

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionIn(Request):
    code: str = Code
    title: str = Field(min_length=1, max_length=500)
    target: str | None = Field(default=None, max_length=1000)


class MovementCreate(Request):
    name: str = Field(min_length=1, max_length=500, examples=["Phong trào thi đua yêu nước năm 2026"])
    kind: Kind
    scope: Scope = Scope.TINH
    scope_ref: str | None = Field(default=None, max_length=300, description="Sector name, cluster code or unit code")
    launcher_level: Literal["trung_uong", "tinh", "don_vi"] = "tinh"
    starts_on: Day
    ends_on: Day
    criteria: list[CriterionIn] = Field(default=[], max_length=100)
    launching_task_id: UUID | None = Field(default=None, description="The plan task that launches the movement")


class TaskLink(Request):
    task_id: UUID
    purpose: Literal["phat_dong", "so_ket", "tong_ket", "khen_thuong", "khac"]


class MovementLaunch(Request):
    decision_number: str = Field(min_length=3, max_length=64, examples=["01/CT-UBND"])
    signed_on: Day
    authority: str = Field(min_length=1, max_length=300, examples=["Chủ tịch UBND tỉnh"])
    launched_on: Day | None = None
    complete_tasks: StrictBool = Field(default=True, description="Complete the linked tasks of this step")


class RegistrationOpen(Request):
    deadline: Day


class TargetIn(Request):
    criterion_code: str | None = Field(default=None, min_length=1, max_length=32)
    target: str = Field(min_length=1, max_length=1000)


class UnitRegistration(Request):
    unit: str = Code
    targets: list[TargetIn] = Field(default=[], max_length=50)


class MovementReview(Request):
    document_ref: str = Field(min_length=3, max_length=64, examples=["120/BC-UBND"])
    reviewed_on: Day | None = None
    summary: str = Field(min_length=1, max_length=10_000)
    complete_tasks: StrictBool = Field(default=True, description="Complete the linked tasks of this step")


class AwardIn(Request):
    award: str = Field(min_length=1, max_length=300, examples=["Bằng khen của Chủ tịch UBND tỉnh"])
    recipient_kind: Literal["ca_nhan", "tap_the", "ho_gia_dinh"]
    recipient: str = Field(min_length=1, max_length=300)
    unit: str | None = Field(default=None, min_length=1, max_length=32)


class MovementConclude(Request):
    document_ref: str = Field(min_length=3, max_length=64, examples=["25/BC-UBND"])
    concluded_on: Day | None = None
    summary: str = Field(min_length=1, max_length=10_000)
    proposed_awards: list[AwardIn] = Field(default=[], max_length=2000)
    complete_tasks: StrictBool = Field(default=True, description="Complete the linked tasks of this step")


class UnitOut(BaseModel):
    code: str
    name: str


class RegistrationPublic(BaseModel):
    unit: UnitOut
    targets: list[dict[str, Any]]
    registered_on: date


class MovementFields(BaseModel):
    movement_id: UUID
    name: str
    kind: str
    scope: str
    scope_ref: str | None
    launcher_level: str
    starts_on: date
    ends_on: date
    status: str
    launched_on: date | None


class MovementSummary(MovementFields):
    decision_number: str | None
    deadline: date | None
    registration_open: bool
    registered: int
    reviews: int
    concluded_on: date | None
    proposed_awards: int


class MovementPublic(MovementFields):
    version: int
    criteria: list[dict[str, Any]]
    decision: dict[str, Any] | None
    tasks: list[dict[str, Any]]
    registration: dict[str, Any]
    registrations: list[RegistrationPublic]
    reviews: list[dict[str, Any]]
    conclusion: dict[str, Any] | None
