"""Dossiers: the list (a unit's own, or the appraisers' queue with filters), opening one with
its eligibility verdict shown before submitting, documents, the unit council, submitting."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.format import BASES, STATES, TIERS
from services.web.pages.common import PersonDep, apis, checked_form, page_of, redirect, render, role
from services.web.pages.dossier_view import PROVINCE, dossier_context, dossier_error, names_of, parent_units
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Readers = role("unit_clerk", "appraiser", "chair", "auditor", "council_secretary", "council_member")
Clerk = role("unit_clerk")
YES_NO = [("true", "Có"), ("false", "Không")]
# The priority groups' yes/no questions (the nomination service checks them with the others).
PRIORITY_FLAGS = ("leadership", "direct_labourer", "hard_to_reach")
FORM_FIELDS = {"award_code", "year", "nominee_kind", "name", "id_number", "date_of_birth", "gender", "position",
               "summary", "leadership_title", "leadership_tier", "ethnicity", "basis", *PRIORITY_FLAGS}
KINDS = [("ca_nhan", "Cá nhân"), ("tap_the", "Tập thể"), ("ho_gia_dinh", "Hộ gia đình"),
         ("doanh_nghiep", "Doanh nghiệp")]


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    year = q.get("nam", "")
    return {"state": q.get("trang_thai") if q.get("trang_thai") in STATES else None,
            "unit": q.get("don_vi", "").strip()[:32] or None, "award": q.get("khen_thuong", "").strip()[:32] or None,
            "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
            "late": "true" if q.get("tre_han") == "1" else None, "name": q.get("ten", "").strip()[:100] or None,
            "level": q.get("cap", "").strip()[:32] or None}


@router.get("/ho-so", response_class=HTMLResponse)
async def dossier_list(request: Request, person: Person = Readers) -> HTMLResponse:
    size = request.app.state.runtime.settings.page_size
    page, offset = page_of(request, size)
    filters = _filters(request)
    nomination = apis(request, person).nomination
    rows, units = await asyncio.gather(nomination.dossiers(**filters, limit=size + 1, offset=offset),
                                       parent_units(nomination))
    names, parents = names_of(units), [u["code"] for u in units if u.get("children")]
    routes = {u["code"]: [names.get(code, code) for code in u["route"]] for u in units if u.get("route")}
    query = "&".join(f"{k}={v}" for k, v in request.query_params.items() if k != "trang" and k != "tb")
    levels = [(PROVINCE, names[PROVINCE]), *((code, names.get(code, code)) for code in parents)]
    return render(request, "dossiers.html", title="Hồ sơ đề nghị khen thưởng", rows=rows[:size], page=page,
                  has_next=len(rows) > size, filters=request.query_params, base=f"?{query}&" if query else "?",
                  states=STATES, names=names, parents=parents, levels=levels, routes=routes)


@router.get("/ho-so/moi", response_class=HTMLResponse)
async def new_form(request: Request, person: Person = Clerk) -> HTMLResponse:
    return await _new_page(request, person, {}, {"year": str(date.today().year - 1)})


async def _new_page(request: Request, person: Person, errors: dict[str, str], values: dict[str, Any],
                    status: int = 200) -> HTMLResponse:
    catalogue = await apis(request, person).nomination.catalogue()
    awards = [(a["code"], f"{a['name']} ({a['code']})") for a in catalogue.get("awards", [])]
    return render(request, "dossier_new.html", status, title="Mở hồ sơ đề nghị", awards=awards, kinds=KINDS,
                  errors=errors, values=values, yes_no=YES_NO, tiers=list(TIERS.items()), bases=list(BASES.items()))


def _dossier_body(form: dict[str, Any]) -> dict[str, Any]:
    nominee = {k: form.get(k) or None for k in ("name", "id_number", "date_of_birth", "gender", "position",
                                                "leadership_title", "leadership_tier", "ethnicity")}
    nominee |= {k: {"true": True, "false": False}.get(form.get(k) or "", form.get(k) or None) for k in PRIORITY_FLAGS}
    year = str(form.get("year", ""))
    return {"award_code": form.get("award_code", ""), "year": int(year) if year.isdigit() else year,
            "nominee_kind": form.get("nominee_kind") or "ca_nhan", "summary": form.get("summary", ""),
            "nominee": {**nominee, "name": form.get("name", "")},
            **({"basis": form["basis"]} if form.get("basis") else {})}  # none: the award's own


@router.post("/ho-so/moi", response_class=HTMLResponse)
async def create(request: Request, person: Person = Clerk) -> Response:
    values = {k: str(v) for k, v in (await checked_form(request, person)).items() if k != "csrf"}
    try:
        opened = await apis(request, person).nomination.open(_dossier_body(values))
    except ServiceError as error:
        fields = error.field_errors()
        shown = {k: v for k, v in fields.items() if k in FORM_FIELDS}
        if len(shown) < len(fields) or not fields:  # a rule over several fields: above the form
            shown["_"] = next((v for k, v in fields.items() if k not in FORM_FIELDS), error.message)
        return await _new_page(request, person, shown, values, 422)
    message = "Đã mở hồ sơ; xem kết quả kiểm tra điều kiện trước khi trình." if opened["created"] else \
        "Hồ sơ này đã có (cùng đơn vị, năm, hình thức và người được đề nghị)."
    return redirect(f"/ho-so/{opened['id']}", message)


@router.get("/ho-so/{dossier_id}", response_class=HTMLResponse)
async def dossier_page(dossier_id: str, request: Request, person: Person = Readers) -> HTMLResponse:
    context = await dossier_context(apis(request, person), person, dossier_id)
    return render(request, "dossier.html", title=f"Hồ sơ {context['dossier']['nominee']['name']}", **context,
                  errors={}, failed=None)


@router.post("/ho-so/{dossier_id}/tai-lieu", response_class=HTMLResponse)
async def attach(dossier_id: str, request: Request, person: PersonDep) -> Response:
    form = await checked_form(request, person)
    upload = form.get("file")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ServiceError(422, "missing_file", "Hãy chọn tệp tài liệu (PDF, DOCX, PNG, JPEG).")
        await apis(request, person).nomination.attach(dossier_id, str(form.get("kind", "")), upload.filename,
                                                      await upload.read(), upload.content_type or "")
    except ServiceError as error:
        return await dossier_error(request, person, dossier_id, error, "attach_document")
    return redirect(f"/ho-so/{dossier_id}#tai-lieu", f"Đã đính kèm {upload.filename}.")


@router.get("/ho-so/{dossier_id}/tai-lieu/{sha256}")
async def download(dossier_id: str, sha256: str, request: Request, person: PersonDep) -> Response:
    data, media_type = await apis(request, person).nomination.document(dossier_id, sha256)
    disposition = f'attachment; filename="{sha256[:12]}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
