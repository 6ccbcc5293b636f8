"""Events published by the plan service (`tdkt.plan.*`): the yearly TĐKT plan and its tasks.

The plan service's wider domain has a module each beside this one, under the same publisher:
movements in `contracts.plan_movements`, clusters and blocks in `contracts.plan_clusters`,
exemplary models in `contracts.plan_exemplary`.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent

PUBLISHER = "plan"


class UnitRef(BaseModel):
    """A unit of the province's registry: code and Vietnamese name."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str = Field(min_length=1, max_length=64, examples=["SNV"])
    name: str = Field(min_length=1, max_length=300, examples=["Sở Nội vụ"])


class QuarterCount(BaseModel):
    """How many tasks a quarter lists, and how many the document itself announces."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    quarter: int = Field(ge=1, le=4)
    listed: int = Field(ge=0)
    announced: int | None = Field(default=None, ge=0)


class PlanIssued(IntegrationEvent):
    """A yearly plan was issued (created or imported from its document)."""

    publisher: ClassVar[str] = PUBLISHER
    version: Literal[1] = 1

    plan_id: UUID
    number: str = Field(examples=["157/KH-UBND"])
    year: int = Field(ge=2000, le=2100)
    title: str
    issuer: str = Field(examples=["Ủy ban nhân dân tỉnh Cao Bằng"])
    issued_on: date | None = None
    signed_by: str | None = None
    quarters: list[QuarterCount]
    warnings: list[str] = []
    issued_by: str

    def cloudevent_subject(self) -> str:
        return f"plans/{self.plan_id}"


class _TaskEvent(IntegrationEvent):
    """Every task event says which task it is about, so a consumer needs no other state."""

    publisher: ClassVar[str] = PUBLISHER

    task_id: UUID
    plan_id: UUID
    plan_number: str = Field(examples=["157/KH-UBND"])
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    number: int = Field(ge=1, description="The task's number within its quarter")
    title: str
    task_version: int = Field(ge=1, description="Version of the task after this event")

    def cloudevent_subject(self) -> str:
        return f"tasks/{self.task_id}"


class TaskAssigned(_TaskEvent):
    """A task of a plan was assigned to its lead units, with coordinating units."""

    version: Literal[1] = 1

    lead_units: list[UnitRef] = Field(min_length=1)
    coordinating_units: list[UnitRef] = []
    due_date: date
    assigned_by: str


class TaskReassigned(_TaskEvent):
    """The units of a task were changed, with a reason."""

    version: Literal[1] = 1

    lead_units: list[UnitRef] = Field(min_length=1)
    coordinating_units: list[UnitRef] = []
    previous_lead_units: list[UnitRef]
    previous_coordinating_units: list[UnitRef] = []
    due_date: date
    reason: str
    reassigned_by: str


class TaskCompleted(_TaskEvent):
    """A task was completed by a document that fulfils it (e.g. `45/BC-UBND`)."""

    version: Literal[1] = 1

    document_ref: str
    completed_on: date
    late: bool = Field(description="Completed after its due date")
    lead_units: list[UnitRef]
    completed_by: str


class TaskOverdue(_TaskEvent):
    """A task's due date passed before it was completed (published once per task)."""

    version: Literal[1] = 1

    due_date: date
    lead_units: list[UnitRef]
    coordinating_units: list[UnitRef] = []


EVENTS: list[type[IntegrationEvent]] = [
    PlanIssued,
    TaskAssigned,
    TaskReassigned,
    TaskCompleted,
    TaskOverdue,
]
