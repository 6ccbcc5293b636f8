"""The registry of exemplary models (điển hình tiên tiến): found through movements, recognised by
Ban TĐKT or the unit that found them, followed through their stages (phát hiện → bồi dưỡng →
tổng kết → nhân rộng), written about in the media, published in the public feed (Atom, RSS,
JSON: no personal identifier) that the province's portal or a Zalo Official Account pulls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from services.web.pages.common import apis, person_or_none, render, role, runtime_of
from services.web.pages.forms import optional, run_step, text
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Viewer = role("planner", "unit_clerk", "auditor", "chair")
Planner = role("planner")
Finder = role("planner", "unit_clerk")
STAGES = [("phat_hien", "Phát hiện"), ("boi_duong", "Bồi dưỡng"), ("tong_ket", "Tổng kết"),
          ("nhan_rong", "Nhân rộng")]
SUBJECTS = [("tap_the", "Tập thể"), ("ca_nhan", "Cá nhân")]
FEEDS = {"json": "json", "atom": "atom", "rss": "rss"}


@router.get("/dien-hinh", response_class=HTMLResponse)
async def models(request: Request, person: Person = Viewer) -> HTMLResponse:
    stage = request.query_params.get("giai_doan", "")
    stage = stage if stage in dict(STAGES) else ""
    field = request.query_params.get("linh_vuc", "").strip()[:100]
    found = await apis(request, person).plan.exemplary_models(stage=stage or None, field=field or None)
    return render(request, "exemplary_list.html", title="Điển hình tiên tiến", models=found, stage=stage,
                  field=field, stages=STAGES, stage_labels=dict(STAGES))


async def _new_page(request: Request, person: Person, status: int = 200, errors: dict[str, str] | None = None,
                    values: dict[str, str] | None = None, problem: str = "") -> HTMLResponse:
    api = apis(request, person).plan
    units = [(u["code"], u["name"]) for u in await api.units()]
    movements = [(m["movement_id"], m["name"]) for m in await api.movements(limit=1000)]
    return render(request, "exemplary_new.html", status, title="Ghi nhận điển hình tiên tiến", units=units,
                  movements=movements, subjects=SUBJECTS, errors=errors or {}, values=values or {}, problem=problem,
                  today=date.today().isoformat())


@router.get("/dien-hinh/moi", response_class=HTMLResponse)
async def new_form(request: Request, person: Person = Finder) -> HTMLResponse:
    return await _new_page(request, person)


def _recognised(person: Person) -> Callable[[FormData], dict[str, Any]]:
    def build(form: FormData) -> dict[str, Any]:
        finder = text(form, "found_by_unit") if person.has("planner") else (person.unit or "")
        return {"name": text(form, "name"), "subject_kind": text(form, "subject_kind"), "unit": text(form, "unit"),
                "field": text(form, "field"), "movement_id": optional(form, "movement_id"),
                "achievement": text(form, "achievement"), "found_by_unit": finder,
                "found_on": text(form, "found_on"), "contact": optional(form, "contact")}

    return build


@router.post("/dien-hinh/moi", response_class=HTMLResponse)
async def recognise(request: Request, person: Person = Finder) -> Response:
    async def again(status: int, _: str, errors: dict[str, str], values: dict[str, str], problem: str) -> HTMLResponse:
        return await _new_page(request, person, status, errors, values, problem)

    return await run_step(request, person, "recognise", _recognised(person), apis(request, person).plan.recognise,
                          lambda created: f"/dien-hinh/{created['id']}", "Đã ghi nhận điển hình.", again)


async def _detail(request: Request, person: Person, model_id: str, status: int = 200, form: str = "",
                  errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                  problem: str = "") -> HTMLResponse:
    model = await apis(request, person).plan.exemplary_model(model_id)
    following = [s for s in STAGES[[code for code, _ in STAGES].index(model["stage"]) + 1:]][:1]
    return render(request, "exemplary_model.html", status, title=model["name"], model=model,
                  stage_labels=dict(STAGES), subjects=dict(SUBJECTS), following=following, form=form,
                  errors=errors or {}, values=values or {}, problem=problem)


@router.get("/dien-hinh/{model_id}", response_class=HTMLResponse)
async def model(model_id: str, request: Request, person: Person = Viewer) -> HTMLResponse:
    return await _detail(request, person, model_id)


async def _run(request: Request, person: Person, model_id: str, step: str,
               build: Callable[[FormData], dict[str, Any]], notice: str) -> Response:
    """One step of a model; a refusal comes back beside the step's form."""
    async def call(body: dict[str, Any]) -> Any:
        return await apis(request, person).plan.exemplary_step(model_id, step, body)

    async def again(status: int, form: str, errors: dict[str, str], values: dict[str, str],
                    problem: str) -> HTMLResponse:
        return await _detail(request, person, model_id, status, form, errors, values, problem)

    return await run_step(request, person, step, build, call, f"/dien-hinh/{model_id}", notice, again)


def _advance(form: FormData) -> dict[str, Any]:
    return {"to": text(form, "to"), "on": optional(form, "on"), "note": text(form, "note")}


def _coverage(form: FormData) -> dict[str, Any]:
    return {"outlet": text(form, "outlet"), "title": text(form, "title"), "url": optional(form, "url"),
            "published_on": text(form, "published_on")}


def _publish(form: FormData) -> dict[str, Any]:
    return {"public_summary": text(form, "public_summary")}


def _withdraw(form: FormData) -> dict[str, Any]:
    return {"reason": text(form, "reason")}


@router.post("/dien-hinh/{model_id}/giai-doan")
async def advance(model_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, model_id, "stage", _advance, "Đã chuyển giai đoạn.")


@router.post("/dien-hinh/{model_id}/bai-viet")
async def coverage(model_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, model_id, "coverage", _coverage, "Đã ghi nhận bài viết.")


@router.post("/dien-hinh/{model_id}/cong-khai")
async def publish(model_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, model_id, "publication", _publish, "Đã công khai trên trang tin.")


@router.post("/dien-hinh/{model_id}/thoi-cong-khai")
async def unpublish(model_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, model_id, "withdrawal", _withdraw, "Đã thôi công khai.")


@router.get("/ban-tin/dien-hinh.{kind}")
async def feed(kind: str, request: Request) -> Response:
    """The public feed of published models (no sign-in), as the plan service serves it."""
    await person_or_none(request)
    if kind not in FEEDS:
        return render(request, "error.html", 404, title="Không tìm thấy", heading="Không tìm thấy",
                      message="Bản tin có dạng .atom, .rss hoặc .json.")
    body, media_type = await runtime_of(request).apis(None).plan.public_feed(FEEDS[kind])
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})
