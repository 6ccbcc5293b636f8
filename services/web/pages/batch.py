"""A unit's batch of nominees from a spreadsheet: the template, the upload, the row errors."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.pages.common import apis, checked_form, render, role
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Clerk = role("unit_clerk")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/ho-so/lo", response_class=HTMLResponse)
async def batch_form(request: Request, person: Person = Clerk) -> HTMLResponse:
    return render(request, "batch.html", title="Trình danh sách từ bảng tính", errors={},
                  values={"year": str(date.today().year - 1)})


@router.get("/ho-so/lo/mau")
async def template(request: Request, person: Person = Clerk) -> Response:
    data = await apis(request, person).nomination.template()
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-danh-sach-de-nghi.xlsx"'})


@router.post("/ho-so/lo", response_class=HTMLResponse)
async def upload(request: Request, person: Person = Clerk) -> HTMLResponse:
    form = await checked_form(request, person)
    values = {k: str(v) for k, v in form.items() if k in ("title", "year")}
    upload = form.get("file")
    errors: dict[str, str] = {}
    if upload is None or isinstance(upload, str) or not upload.filename:
        errors["file"] = "Hãy chọn tệp bảng tính (.xlsx) theo mẫu."
    if not values.get("year", "").isdigit():
        errors["year"] = "Năm phải là số, ví dụ 2025."
    if errors:
        return render(request, "batch.html", 422, title="Trình danh sách từ bảng tính", errors=errors, values=values)
    assert upload is not None and not isinstance(upload, str)
    try:
        result = await apis(request, person).nomination.submit_spreadsheet(
            values.get("title", ""), int(values["year"]), upload.filename or "danh-sach.xlsx", await upload.read())
    except ServiceError as error:
        errors = error.field_errors() or {"file": error.message}
        return render(request, "batch.html", 422, title="Trình danh sách từ bảng tính", errors=errors, values=values)
    return render(request, "batch.html", title="Kết quả trình danh sách", result=result, errors={}, values=values)
