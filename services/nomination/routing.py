"""What the routes of the nomination service share: the running service and its use cases,
each built once when the service starts (`wiring.build`), as typed dependencies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from servicekit.auth import Role, require
from services.nomination.council.application import COMMANDS as COUNCIL_COMMANDS
from services.nomination.council.application import Council
from services.nomination.dossiers.application import Drafting, Levels, Review
from services.nomination.dossiers.base import READERS, roles_for
from services.nomination.dossiers.bulk import BulkSubmissions
from services.nomination.history.application import PEOPLE_READERS as READERS_OF_PEOPLE
from services.nomination.history.application import PEOPLE_READERS_OF_OWN_UNIT, WRITERS, WRITERS_OF_OWN_UNIT, History
from services.nomination.runtime import NominationRuntime


async def get_runtime(request: Request) -> NominationRuntime:  # async: no worker-thread hop per request
    runtime: NominationRuntime = request.app.state.runtime
    return runtime


async def get_drafting(request: Request) -> Drafting:
    return (await get_runtime(request)).drafting


async def get_review(request: Request) -> Review:
    return (await get_runtime(request)).review


async def get_council(request: Request) -> Council:
    return (await get_runtime(request)).council


async def get_bulk(request: Request) -> BulkSubmissions:
    return (await get_runtime(request)).bulk


async def get_levels(request: Request) -> Levels:
    return (await get_runtime(request)).levels


async def get_history(request: Request) -> History:
    return (await get_runtime(request)).records


RuntimeDep = Annotated[NominationRuntime, Depends(get_runtime)]
DraftingDep = Annotated[Drafting, Depends(get_drafting)]
ReviewDep = Annotated[Review, Depends(get_review)]
CouncilDep = Annotated[Council, Depends(get_council)]
BulkDep = Annotated[BulkSubmissions, Depends(get_bulk)]
HistoryDep = Annotated[History, Depends(get_history)]
LevelsDep = Annotated[Levels, Depends(get_levels)]


def dossier_policy(command: str) -> list[Any]:
    """The `dependencies` of a route giving a dossier `command`: its declared policy
    (`x-tdkt-policy`), read from the dossier's command table; only the roles it names get
    through, and the use case checks the rest (the unit, the state)."""
    roles, own_unit = roles_for(command)
    return [Depends(require(*roles, unit="own" if own_unit else "any"))]


def council_policy(*commands: str) -> list[Any]:
    """The `dependencies` of a route running council `commands` (any of them), from the council's table."""
    roles = frozenset().union(*(COUNCIL_COMMANDS[command].roles for command in commands))
    return [Depends(require(*roles))]


# Who reads dossiers: every unit's (READERS) or, for a unit's clerk, the unit's own.
DOSSIER_READERS = [Depends(require(*READERS, Role.UNIT_CLERK, unit="own"))]
# Who writes a person's or a collective's history: the appraisers, or a unit's clerk for the unit.
HISTORY_WRITERS = [Depends(require(*WRITERS, *WRITERS_OF_OWN_UNIT, unit="own"))]
# Who reads people's records: the roles whose work needs them, a unit's clerk for the unit's own.
PEOPLE_READERS = [Depends(require(*READERS_OF_PEOPLE, *PEOPLE_READERS_OF_OWN_UNIT, unit="own"))]
