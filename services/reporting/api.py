"""HTTP API of the reporting service."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from servicekit.auth import SIGNED_IN, Principal, PrincipalDep, Role, require
from services.reporting import queries
from services.reporting.filters import TaskFilter, TaskOutcome
from services.reporting.list_models import ConsumersStatus, QuarterPublic, StatusCounts, TaskPublic, UnitTaskCounts
from services.reporting.runtime import ReportingRuntime

ERRORS: dict[type[Exception], tuple[int, str]] = {}
router = APIRouter(prefix="/reports", tags=["reports"])
admin = APIRouter(prefix="/admin", tags=["admin"])


def get_runtime(request: Request) -> ReportingRuntime:
    runtime: ReportingRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ReportingRuntime, Depends(get_runtime)]
Year = Annotated[int, Query(ge=2000, le=2100)]


UnitCode = Annotated[str | None, Query(min_length=1, max_length=64)]
Day = Annotated[date | None, Query()]


@router.get("/tasks", dependencies=SIGNED_IN)
async def tasks(runtime: RuntimeDep, _: PrincipalDep, year: Year | None = None,
                quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
                status: Literal["assigned", "completed", "overdue"] | None = None,
                plan_id: UUID | None = None, unit: UnitCode = None, due_from: Day = None, due_to: Day = None,
                outcome: TaskOutcome | None = None, lead_unit: UnitCode = None) -> list[TaskPublic]:
    """Tasks of the plans, filtered by year, quarter, status, plan, unit, due dates, outcome (on time,
    late, overdue, open) and leading unit (the lists behind a period's figures)."""
    flt = TaskFilter(due_from=due_from, due_to=due_to, year=year, quarter=quarter, outcome=outcome,
                     lead_unit=lead_unit, status=status, plan_id=plan_id, unit=unit)
    async with runtime.pool.acquire() as conn:
        return [TaskPublic(**row) for row in await queries.tasks(conn, flt)]


@router.get("/tasks/by-quarter", dependencies=SIGNED_IN)
async def tasks_by_quarter(runtime: RuntimeDep, _: PrincipalDep, year: Year,
                           plan_id: UUID | None = None) -> list[QuarterPublic]:
    """Each quarter's tasks as the plan lists them, with counts per status."""
    async with runtime.pool.acquire() as conn:
        return [QuarterPublic(**row) for row in await queries.by_quarter(conn, year, plan_id)]


@router.get("/tasks/by-unit", dependencies=SIGNED_IN)
async def tasks_by_unit(runtime: RuntimeDep, _: PrincipalDep, year: Year) -> list[UnitTaskCounts]:
    """For each unit: tasks it leads or coordinates, and how many of those it leads are done or late."""
    async with runtime.pool.acquire() as conn:
        return [UnitTaskCounts(**row) for row in await queries.by_unit(conn, year)]


@router.get("/tasks/by-status", dependencies=SIGNED_IN)
async def tasks_by_status(runtime: RuntimeDep, _: PrincipalDep, year: Year) -> StatusCounts:
    """How many tasks of the year are assigned, completed and overdue."""
    async with runtime.pool.acquire() as conn:
        return StatusCounts(**await queries.by_status(conn, year))


@admin.get("/consumer")
async def consumer_status(runtime: RuntimeDep,
                          _: Annotated[Principal, Depends(require(Role.AUDITOR))]) -> ConsumersStatus:
    """How far the read models have got: events applied, duplicates skipped, retries, dead letters —
    in total and for each consumer (`consumers`: reporting-tasks, reporting-dossiers, reporting-wider,
    reporting-outcomes)."""
    return ConsumersStatus(**runtime.consumer_status())


@admin.post("/rebuild", status_code=status.HTTP_202_ACCEPTED)
async def rebuild(runtime: RuntimeDep, _: Annotated[Principal, Depends(require(Role.ADMIN))]) -> dict[str, str]:
    """Drop every read model (tasks, dossiers, movements and clusters, cluster results and exemplary
    models) and replay every event from the stream's first sequence."""
    await runtime.rebuild()
    return {"status": "rebuilding"}
