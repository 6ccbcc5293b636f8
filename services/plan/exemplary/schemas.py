"""Request and response models of the exemplary models API and its public feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.plan.exemplary.domainmodel import Stage
from services.plan.inputs import Day

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9_.-]*$")


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelCreate(Request):
    name: str = Field(min_length=1, max_length=300, examples=["Hợp tác xã Nông nghiệp Quảng Lâm"])
    subject_kind: Literal["ca_nhan", "tap_the"]
    unit: str = Code
    field: str = Field(min_length=1, max_length=100, examples=["nông nghiệp"])
    movement_id: UUID | None = None
    achievement: str = Field(min_length=1, max_length=4000)
    found_by_unit: str = Code
    found_on: Day
    contact: str | None = Field(default=None, max_length=300, description="Private: never published")


class StageAdvance(Request):
    to: Stage
    on: Day | None = None
    note: str = Field(default="", max_length=2000)


class CoverageIn(Request):
    outlet: str = Field(min_length=1, max_length=300, examples=["Báo và Phát thanh, truyền hình Cao Bằng"])
    title: str = Field(min_length=1, max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    published_on: Day


class Publication(Request):
    public_summary: str = Field(min_length=1, max_length=2000)


class Withdrawal(Request):
    reason: str = Field(min_length=1, max_length=2000)


class UnitOut(BaseModel):
    code: str
    name: str


class ModelSummary(BaseModel):
    model_id: UUID
    name: str
    subject_kind: str
    unit_code: str
    unit_name: str
    field: str
    movement_id: UUID | None
    movement_name: str | None
    stage: str
    found_on: date
    coverage: list[dict[str, Any]]
    public_summary: str | None
    published_at: datetime | None
    updated_at: datetime


class ModelPublic(BaseModel):
    model_id: UUID
    version: int
    name: str
    subject_kind: str
    unit: UnitOut
    field: str
    movement: dict[str, Any] | None
    achievement: str
    found_by_unit: UnitOut
    found_on: date
    contact: str | None = Field(description="Only for Ban TĐKT and the unit that found the model")
    stage: str
    coverage: list[dict[str, Any]]
    public_summary: str | None
    published: bool


class PublicItem(BaseModel):
    """One published model as the public reads it: no personal identifier."""

    name: str
    subject_kind: str
    unit: str
    field: str
    movement: str | None
    stage: str
    summary: str
    coverage: list[dict[str, Any]]
