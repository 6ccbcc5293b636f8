"""A dossier's page as one context: the dossier, its eligibility, timeline, quota position and the
steps this person may take; and the same page again with a service's refusal beside a form."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from services.web.clients.base import ServiceError
from services.web.clients.nomination import NominationApi
from services.web.pages.common import apis, render
from services.web.pages.steps import actions_for
from services.web.runtime import Apis
from services.web.sessions import Person

PROVINCE, PROVINCE_NAME = "tinh", "Sở Nội vụ"


async def _optional(call: Any) -> Any:
    try:
        return await call
    except ServiceError as error:
        return {"error": error.message}


async def parent_units(nomination: NominationApi) -> list[dict[str, Any]]:
    """The units of the province's units file (code, name, parent, route, children); none when
    the service cannot say (the pages then show the codes)."""
    try:
        units: list[dict[str, Any]] = (await nomination.parent_units())["units"]
    except ServiceError:
        return []
    return units


def names_of(units: list[dict[str, Any]]) -> dict[str, str]:
    """The units' names by code, and Sở Nội vụ's (`tinh`)."""
    return {PROVINCE: PROVINCE_NAME, **{u["code"]: u["name"] for u in units}}


async def unit_names(nomination: NominationApi) -> dict[str, str]:
    return names_of(await parent_units(nomination))


async def dossier_context(api: Apis, person: Person, dossier_id: str) -> dict[str, Any]:
    dossier = await api.nomination.dossier(dossier_id)
    reads = [api.nomination.eligibility(dossier_id), api.nomination.timeline(dossier_id)]
    if person.has("appraiser", "chair"):
        reads.append(api.nomination.quotas(dossier["unit_code"], dossier["year"], dossier["award_code"]))
    found, names = await asyncio.gather(asyncio.gather(*(_optional(r) for r in reads)), unit_names(api.nomination))
    return {"dossier": dossier, "eligibility": found[0], "timeline": found[1],
            "quota": found[2] if len(found) > 2 else None, "names": names,
            "actions": actions_for(person, dossier), "clerk": "unit_clerk" in person.roles
            and person.unit == dossier["unit_code"]}


async def dossier_error(request: Request, person: Person, dossier_id: str, error: ServiceError,
                        command: str) -> HTMLResponse:
    """The dossier page again, with the service's message beside the form that failed."""
    context = await dossier_context(apis(request, person), person, dossier_id)
    return render(request, "dossier.html", 422, title="Không thực hiện được", **context,
                  errors=error.field_errors(), failed={"command": command, "message": error.message})


