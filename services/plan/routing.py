"""What the routes of the plan service share: the running service and its use cases (built once)
as dependencies, and the answer to a command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request, Response, status
from pydantic import BaseModel, Field

from servicekit.auth import require
from services.plan.clusters.application import Clusters
from services.plan.exemplary.application import ExemplaryModels
from services.plan.movements.application import Movements
from services.plan.permissions import Allowed
from services.plan.runtime import PlanRuntime


async def get_runtime(request: Request) -> PlanRuntime:  # async: no worker-thread hop per request
    runtime: PlanRuntime = request.app.state.runtime
    return runtime


async def get_movements(request: Request) -> Movements:
    return (await get_runtime(request)).use_cases.movements


async def get_clusters(request: Request) -> Clusters:
    return (await get_runtime(request)).use_cases.clusters


async def get_exemplary(request: Request) -> ExemplaryModels:
    return (await get_runtime(request)).use_cases.exemplary


RuntimeDep = Annotated[PlanRuntime, Depends(get_runtime)]
MovementsDep = Annotated[Movements, Depends(get_movements)]
ClustersDep = Annotated[Clusters, Depends(get_clusters)]
ExemplaryDep = Annotated[ExemplaryModels, Depends(get_exemplary)]


class Created(BaseModel):
    id: UUID
    created: bool


class Changed(BaseModel):
    id: UUID
    version: int
    changed: bool = Field(description="False when the same command had been applied already")


async def answer(runtime: PlanRuntime, aggregate_id: UUID, result: tuple[int, bool]) -> Changed:
    """The answer to a command; the lists show its effect once it is answered."""
    version, changed = result
    if changed:
        await runtime.wait_for_view()
    return Changed(id=aggregate_id, version=version, changed=changed)



async def answer_created(runtime: PlanRuntime, response: Response, result: tuple[UUID, bool]) -> Created:
    """The answer to a create: 201, or 200 when it was there already (a retried request)."""
    aggregate_id, created = result
    if created:
        await runtime.wait_for_view()
    else:
        response.status_code = status.HTTP_200_OK
    return Created(id=aggregate_id, created=created)


def declared(rule: Allowed) -> Any:
    """A route's dependency declaring its command's policy (`x-tdkt-policy` in the OpenAPI
    document), read from the sub-domain's command table: the route lets through only the roles
    the table names, and the use case checks the rest (the unit, the state)."""
    return Depends(require(*(rule.roles | rule.own_unit), unit="own" if rule.own_unit else "any"))


def policy(table: Mapping[str, Allowed], command: str) -> list[Any]:
    """The `dependencies` of a route that runs `command` of a sub-domain's command table."""
    return [declared(table[command])]

