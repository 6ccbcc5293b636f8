"""Emulation movements (phong trào thi đua): the year's list by state; a movement with its
criteria, linked plan tasks and registrations; the planner drafts, links tasks, launches, opens
the registration and concludes; a unit's clerk registers the unit with its targets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from services.web.pages.common import apis, render, role
from services.web.pages.forms import FormProblem, optional, rows, run_step, text
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Viewer = role("planner", "unit_clerk", "auditor", "chair")
Planner = role("planner")
Registrar = role("planner", "unit_clerk")

KINDS = [("thuong_xuyen", "Thường xuyên"), ("chuyen_de", "Chuyên đề"), ("dot_xuat", "Đột xuất")]
SCOPES = [("tinh", "Toàn tỉnh"), ("nganh", "Ngành, lĩnh vực"), ("cum_khoi", "Cụm, khối thi đua"),
          ("don_vi", "Một đơn vị")]
STATES = [("drafted", "Dự thảo"), ("launched", "Đã phát động"), ("reviewed", "Đã sơ kết"),
          ("concluded", "Đã tổng kết")]
PURPOSES = [("phat_dong", "Phát động"), ("so_ket", "Sơ kết"), ("tong_ket", "Tổng kết"),
            ("khen_thuong", "Khen thưởng"), ("khac", "Khác")]
RECIPIENTS = {"ca_nhan": "ca_nhan", "cá nhân": "ca_nhan", "tap_the": "tap_the", "tập thể": "tap_the",
              "ho_gia_dinh": "ho_gia_dinh", "hộ gia đình": "ho_gia_dinh"}
LABELS = {"kinds": dict(KINDS), "scopes": dict(SCOPES), "states": dict(STATES), "purposes": dict(PURPOSES)}


def _year(request: Request) -> int:
    raw = request.query_params.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


@router.get("/phong-trao", response_class=HTMLResponse)
async def movements(request: Request, person: Person = Viewer) -> HTMLResponse:
    year = _year(request)
    state = request.query_params.get("trang_thai", "")
    state = state if state in dict(STATES) else ""
    found = await apis(request, person).plan.movements(year=year, state=state or None)
    return render(request, "movements.html", title=f"Phong trào thi đua năm {year}", movements=found, year=year,
                  state=state, states=STATES, labels=LABELS)


async def _draft_page(request: Request, person: Person, status: int = 200, errors: dict[str, str] | None = None,
                      values: dict[str, str] | None = None, problem: str = "") -> HTMLResponse:
    return render(request, "movement_new.html", status, title="Soạn phong trào thi đua", kinds=KINDS, scopes=SCOPES,
                  task_options=await _task_options(request, person), errors=errors or {}, values=values or {},
                  problem=problem)


async def _task_options(request: Request, person: Person) -> list[tuple[str, str]]:
    """The plans' tasks a movement may be linked to (a movement may be concluded by a later year's plan)."""
    tasks = await apis(request, person).plan.tasks(limit=1000)
    return [(t["task_id"], f"{t['plan_number']} ({t['year']}) · quý {t['quarter']} số {t['number']}: {t['title']}")
            for t in tasks]


@router.get("/phong-trao/moi", response_class=HTMLResponse)
async def draft_form(request: Request, person: Person = Planner) -> HTMLResponse:
    return await _draft_page(request, person)


@router.post("/phong-trao/moi", response_class=HTMLResponse)
async def draft(request: Request, person: Person = Planner) -> Response:
    async def again(status: int, _: str, errors: dict[str, str], values: dict[str, str], problem: str) -> HTMLResponse:
        return await _draft_page(request, person, status, errors, values, problem)

    return await run_step(request, person, "draft", _draft_body, apis(request, person).plan.draft_movement,
                          lambda created: f"/phong-trao/{created['id']}", "Đã soạn phong trào (dự thảo).", again)


def _draft_body(form: FormData) -> dict[str, Any]:
    criteria = [{"code": code, "title": title, "target": target or None}
                for code, title, target in rows(form, "criteria", 3, 2, "TC1 | Tên tiêu chí | Chỉ tiêu")]
    return {"name": text(form, "name"), "kind": text(form, "kind"), "scope": text(form, "scope"),
            "scope_ref": optional(form, "scope_ref"), "starts_on": text(form, "starts_on"),
            "ends_on": text(form, "ends_on"), "criteria": criteria,
            "launching_task_id": optional(form, "launching_task_id")}


async def _detail(request: Request, person: Person, movement_id: str, status: int = 200, form: str = "",
                  errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                  problem: str = "") -> HTMLResponse:
    api = apis(request, person).plan
    movement = await api.movement(movement_id)
    planner = person.has("planner")
    tasks = await _task_options(request, person) if planner else []
    units = [(u["code"], u["name"]) for u in await api.units()] if planner and movement["registration"]["open"] else []
    mine = next((r for r in movement["registrations"] if r["unit"]["code"] == person.unit), None)
    return render(request, "movement.html", status, title=movement["name"], m=movement, labels=LABELS,
                  purposes=PURPOSES, mine=mine if person.has("unit_clerk") else None, form=form, errors=errors or {},
                  values=values or {}, problem=problem, task_options=tasks, unit_options=units)


@router.get("/phong-trao/{movement_id}", response_class=HTMLResponse)
async def movement(movement_id: str, request: Request, person: Person = Viewer) -> HTMLResponse:
    return await _detail(request, person, movement_id)


async def _run(request: Request, person: Person, movement_id: str, step: str,
               build: Callable[[FormData], dict[str, Any]], notice: str) -> Response:
    """One step of a movement; a refusal comes back beside the step's form."""
    async def call(body: dict[str, Any]) -> Any:
        return await apis(request, person).plan.movement_step(movement_id, step, body)

    async def again(status: int, form: str, errors: dict[str, str], values: dict[str, str],
                    problem: str) -> HTMLResponse:
        return await _detail(request, person, movement_id, status, form, errors, values, problem)

    return await run_step(request, person, step, build, call, f"/phong-trao/{movement_id}", notice, again)


@router.post("/phong-trao/{movement_id}/phat-dong")
async def launch(movement_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, movement_id, "launch", _launch, "Đã phát động phong trào.")


@router.post("/phong-trao/{movement_id}/mo-dang-ky")
async def open_registration(movement_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, movement_id, "registration", _registration, "Đã mở đăng ký thi đua.")


@router.post("/phong-trao/{movement_id}/dang-ky")
async def register(movement_id: str, request: Request, person: Person = Registrar) -> Response:
    return await _run(request, person, movement_id, "registrations", _register, "Đã đăng ký thi đua.")


@router.post("/phong-trao/{movement_id}/gan-nhiem-vu")
async def link_task(movement_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, movement_id, "tasks", _link, "Đã gắn nhiệm vụ kế hoạch.")


@router.post("/phong-trao/{movement_id}/so-ket")
async def review(movement_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, movement_id, "reviews", _review, "Đã ghi nhận sơ kết.")


@router.post("/phong-trao/{movement_id}/tong-ket")
async def conclude(movement_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, movement_id, "conclusion", _conclude, "Đã tổng kết phong trào.")


def _launch(form: FormData) -> dict[str, Any]:
    return {"decision_number": text(form, "decision_number"), "signed_on": text(form, "signed_on"),
            "authority": text(form, "authority"), "launched_on": optional(form, "launched_on")}


def _registration(form: FormData) -> dict[str, Any]:
    return {"deadline": text(form, "deadline")}


def _register(form: FormData) -> dict[str, Any]:
    targets: list[dict[str, str | None]] = [
        {"criterion_code": key[2:], "target": str(value).strip()} for key, value in form.items()
        if key.startswith("t-") and str(value).strip()]
    targets += [{"criterion_code": None, "target": line.strip()} for line in text(form, "own_targets").splitlines()
                if line.strip()]
    return {"unit": text(form, "unit"), "targets": targets}


def _link(form: FormData) -> dict[str, Any]:
    return {"task_id": text(form, "task_id"), "purpose": text(form, "purpose")}


def _conclude(form: FormData) -> dict[str, Any]:
    awards = []
    example = "Hình thức khen thưởng | tập thể hoặc cá nhân | Tên người, tập thể | Mã đơn vị"
    for award, kind, recipient, unit in rows(form, "proposed_awards", 4, 3, example):
        if kind.lower() not in RECIPIENTS:
            raise FormProblem("proposed_awards", f"“{kind}” không phải cá nhân, tập thể hay hộ gia đình.")
        awards.append({"award": award, "recipient_kind": RECIPIENTS[kind.lower()], "recipient": recipient,
                       "unit": unit or None})
    return {"document_ref": text(form, "document_ref"), "concluded_on": optional(form, "concluded_on"),
            "summary": text(form, "summary"), "proposed_awards": awards}


def _review(form: FormData) -> dict[str, Any]:
    return {"document_ref": text(form, "review_ref"), "reviewed_on": optional(form, "reviewed_on"),
            "summary": text(form, "review_summary")}
