"""The planner's plan import (preview, then confirm) and board; a unit's tasks and completing one."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.pages.common import apis, checked_form, page_of, redirect, render, role
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Planner = role("planner")
Viewer = role("planner", "auditor", "chair")
Clerk = role("unit_clerk")


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    year = q.get("nam", "")
    quarter = q.get("quy", "")
    return {"year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else date.today().year,
            "quarter": int(quarter) if quarter in {"1", "2", "3", "4"} else None,
            "unit": q.get("don_vi", "").strip()[:32] or None,
            "status": q.get("trang_thai") if q.get("trang_thai") in {"assigned", "completed", "overdue"} else None}


@router.get("/ke-hoach", response_class=HTMLResponse)
async def board(request: Request, person: Person = Viewer) -> HTMLResponse:
    api = apis(request, person)
    filters = _filters(request)
    size = 100
    page, offset = page_of(request, size)
    tasks = await api.plan.tasks(**filters, limit=size + 1, offset=offset)
    units = [(u["code"], u["name"]) for u in await api.plan.units()]
    return render(request, "plan_board.html", title="Bảng theo dõi kế hoạch", tasks=tasks[:size], filters=filters,
                  page=page, has_next=len(tasks) > size, unit_options=units)


@router.get("/ke-hoach/nhap", response_class=HTMLResponse)
async def import_form(request: Request, person: Person = Planner) -> HTMLResponse:
    return render(request, "plan_import.html", title="Nhập văn bản kế hoạch")


@router.post("/ke-hoach/nhap", response_class=HTMLResponse)
async def import_preview(request: Request, person: Person = Planner) -> Response:
    """Read the document without saving: tasks per quarter and the importer's warnings."""
    form = await checked_form(request, person)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return render(request, "plan_import.html", 422, title="Nhập văn bản kế hoạch",
                      errors={"file": "Hãy chọn tệp kế hoạch (.txt hoặc .docx)."})
    data = await upload.read()
    try:
        summary = await apis(request, person).plan.import_plan(data, upload.filename, dry_run=True,
                                                               register_units=True)
    except ServiceError as error:
        return render(request, "plan_import.html", 422, title="Nhập văn bản kế hoạch",
                      errors={"file": error.message}, details=error.details)
    return render(request, "plan_import.html", title="Xem trước kế hoạch", summary=summary,
                  filename=upload.filename, payload=base64.b64encode(data).decode(),
                  checksum=hashlib.sha256(data).hexdigest())


@router.post("/ke-hoach/nhap/xac-nhan")
async def import_confirm(request: Request, person: Person = Planner) -> Response:
    form = await checked_form(request, person)
    data = base64.b64decode(str(form.get("payload", "")), validate=False)
    if hashlib.sha256(data).hexdigest() != form.get("checksum"):
        return render(request, "plan_import.html", 422, title="Nhập văn bản kế hoạch",
                      errors={"file": "Tệp xem trước không còn nguyên vẹn; hãy chọn lại tệp."})
    summary = await apis(request, person).plan.import_plan(data, str(form.get("filename", "")), dry_run=False,
                                                           register_units=True)
    what = "Đã nhập" if summary["created"] else "Kế hoạch này đã có, không nhập lại:"
    message = f"{what} {summary['number']} ({summary['tasks_total']} nhiệm vụ)."
    return redirect(f"/ke-hoach?nam={summary['year']}", message)


@router.get("/nhiem-vu", response_class=HTMLResponse)
async def unit_tasks(request: Request, person: Person = Clerk) -> HTMLResponse:
    filters = _filters(request)
    filters["unit"] = person.unit
    tasks = await apis(request, person).plan.tasks(**filters, limit=1000)
    return render(request, "tasks.html", title="Nhiệm vụ của đơn vị", tasks=tasks, filters=filters,
                  today=date.today().isoformat())


@router.post("/nhiem-vu/{task_id}/hoan-thanh", response_class=HTMLResponse)
async def complete(task_id: str, request: Request, person: Person = Clerk) -> Response:
    form = await checked_form(request, person)
    reference = str(form.get("document_ref", "")).strip()
    try:
        await apis(request, person).plan.complete(task_id, reference, str(form.get("completed_on", "")) or None)
    except ServiceError as error:
        task = await apis(request, person).plan.task(task_id)
        errors = error.field_errors() or {"document_ref": error.message}
        if "document_ref" in errors and len(reference) < 3:
            errors["document_ref"] = "Số, ký hiệu văn bản phải có ít nhất 3 ký tự (ví dụ 45/BC-UBND)."
        return render(request, "task_complete.html", 422, title="Báo hoàn thành nhiệm vụ", task=task,
                      errors=errors, values=dict(form))
    return redirect("/nhiem-vu", f"Đã báo hoàn thành nhiệm vụ, văn bản {reference}.")


@router.get("/nhiem-vu/{task_id}/hoan-thanh", response_class=HTMLResponse)
async def complete_form(task_id: str, request: Request, person: Person = Clerk) -> HTMLResponse:
    task = await apis(request, person).plan.task(task_id)
    return render(request, "task_complete.html", title="Báo hoàn thành nhiệm vụ", task=task, errors={}, values={})
