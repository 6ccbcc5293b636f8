"""Who may call each route of the nomination service, read from the sub-domains' tables: the
dossier commands (`dossiers.states.COMMANDS`), the council's (`council.application.COMMANDS`)
and the readers of dossiers and people's records. The route refuses other roles at the door
(and the OpenAPI document says so as `x-tdkt-policy`); the use case checks the same table with
the unit and the dossier's state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Depends

from servicekit.auth import Role, require
from services.nomination.council.application import COMMANDS as COUNCIL_COMMANDS
from services.nomination.dossiers.base import ACTOR_ROLES, READERS
from services.nomination.dossiers.states import COMMANDS, UNIT


def _roles(names: Iterable[str]) -> list[Role]:
    return sorted({Role(name) for name in names} - {Role.ADMIN})  # an administrator always may


def dossier_command(name: str) -> list[Any]:
    """The `dependencies` of a route running a dossier command."""
    command = COMMANDS[name]
    return [Depends(require(*_roles(ACTOR_ROLES[actor] for actor in command.actors),
                            unit="own" if UNIT in command.actors else "any"))]


def council_command(name: str) -> list[Any]:
    """The `dependencies` of a council session route."""
    return [Depends(require(*_roles(COUNCIL_COMMANDS[name])))]


# A unit's clerk opens and submits its own unit's dossiers.
DOSSIER_DRAFT = [Depends(require(Role.UNIT_CLERK, unit="own"))]
# Dossiers are read by the province's roles, and by a unit's clerk for that unit only.
DOSSIER_READ = [Depends(require(*_roles(READERS), Role.UNIT_CLERK, unit="own"))]
# People's records (names, personal numbers): only the roles whose work needs them, and a unit's
# clerk for the people of that unit.
PEOPLE_READ = [Depends(require(Role.APPRAISER, Role.COUNCIL_SECRETARY, Role.AUDITOR, Role.UNIT_CLERK, unit="own"))]
RECORD_WRITE = [Depends(require(Role.APPRAISER, Role.UNIT_CLERK, unit="own"))]
APPRAISER_ONLY = [Depends(require(Role.APPRAISER))]
AUDITOR_ONLY = [Depends(require(Role.AUDITOR))]
