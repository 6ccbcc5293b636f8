"""Response models of the period report (`GET /reports/period`)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field


class Figure(BaseModel):
    key: str | None = Field(description="The value of the dimension this row counts; none for a total")
    label: str
    count: int
    cash_total: int | None = Field(default=None, description="Tiền thưởng, đồng (awards only)")
    list_url: str = Field(description="The list of dossiers, tasks or movements this figure counts")


def figure(key: Any, label: str, count: int, url: str, cash: int | None = None) -> dict[str, Any]:
    """A `Figure` as the report's body holds it: its fields in the model's order, none left out, so
    the body serialises as it is to the JSON of `PeriodReport` (snapshots.Snapshots.json)."""
    return {"key": None if key is None else str(key), "label": label, "count": count, "cash_total": cash,
            "list_url": url}


class TaskCounts(BaseModel):
    total: Figure
    on_time: Figure
    late: Figure
    overdue: Figure
    open: Figure


class QuarterTasks(TaskCounts):
    year: int
    quarter: int
    label: str


class UnitTasks(TaskCounts):
    unit: str
    label: str


class TaskFigures(TaskCounts):
    basis: Literal["due_date"]
    basis_label: str
    by_quarter: list[QuarterTasks]
    by_unit: list[UnitTasks] = Field(description="Per unit leading the tasks (a task with two leads counts for each)")


class MovementFigures(BaseModel):
    launched: Figure
    by_kind: list[Figure]
    by_scope: list[Figure]
    by_launcher: list[Figure]
    concluded: Figure


class Forwarded(BaseModel):
    total: Figure
    by_result: list[Figure]


class FormsOfYear(BaseModel):
    year: int
    total: Figure = Field(description="Awards decided in the year")
    by_form: list[Figure] = Field(description="Of them, per form (the largest first)")


class AwardFigures(BaseModel):
    basis: Literal["decided_on"] = Field(description="Awards count by the date of their decision")
    basis_label: str
    total: Figure
    by_form: list[Figure]
    by_category: list[Figure]
    by_level: list[Figure]
    by_subject: list[Figure]
    by_deciding_level: list[Figure]
    by_unit: list[Figure]
    by_cluster: list[Figure]
    by_movement: list[Figure] = Field(description="Thematic and ad hoc awards, per movement their dossiers name")
    by_achievement_year: list[Figure] = Field(description="The same awards by the year of the achievement")
    by_form_by_year: list[FormsOfYear] = Field(description="Awards per form by decision date, year on year: the "
                                               "year the period ends in and the 4 before")
    forwarded: Forwarded
    revoked: Figure


class ClusterFigures(BaseModel):
    basis: Literal["on_date"] = Field(description="Results count by the day they were scored, voted or recorded")
    basis_label: str
    by_fact: list[Figure] = Field(description="Self-assessments, scores, leaders elected, votes without a "
                                  "winner, Government's flag proposals, the province's own results")
    by_cluster: list[Figure] = Field(description="Every result of the period, per cluster or block")


class ExemplaryFigures(BaseModel):
    basis: Literal["on_date"] = Field(description="Models count by the day they were found, advanced, covered")
    basis_label: str
    found: Figure
    by_subject: list[Figure] = Field(description="Models found in the period, individuals and collectives")
    by_field: list[Figure] = Field(description="Models found in the period, per field (lĩnh vực)")
    by_movement: list[Figure] = Field(description="Models found in the period, per movement (key `khong`: none)")
    by_stage: list[Figure] = Field(description="Models that reached each stage in the period "
                                   "(phát hiện → bồi dưỡng → tổng kết → nhân rộng)")
    covered: Figure = Field(description="Reports about the models in the media")
    published: Figure = Field(description="Models put into the public feed")
    unpublished: Figure


class LeadershipShare(BaseModel):
    year: int
    individuals: Figure = Field(description="Awards to individuals decided in the year")
    without_leadership: Figure = Field(description="Of them, to people without a leadership or management position")
    with_leadership: int
    undeclared: int = Field(description="Of them, whose position the unit did not declare")
    share_percent: float | None = Field(description="without_leadership / individuals × 100; none without awards")


class PriorityGroupFigures(BaseModel):
    """Awards to the groups the Law asks to favour (Luật Thi đua, khen thưởng 2022, Điều 5)."""

    basis_label: str
    individuals: Figure
    groups: list[Figure] = Field(description="khong_lanh_dao, truc_tiep_lao_dong, nu, dan_toc_thieu_so, "
                                 "vung_kho_khan (the last counts collectives too)")
    undeclared: list[Figure] = Field(description="Per group: awards whose dossier did not declare the fact")
    without_leadership_by_year: list[LeadershipShare] = Field(description="The year of the period and the 4 before")


class PeriodInfo(BaseModel):
    code: str = Field(examples=["2026-H1"])
    kind: Literal["quarter", "half", "year", "range"]
    label: str = Field(examples=["6 tháng đầu năm 2026"])
    start: date
    end: date


class Position(BaseModel):
    complete_through: int = Field(description="Every event up to this stream sequence is counted")
    stream_last: int
    consumers: dict[str, int]


class PeriodReport(BaseModel):
    period: PeriodInfo
    position: Position
    tasks: TaskFigures
    movements: MovementFigures
    awards: AwardFigures
    clusters: ClusterFigures
    exemplary: ExemplaryFigures


    priority_groups: PriorityGroupFigures
