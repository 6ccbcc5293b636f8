"""Response models of the reporting service's lists and counts (tasks, dossiers, awards, movements,
consumers), so that the OpenAPI document says what each route gives back."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field


class UnitPublic(BaseModel):
    code: str
    name: str


class TaskPublic(BaseModel):
    task_id: UUID
    plan_id: UUID
    plan_number: str
    year: int
    quarter: int
    number: int
    title: str
    due_date: date
    status: str = Field(examples=["assigned", "completed", "overdue"])
    document_ref: str | None
    completed_on: date | None
    late: bool
    lead_units: list[UnitPublic]
    coordinating_units: list[UnitPublic]


class QuarterPublic(BaseModel):
    quarter: int
    announced: int | None = Field(description="How many tasks the plan document says the quarter has")
    total: int
    assigned: int
    completed: int
    overdue: int
    tasks: list[TaskPublic]


class UnitTaskCounts(BaseModel):
    code: str
    name: str
    lead: int
    coordinating: int
    lead_completed: int
    lead_overdue: int


class StatusCounts(BaseModel):
    assigned: int
    completed: int
    overdue: int


class NomineePublic(BaseModel):
    kind: str
    ref: str
    name: str
    masked_id: str | None


class DossierPublic(BaseModel):
    dossier_id: UUID
    version: int
    state: str
    state_label: str | None
    unit_code: str
    award_code: str
    year: int
    nominee: NomineePublic
    late: bool
    late_in_state: str | None
    late_in_state_label: str | None
    late_due: date | None
    created_on: date | None
    submitted_on: date | None
    times_returned: int
    decision_number: str | None
    decided_on: date | None
    signed_by: str | None
    central: bool
    award_name: str | None
    award_category: str | None
    award_level: str | None
    cash_amount: int | None
    conferred_on: date | None
    revoked: bool
    revoked_on: date | None
    revocation_number: str | None
    forwarded_on: date | None
    submission_number: str | None
    updated_at: datetime
    at_level: str | None = Field(default=None, description="Nơi hồ sơ đang ở: đơn vị, đơn vị cấp trên hoặc 'tinh'")
    movement_id: UUID | None = Field(default=None, description="Phong trào thi đua của khen thưởng theo chuyên đề, "
                                     "đột xuất")


class StateCount(BaseModel):
    state: str
    label: str | None
    count: int


class DossierStates(BaseModel):
    year: int | None
    unit: str | None
    total: int
    states: list[StateCount]


class Counted(BaseModel):
    count: int
    cash_total: int


class FormCount(Counted):
    award_code: str
    award_name: str | None
    award_category: str | None


class LevelCount(Counted):
    award_level: str | None


class SubjectCount(Counted):
    kind: str
    label: str


class AwardsSummary(Counted):
    year: int | None
    unit: str | None
    by_form: list[FormCount]
    by_level: list[LevelCount]
    by_subject: list[SubjectCount]
    revoked: Counted


class MovementPublic(BaseModel):
    movement_id: UUID
    version: int
    name: str
    kind: str
    scope: str
    scope_ref: str | None
    launcher_level: str
    starts_on: date
    ends_on: date
    launched_on: date | None
    decision_number: str | None
    concluded_on: date | None
    updated_at: datetime


class ClusterResultPublic(BaseModel):
    cluster_id: UUID
    cluster_code: str
    cluster_name: str
    cluster_kind: str = Field(examples=["cum", "khoi"])
    year: int
    inter_provincial: bool
    fact: str = Field(examples=["scored", "leader_elected", "own_result"])
    fact_label: str
    on_date: date
    round: int = Field(description="Round of the vote; 0 for the other facts")
    unit_code: str | None
    unit_name: str | None
    total: float | None
    max_total: float | None
    rank: int | None
    ranked: int | None = Field(description="How many members the ranking has")
    votes: int | None = Field(description="The leader's votes; for a vote without a winner, the most any unit had")
    ballots: int | None
    award: str | None
    document_ref: str | None


class ExemplaryFactPublic(BaseModel):
    model_id: UUID
    version: int
    fact: str = Field(examples=["recognised", "advanced", "covered", "published", "unpublished"])
    on_date: date
    name: str
    subject_kind: str
    unit_code: str
    unit_name: str
    field: str
    movement_id: UUID | None
    movement_name: str | None
    stage: str = Field(description="The model's stage after this fact")
    outlet: str | None
    title: str | None
    url: str | None


class ConsumerCounts(BaseModel):
    processed: int
    duplicates: int
    retried: int
    dead_lettered: int
    last_error: str | None


class ConsumersStatus(ConsumerCounts):
    consumers: dict[str, ConsumerCounts]
