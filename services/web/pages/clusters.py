"""Clusters and blocks (cụm, khối thi đua): the year's list; a cluster with its members, its
covenant and the scoring sheet (each member's self-assessment, the scores Ban TĐKT gives, the
ranking), and the members' secret vote for the leading unit and its result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from services.web.pages.common import apis, render, role
from services.web.pages.forms import FormProblem, optional, points, rows, run_step, text
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Viewer = role("planner", "unit_clerk", "auditor", "chair")
Planner = role("planner")
Member = role("planner", "unit_clerk")
KINDS = {"cum": "Cụm thi đua", "khoi": "Khối thi đua"}


@router.get("/cum-khoi", response_class=HTMLResponse)
async def clusters(request: Request, person: Person = Viewer) -> HTMLResponse:
    raw = request.query_params.get("nam", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year
    found = await apis(request, person).plan.clusters(year=year)
    return render(request, "clusters.html", title=f"Cụm, khối thi đua năm {year}", clusters=found, year=year,
                  kinds=KINDS)


async def _form_page(request: Request, person: Person, status: int = 200, errors: dict[str, str] | None = None,
                     values: dict[str, str] | None = None, problem: str = "") -> HTMLResponse:
    return render(request, "cluster_new.html", status, title="Lập cụm, khối thi đua", kinds=list(KINDS.items()),
                  errors=errors or {}, values=values or {}, problem=problem, year=date.today().year)


@router.get("/cum-khoi/moi", response_class=HTMLResponse)
async def form_page(request: Request, person: Person = Planner) -> HTMLResponse:
    return await _form_page(request, person)


def _codes(form: FormData, name: str) -> list[str]:
    return [code.strip().upper() for code in text(form, name).replace(",", "\n").splitlines() if code.strip()]


def _formed(form: FormData) -> dict[str, Any]:
    year = text(form, "year")
    if not year.isdigit():
        raise FormProblem("year", "Năm phải là một số, ví dụ 2026.")
    return {"code": text(form, "code").upper(), "name": text(form, "name"), "kind": text(form, "kind"),
            "year": int(year), "members": [{"code": code} for code in _codes(form, "members")],
            "leader": text(form, "leader").upper(), "deputy": text(form, "deputy").upper() or None,
            "decision_ref": optional(form, "decision_ref"), "formed_on": text(form, "formed_on")}


@router.post("/cum-khoi/moi", response_class=HTMLResponse)
async def form_cluster(request: Request, person: Person = Planner) -> Response:
    async def call(body: dict[str, Any]) -> Any:
        return await apis(request, person).plan.form_cluster(body)

    async def again(status: int, _: str, errors: dict[str, str], values: dict[str, str], problem: str) -> HTMLResponse:
        return await _form_page(request, person, status, errors, values, problem)

    return await run_step(request, person, "form", _formed, call, lambda created: f"/cum-khoi/{created['id']}",
                          "Đã lập cụm, khối thi đua.", again)


async def _detail(request: Request, person: Person, cluster_id: str, status: int = 200, form: str = "",
                  errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                  problem: str = "") -> HTMLResponse:
    cluster = await apis(request, person).plan.cluster(cluster_id)
    return render(request, "cluster.html", status, title=f"{cluster['name']} năm {cluster['year']}", c=cluster,
                  kinds=KINDS, sheet=_sheet(cluster), form=form, errors=errors or {}, values=values or {},
                  problem=problem, member=person.unit in cluster["unit_names"] and person.has("unit_clerk"))


def _sheet(cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per member: its self-assessed and given points per criterion, totals and rank."""
    ranks = {r["code"]: r for r in cluster["results"] or []}
    sheet = []
    for unit in cluster["members"]:
        own = cluster["self_assessed"].get(unit["code"])
        given = cluster["scores"].get(unit["code"])
        sheet.append({"unit": unit, "own": own, "given": given, "own_total": sum(own.values()) if own else None,
                      "total": sum(given.values()) if given else None, "rank": ranks.get(unit["code"], {}).get("rank")})
    return sorted(sheet, key=lambda row: (row["rank"] or 10_000, row["unit"]["code"]))


@router.get("/cum-khoi/{cluster_id}", response_class=HTMLResponse)
async def cluster(cluster_id: str, request: Request, person: Person = Viewer) -> HTMLResponse:
    return await _detail(request, person, cluster_id)


async def _run(request: Request, person: Person, cluster_id: str, step: str,
               build: Callable[[FormData, dict[str, Any]], dict[str, Any]], notice: str) -> Response:
    """One step of a cluster; a refusal comes back beside the step's form."""
    cluster = await apis(request, person).plan.cluster(cluster_id)

    async def call(body: dict[str, Any]) -> Any:
        return await apis(request, person).plan.cluster_step(cluster_id, step, body)

    async def again(status: int, form: str, errors: dict[str, str], values: dict[str, str],
                    problem: str) -> HTMLResponse:
        return await _detail(request, person, cluster_id, status, form, errors, values, problem)

    return await run_step(request, person, step, lambda form: build(form, cluster), call,
                          f"/cum-khoi/{cluster_id}", notice, again)


def _covenant(form: FormData, _: dict[str, Any]) -> dict[str, Any]:
    criteria = []
    for code, title, most in rows(form, "criteria", 3, 3, "TC1 | Tên tiêu chí | Điểm tối đa"):
        try:
            criteria.append({"code": code, "title": title, "max_points": float(most.replace(",", "."))})
        except ValueError:
            raise FormProblem("criteria", f"Điểm tối đa của tiêu chí {code} phải là một số.") from None
    if not criteria:
        raise FormProblem("criteria", "Giao ước cần ít nhất một tiêu chí.")
    return {"criteria": criteria, "signed_on": text(form, "signed_on"), "document_ref": optional(form, "document_ref")}


def _assessment(form: FormData, cluster: dict[str, Any]) -> dict[str, Any]:
    return {"unit": text(form, "unit"), "points": points(form, cluster["covenant"]["criteria"])}


def _vote(form: FormData, _: dict[str, Any]) -> dict[str, Any]:
    return {"quorum": optional(form, "quorum"), "threshold": optional(form, "threshold")}


def _ballot(form: FormData, _: dict[str, Any]) -> dict[str, Any]:
    if "candidate" not in form:
        raise FormProblem("candidate", "Hãy chọn một đơn vị, hoặc phiếu trắng.")
    return {"voter": text(form, "voter"), "candidate": optional(form, "candidate")}


def _nothing(_: FormData, __: dict[str, Any]) -> dict[str, Any]:
    return {}


@router.post("/cum-khoi/{cluster_id}/giao-uoc")
async def sign_covenant(cluster_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, cluster_id, "covenant", _covenant, "Đã ghi nhận ký giao ước thi đua.")


@router.post("/cum-khoi/{cluster_id}/tu-cham")
async def self_assess(cluster_id: str, request: Request, person: Person = Member) -> Response:
    return await _run(request, person, cluster_id, "self-assessments", _assessment, "Đã ghi nhận điểm tự chấm.")


@router.post("/cum-khoi/{cluster_id}/cham-diem")
async def score(cluster_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, cluster_id, "scores", _assessment, "Đã ghi điểm.")


@router.post("/cum-khoi/{cluster_id}/cong-bo-diem")
async def close_scoring(cluster_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, cluster_id, "scores/close", _nothing, "Đã công bố kết quả chấm điểm.")


@router.post("/cum-khoi/{cluster_id}/mo-bo-phieu")
async def open_vote(cluster_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, cluster_id, "votes", _vote, "Đã mở bỏ phiếu kín.")


@router.post("/cum-khoi/{cluster_id}/bo-phieu")
async def cast(cluster_id: str, request: Request, person: Person = Member) -> Response:
    return await _run(request, person, cluster_id, "ballots", _ballot, "Đã bỏ phiếu.")


@router.post("/cum-khoi/{cluster_id}/ket-thuc-bo-phieu")
async def close_vote(cluster_id: str, request: Request, person: Person = Planner) -> Response:
    return await _run(request, person, cluster_id, "votes/close", _nothing, "Đã kết thúc bỏ phiếu.")
