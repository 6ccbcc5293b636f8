"""HTTP API of movements: draft, launch, registration, interim review, conclusion, lists."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from servicekit.auth import SIGNED_IN, PrincipalDep
from servicekit.http import ALREADY_EXISTS
from services.plan.movements.application import COMMANDS
from services.plan.movements.rules import Kind, Status
from services.plan.movements.schemas import (
    MovementConclude,
    MovementCreate,
    MovementLaunch,
    MovementPublic,
    MovementReview,
    MovementSummary,
    RegistrationOpen,
    RegistrationPublic,
    TaskLink,
    UnitOut,
    UnitRegistration,
)
from services.plan.routing import Changed, Created, MovementsDep, RuntimeDep, answer, answer_created, policy

router = APIRouter(prefix="/movements", tags=["movements"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS, dependencies=policy(COMMANDS, "draft"))
async def draft_movement(body: MovementCreate, movements: MovementsDep, runtime: RuntimeDep, who: PrincipalDep,
                         response: Response) -> Created:
    """Draft a movement (phong trào thi đua), optionally with the plan task that launches it."""
    result = await runtime.call(
        movements.draft, who, name=body.name, kind=body.kind, scope=body.scope, scope_ref=body.scope_ref,
        launcher_level=body.launcher_level, starts_on=body.starts_on, ends_on=body.ends_on,
        criteria=[c.model_dump() for c in body.criteria], launching_task_id=body.launching_task_id, now=runtime.now())
    return await answer_created(runtime, response, result)


@router.get("", dependencies=SIGNED_IN)
async def list_movements(runtime: RuntimeDep, _: PrincipalDep,
                         year: Annotated[int | None, Query(ge=2000, le=2100)] = None, kind: Kind | None = None,
                         state: Status | None = None,
                         limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                         offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[MovementSummary]:
    """Movements running in a year, by kind and state."""
    rows = await runtime.call(runtime.view.movements, year=year, kind=kind.value if kind else None,
                              status=state.value if state else None, limit=limit, offset=offset)
    return [MovementSummary(**row) for row in rows]


@router.get("/{movement_id}", dependencies=SIGNED_IN)
async def get_movement(movement_id: UUID, movements: MovementsDep, runtime: RuntimeDep, _: PrincipalDep,
                       response: Response) -> MovementPublic:
    """One movement with its criteria, linked tasks, registrations, reviews and conclusion."""
    details = await runtime.call(movements.get, movement_id)
    response.headers["ETag"] = f'"{details["version"]}"'
    return MovementPublic(**details)


@router.get("/{movement_id}/registrations", dependencies=SIGNED_IN)
async def list_registrations(movement_id: UUID, runtime: RuntimeDep, _: PrincipalDep) -> list[RegistrationPublic]:
    """The units registered for a movement, with their targets."""
    rows = await runtime.call(runtime.view.registrations, movement_id)
    return [RegistrationPublic(unit=UnitOut(code=r["unit_code"], name=r["unit_name"]), targets=r["targets"],
                               registered_on=r["registered_on"]) for r in rows]


@router.post("/{movement_id}/tasks", dependencies=policy(COMMANDS, "link_task"))
async def link_task(movement_id: UUID, body: TaskLink, movements: MovementsDep, runtime: RuntimeDep,
                    who: PrincipalDep) -> Changed:
    """Link a plan task to the movement it concerns (launch, review, conclusion, awards)."""
    result = await runtime.call(movements.link_task, who, movement_id, task_id=body.task_id, purpose=body.purpose,
                                now=runtime.now())
    return await answer(runtime, movement_id, result)


@router.post("/{movement_id}/launch", dependencies=policy(COMMANDS, "launch"))
async def launch(movement_id: UUID, body: MovementLaunch, movements: MovementsDep, runtime: RuntimeDep,
                 who: PrincipalDep) -> Changed:
    """Launch the movement by its decision; its launching plan tasks are completed with it."""
    decision = {"number": body.decision_number, "signed_on": body.signed_on, "authority": body.authority}
    result = await runtime.call(movements.launch, who, movement_id, decision=decision,
                                launched_on=body.launched_on or runtime.today(), complete_tasks=body.complete_tasks,
                                now=runtime.now())
    return await answer(runtime, movement_id, result)


@router.post("/{movement_id}/registration", dependencies=policy(COMMANDS, "open_registration"))
async def open_registration(movement_id: UUID, body: RegistrationOpen, movements: MovementsDep,
                            runtime: RuntimeDep, who: PrincipalDep) -> Changed:
    """Open the registration (đăng ký thi đua) until a deadline, or extend it."""
    result = await runtime.call(movements.open_registration, who, movement_id, deadline=body.deadline,
                                today=runtime.today(), now=runtime.now())
    return await answer(runtime, movement_id, result)


@router.post("/{movement_id}/registrations", dependencies=policy(COMMANDS, "register"))
async def register(movement_id: UUID, body: UnitRegistration, movements: MovementsDep, runtime: RuntimeDep,
                   who: PrincipalDep) -> Changed:
    """Register a unit with its own targets (its own clerk, or Ban TĐKT), until the deadline."""
    result = await runtime.call(movements.register, who, movement_id, unit_code=body.unit,
                                targets=[t.model_dump() for t in body.targets], today=runtime.today(),
                                now=runtime.now())
    return await answer(runtime, movement_id, result)


@router.post("/{movement_id}/reviews", dependencies=policy(COMMANDS, "review"))
async def review(movement_id: UUID, body: MovementReview, movements: MovementsDep, runtime: RuntimeDep,
                 who: PrincipalDep) -> Changed:
    """Record an interim review (sơ kết) by its report."""
    result = await runtime.call(movements.review, who, movement_id, document_ref=body.document_ref,
                                reviewed_on=body.reviewed_on or runtime.today(), summary=body.summary,
                                complete_tasks=body.complete_tasks, now=runtime.now())
    return await answer(runtime, movement_id, result)


@router.post("/{movement_id}/conclusion", dependencies=policy(COMMANDS, "conclude"))
async def conclude(movement_id: UUID, body: MovementConclude, movements: MovementsDep, runtime: RuntimeDep,
                   who: PrincipalDep) -> Changed:
    """Conclude the movement (tổng kết) with its summary and the awards it proposes."""
    result = await runtime.call(movements.conclude, who, movement_id, document_ref=body.document_ref,
                                concluded_on=body.concluded_on or runtime.today(), summary=body.summary,
                                proposed_awards=[a.model_dump() for a in body.proposed_awards],
                                complete_tasks=body.complete_tasks, now=runtime.now())
    return await answer(runtime, movement_id, result)
