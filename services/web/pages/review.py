"""Taking a step of a dossier from its page (appraiser, chairman's office, unit clerk)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.pages.common import PersonDep, apis, checked_form, redirect
from services.web.pages.dossier_view import dossier_error
from services.web.pages.steps import BY_COMMAND, body_of

router = APIRouter(include_in_schema=False)


@router.post("/ho-so/{dossier_id}/buoc/{command}", response_class=HTMLResponse)
async def take_step(dossier_id: str, command: str, request: Request, person: PersonDep) -> Response:
    """One step; the service's refusal comes back beside the step's form."""
    step = BY_COMMAND.get(command)
    form = await checked_form(request, person)
    if step is None:
        return redirect(f"/ho-so/{dossier_id}", "Bước này không có.")
    values = {k: str(v) for k, v in form.items()}
    try:
        await apis(request, person).nomination.step(dossier_id, command, body_of(step, values))
    except ServiceError as error:
        return await dossier_error(request, person, dossier_id, error, command)
    return redirect(f"/ho-so/{dossier_id}", f"Đã thực hiện: {step.label[0].lower()}{step.label[1:]}.")
