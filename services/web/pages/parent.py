"""A parent unit's clerk (Sở Giáo dục và Đào tạo for its schools …): the dossiers its units sent
it, and sending several of them upward under the parent unit's own tờ trình."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.pages.common import apis, checked_form, redirect, render, role
from services.web.pages.dossier_view import unit_names
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Clerk = role("unit_clerk")
QUEUE = "/ho-so/cap-duoi"
TITLE = "Hồ sơ đơn vị cấp dưới gửi lên"


async def _queue(request: Request, person: Person, errors: dict[str, str], values: dict[str, Any],
                 status: int = 200) -> HTMLResponse:
    api = apis(request, person).nomination
    rows = await api.dossiers(level=person.unit, state="at_parent", limit=1000) if person.unit else []
    names = await unit_names(api)
    return render(request, "parent_queue.html", status, title=TITLE, rows=rows, names=names, errors=errors,
                  values=values, unit_name=names.get(person.unit or "", person.unit))


@router.get(QUEUE, response_class=HTMLResponse)
async def queue(request: Request, person: Person = Clerk) -> HTMLResponse:
    """The dossiers at this clerk's unit, waiting to be returned or sent upward."""
    chosen = request.query_params.getlist("chon")
    return await _queue(request, person, {}, {"year": str(date.today().year), "dossier_ids": chosen})


def send_up_body(values: dict[str, Any]) -> dict[str, Any]:
    year = str(values.get("year", "")).strip()
    return {"title": str(values.get("title", "")).strip(), "number": str(values.get("number", "")).strip(),
            "year": int(year) if year.isdigit() else year, "dossier_ids": values["dossier_ids"]}


@router.post(QUEUE, response_class=HTMLResponse)
async def send_up(request: Request, person: Person = Clerk) -> Response:
    """"Trình lên cấp trên": the chosen dossiers as one submission; the service's refusal beside
    the field it concerns, the choices kept."""
    form = await checked_form(request, person)
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in ("title", "number", "year")}
    values["dossier_ids"] = [str(v) for v in form.getlist("dossier_ids")]
    if not values["dossier_ids"]:
        return await _queue(request, person, {"dossier_ids": "Hãy chọn ít nhất một hồ sơ để trình."}, values, 422)
    try:
        sent = await apis(request, person).nomination.send_up(send_up_body(values))
    except ServiceError as error:
        errors = error.field_errors() or {"_": error.message}
        if any(key.isdigit() for key in errors):  # one of the chosen dossiers' identifiers
            errors = {"dossier_ids": error.message}
        return await _queue(request, person, errors, values, 422)
    count = len(sent["dossiers"])
    return redirect(QUEUE, f"Đã trình {count} hồ sơ lên {sent['to_level_name']} theo tờ trình số {sent['number']}.")
