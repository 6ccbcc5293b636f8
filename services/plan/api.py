"""HTTP API of the plan service."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from servicekit.auth import SIGNED_IN, ForbiddenError, Principal, PrincipalDep, Role, require
from servicekit.http import ALREADY_EXISTS, VersionDep, uploaded_file
from services.plan.application import (
    PlanExistsError,
    PlanNotFoundError,
    TaskNotFoundError,
    UnknownUnitNamesError,
    VersionMismatchError,
)
from services.plan.clusters.application import ClusterExistsError, ClusterNotFoundError
from services.plan.clusters.rules import (
    AlreadyVotedError,
    CandidateNotInClusterError,
    ClusterStepError,
    CovenantMismatchError,
    NotAMemberError,
    PointsAboveMaximumError,
    QuorumNotReachedError,
)
from services.plan.clusters.rules import UnknownCriterionError as CovenantCriterionError
from services.plan.domainmodel import (
    IllegalTransitionError,
    PlanDomainError,
    TaskStatus,
    UnitCodeTakenError,
    UnitNameTakenError,
    UnknownUnitError,
)
from services.plan.exemplary.api import PublicModelNotFoundError
from services.plan.exemplary.application import ExemplaryModelNotFoundError
from services.plan.exemplary.domainmodel import StageOrderError
from services.plan.importer import PlanDocumentError, read_document
from services.plan.movements.application import MovementExistsError, MovementNotFoundError, UnitOutsideScopeError
from services.plan.movements.rules import (
    MovementNotLaunchedError,
    MovementTransitionError,
    RegistrationClosedError,
    RegistrationNotOpenError,
)
from services.plan.movements.rules import UnknownCriterionError as MovementCriterionError
from services.plan.routing import Created, RuntimeDep

ERRORS: dict[type[Exception], tuple[int, str]] = {
    PlanNotFoundError: (404, "plan_not_found"),
    TaskNotFoundError: (404, "task_not_found"),
    MovementNotFoundError: (404, "movement_not_found"),
    ClusterNotFoundError: (404, "cluster_not_found"),
    ExemplaryModelNotFoundError: (404, "exemplary_model_not_found"),
    PublicModelNotFoundError: (404, "exemplary_model_not_found"),
    IllegalTransitionError: (409, "illegal_transition"),
    MovementTransitionError: (409, "illegal_transition"),
    MovementNotLaunchedError: (409, "movement_not_launched"),
    RegistrationNotOpenError: (409, "registration_not_open"),
    RegistrationClosedError: (409, "registration_closed"),
    ClusterStepError: (409, "step_not_allowed"),
    CovenantMismatchError: (409, "covenant_mismatch"),
    AlreadyVotedError: (409, "already_voted"),
    QuorumNotReachedError: (409, "quorum_not_reached"),
    StageOrderError: (409, "stage_order"),
    VersionMismatchError: (409, "version_mismatch"),
    PlanExistsError: (409, "plan_exists"),
    MovementExistsError: (409, "movement_exists"),
    ClusterExistsError: (409, "cluster_exists"),
    UnitCodeTakenError: (409, "unit_code_taken"),
    UnitNameTakenError: (409, "unit_name_taken"),
    UnknownUnitError: (422, "unknown_unit"),
    UnknownUnitNamesError: (422, "unknown_unit"),
    UnitOutsideScopeError: (422, "outside_scope"),
    NotAMemberError: (422, "not_a_member"),
    CandidateNotInClusterError: (422, "candidate_not_in_cluster"),
    MovementCriterionError: (422, "unknown_criterion"),
    CovenantCriterionError: (422, "unknown_criterion"),
    PointsAboveMaximumError: (422, "points_above_maximum"),
    PlanDocumentError: (422, "invalid_document"),
    PlanDomainError: (422, "rule_violated"),
}


DOCUMENT_TYPES = {"", "text/plain", "application/octet-stream",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


Planner = Annotated[Principal, Depends(require(Role.PLANNER))]
DOCUMENT_NUMBER = r"^\d+/[A-ZĐ]+(-[A-ZĐ0-9]+)+$"


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=32, examples=["SNV"])
    name: str = Field(min_length=1, max_length=300, examples=["Sở Nội vụ"])
    kind: str = Field(default="co_quan", examples=["co_quan"])
    aliases: list[str] = Field(default=[], max_length=20)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(pattern=DOCUMENT_NUMBER, examples=["157/KH-UBND"])
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=500)
    issuer: str = Field(min_length=1, max_length=300, examples=["Ủy ban nhân dân tỉnh Cao Bằng"])
    issued_on: date | None = None
    signed_by: str | None = Field(default=None, max_length=200)


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quarter: int = Field(ge=1, le=4)
    title: str = Field(min_length=1, max_length=2000)
    lead_units: list[str] = Field(min_length=1, max_length=50)
    coordinating_units: list[str] = Field(default=[], max_length=50)
    due_date: date | None = None


class TaskReassign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lead_units: list[str] = Field(min_length=1, max_length=50)
    coordinating_units: list[str] = Field(default=[], max_length=50)
    reason: str = Field(min_length=3, max_length=2000)
    due_date: date | None = None


class TaskComplete(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document_ref: str = Field(min_length=3, max_length=64, examples=["45/BC-UBND"])
    completed_on: date | None = None


class QuarterSummary(BaseModel):
    quarter: int
    announced: int | None
    listed: int


class ImportSummary(BaseModel):
    plan_id: UUID
    created: bool
    dry_run: bool
    number: str
    year: int
    title: str
    issuer: str
    issued_on: date | None
    signed_by: str | None
    quarters: list[QuarterSummary]
    tasks_total: int
    warnings: list[str]
    registered_units: list[dict[str, str]]


router = APIRouter()


@router.post("/units", status_code=status.HTTP_201_CREATED, tags=["units"], responses=ALREADY_EXISTS)
async def register_unit(body: UnitCreate, runtime: RuntimeDep, who: Planner, response: Response) -> dict[str, Any]:
    """Register a unit (cơ quan, xã, doanh nghiệp…) that tasks can be assigned to."""
    created = await runtime.call(runtime.app.register_unit, body.code, body.name, body.kind,
                                 body.aliases, who.subject)
    if not created:
        response.status_code = status.HTTP_200_OK
    return {"code": body.code, "created": created}


@router.get("/units", tags=["units"], dependencies=SIGNED_IN)
async def list_units(runtime: RuntimeDep, _: PrincipalDep) -> list[dict[str, Any]]:
    """List the registry of units."""
    return await runtime.call(runtime.app.list_units)


@router.post("/plans", status_code=status.HTTP_201_CREATED, tags=["plans"], responses=ALREADY_EXISTS)
async def create_plan(body: PlanCreate, runtime: RuntimeDep, who: Planner, response: Response) -> Created:
    """Create a plan by hand (tasks are then added one by one)."""
    plan_id, created = await runtime.call(
        runtime.app.issue_plan, number=body.number, year=body.year, title=body.title, issuer=body.issuer,
        issued_on=body.issued_on, signed_by=body.signed_by, by=who.subject, now=runtime.now())
    if not created:
        response.status_code = status.HTTP_200_OK
    return Created(id=plan_id, created=created)


@router.post("/plans/import", status_code=status.HTTP_201_CREATED, tags=["plans"], responses=ALREADY_EXISTS)
async def import_plan(
    request: Request, runtime: RuntimeDep, who: Planner, response: Response,
    register_units: bool = False, dry_run: bool = False,
    strict: Annotated[bool, Query(description="Refuse a document that has warnings")] = False,
) -> ImportSummary:
    """Import a plan document (.txt UTF-8 or .docx): the plan and all its tasks at once."""
    data, filename = await uploaded_file(request, DOCUMENT_TYPES, "tệp kế hoạch (.txt UTF-8 hoặc .docx)")
    document = await asyncio.to_thread(read_document, data, filename)
    if strict and document.warnings:
        raise PlanDocumentError("Kế hoạch có cảnh báo; chế độ strict không nhập.", list(document.warnings))
    result = await runtime.call(runtime.app.import_plan, document, by=who.subject, now=runtime.now(),
                                register_units=register_units, dry_run=dry_run)
    if result.created and not dry_run:
        await runtime.wait_for_view()
    else:
        response.status_code = status.HTTP_200_OK
    return ImportSummary(
        plan_id=result.plan_id, created=result.created, dry_run=dry_run, number=document.number,
        year=document.year, title=document.title, issuer=document.issuer, issued_on=document.issued_on,
        signed_by=document.signed_by, tasks_total=len(document.tasks), warnings=list(document.warnings),
        quarters=[QuarterSummary(quarter=q.quarter, announced=q.announced, listed=len(q.tasks))
                  for q in document.quarters],
        registered_units=result.registered_units,
    )



@router.get("/plans", tags=["plans"], dependencies=SIGNED_IN)
async def list_plans(runtime: RuntimeDep, _: PrincipalDep, year: int | None = None) -> list[dict[str, Any]]:
    """List plans, optionally of one year."""
    return await runtime.call(runtime.view.plans, year)


@router.get("/plans/{plan_id:uuid}", tags=["plans"], dependencies=SIGNED_IN)
async def get_plan(plan_id: UUID, runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    """A plan with its tasks grouped by quarter."""
    plan = await runtime.call(runtime.app.get_plan, plan_id)
    tasks = await runtime.call(runtime.view.tasks, plan_id=plan_id, limit=10_000)
    for quarter in plan["quarters"]:
        quarter["tasks"] = [t for t in tasks if t["quarter"] == quarter["quarter"]]
    return plan


@router.post("/plans/{plan_id:uuid}/tasks", status_code=status.HTTP_201_CREATED, tags=["tasks"])
async def add_task(plan_id: UUID, body: TaskCreate, runtime: RuntimeDep, who: Planner) -> Created:
    """Add a task to a quarter of a plan (numbered after the quarter's last task)."""
    task_id = await runtime.call(
        runtime.app.add_task, plan_id, quarter=body.quarter, title=body.title, lead_units=body.lead_units,
        coordinating_units=body.coordinating_units, due_date=body.due_date, by=who.subject, now=runtime.now())
    return Created(id=task_id, created=True)


@router.get("/tasks", tags=["tasks"], dependencies=SIGNED_IN)
async def list_tasks(
    runtime: RuntimeDep, _: PrincipalDep, plan_id: UUID | None = None,
    year: int | None = None, quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
    unit: str | None = None, role: Literal["lead", "coordinating"] | None = None,
    status: TaskStatus | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Tasks by plan, year, quarter, unit (as lead or coordinating unit) and status."""
    return await runtime.call(runtime.view.tasks, plan_id=plan_id, year=year, quarter=quarter, unit=unit,
                              role=role, status=status.value if status else None, limit=limit, offset=offset)


@router.get("/tasks/{task_id}", tags=["tasks"], dependencies=SIGNED_IN)
async def get_task(task_id: UUID, runtime: RuntimeDep, _: PrincipalDep, response: Response) -> dict[str, Any]:
    """One task; its ETag is its version, for If-Match on later commands."""
    task = await runtime.call(runtime.app.get_task, task_id)
    response.headers["ETag"] = f'"{task["version"]}"'
    return task




@router.post("/tasks/{task_id}/reassign", tags=["tasks"])
async def reassign_task(task_id: UUID, body: TaskReassign, runtime: RuntimeDep, who: Planner,
                        version: VersionDep, response: Response) -> dict[str, Any]:
    """Change a task's lead and coordinating units (and due date), with a reason."""
    new_version = await runtime.call(
        runtime.app.reassign_task, task_id, lead_units=body.lead_units,
        coordinating_units=body.coordinating_units, reason=body.reason, due_date=body.due_date,
        expected_version=version, by=who.subject, now=runtime.now())
    response.headers["ETag"] = f'"{new_version}"'
    return {"task_id": task_id, "version": new_version}


@router.post("/tasks/{task_id}/complete", tags=["tasks"],
             dependencies=[Depends(require(Role.PLANNER, Role.UNIT_CLERK, unit="own"))])
async def complete_task(task_id: UUID, body: TaskComplete, runtime: RuntimeDep, who: PrincipalDep,
                        version: VersionDep, response: Response) -> dict[str, Any]:
    """Complete a task with the document that fulfils it (planner, or a clerk of a lead unit)."""
    if not who.has_any([Role.PLANNER]):
        leads = await runtime.call(runtime.app.lead_units_of, task_id)
        if not (Role.UNIT_CLERK in who.roles and who.unit in leads):
            raise ForbiddenError("Chỉ Ban TĐKT hoặc cán bộ của đơn vị chủ trì được báo hoàn thành nhiệm vụ.")
    new_version = await runtime.call(
        runtime.app.complete_task, task_id, document_ref=body.document_ref,
        completed_on=body.completed_on or runtime.today(), expected_version=version,
        by=who.subject, now=runtime.now())
    response.headers["ETag"] = f'"{new_version}"'
    return {"task_id": task_id, "version": new_version}


@router.post("/admin/check-deadlines", tags=["admin"])
async def check_deadlines(runtime: RuntimeDep, _: Annotated[Principal, Depends(require(Role.ADMIN))],
                          today: date | None = None) -> dict[str, int]:
    """Mark overdue every task whose due date has passed, close registrations past their deadline
    (also runs on a timer)."""
    return {"marked_overdue": await runtime.check_deadlines(today),
            "registrations_closed": await runtime.close_registrations(today)}
