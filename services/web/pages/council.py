"""The council: sessions and their agendas, a member's secret ballot, the secretary's attendance,
recusals and written votes, and the tally when the session closes."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.pages.common import apis, checked_form, redirect, render, role
from services.web.runtime import Apis
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Council = role("council_member", "council_secretary", "chair")
Secretary = role("council_secretary")
Member = role("council_member")
CHOICES = [("yes", "Đồng ý"), ("no", "Không đồng ý"), ("abstain", "Không biểu quyết")]


@router.get("/hoi-dong", response_class=HTMLResponse)
async def sessions(request: Request, person: Person = Council) -> HTMLResponse:
    rows = await apis(request, person).nomination.sessions()
    return render(request, "council_list.html", title="Hội đồng Thi đua, Khen thưởng", sessions=rows)


@router.get("/hoi-dong/moi", response_class=HTMLResponse)
async def new_session(request: Request, person: Person = Secretary) -> HTMLResponse:
    return await _new_page(request, person, {}, {})


async def _new_page(request: Request, person: Person, errors: dict[str, str], values: dict[str, Any],
                    status: int = 200) -> HTMLResponse:
    ready = await apis(request, person).nomination.dossiers(state="council_review", limit=500)
    return render(request, "council_new.html", status, title="Mở phiên họp", ready=ready, errors=errors,
                  values=values)


def _members(text: str) -> dict[str, str]:
    """`mã | Họ tên` per line."""
    members = {}
    for line in text.splitlines():
        code, _, name = line.partition("|")
        if code.strip():
            members[code.strip()] = name.strip() or code.strip()
    return members


@router.post("/hoi-dong/moi", response_class=HTMLResponse)
async def open_session(request: Request, person: Person = Secretary) -> Response:
    form = await checked_form(request, person)
    values = {k: str(v) for k, v in form.items() if k != "dossier_ids"}
    quorum = values.get("quorum", "")
    body = {"title": values.get("title", ""), "held_on": values.get("held_on", ""),
            "members": _members(values.get("members", "")), "quorum": int(quorum) if quorum.isdigit() else quorum,
            "dossier_ids": [str(d) for d in form.getlist("dossier_ids")]}
    try:
        opened = await apis(request, person).nomination.open_session(body)
    except ServiceError as error:
        return await _new_page(request, person, error.field_errors() or {"_": error.message}, values, 422)
    return redirect(f"/hoi-dong/{opened['id']}", "Đã mở phiên họp.")


async def _agenda(api: Apis, session: dict[str, Any]) -> list[dict[str, Any]]:
    ids = list(session["agenda"])
    dossiers = await asyncio.gather(*(api.nomination.dossier(d) for d in ids))
    return [{"dossier_id": d, "dossier": dossier, **session["agenda"][d]}
            for d, dossier in zip(ids, dossiers, strict=True)]


@router.get("/hoi-dong/{session_id}", response_class=HTMLResponse)
async def session_page(session_id: str, request: Request, person: Person = Council) -> HTMLResponse:
    api = apis(request, person)
    session = await api.nomination.session(session_id)
    return render(request, "council_session.html", title=session["title"], session=session,
                  agenda=await _agenda(api, session), choices=CHOICES, error=request.query_params.get("loi"))


@router.get("/hoi-dong/{session_id}/phieu", response_class=HTMLResponse)
async def ballot_page(session_id: str, request: Request, person: Person = Member) -> HTMLResponse:
    api = apis(request, person)
    session = await api.nomination.session(session_id)
    me = session["members"].get(person.subject)
    return render(request, "council_ballot.html", title="Phiếu bầu kín", session=session, me=me,
                  agenda=await _agenda(api, session), choices=CHOICES, error=request.query_params.get("loi"))


@router.post("/hoi-dong/{session_id}/phieu")
async def vote(session_id: str, request: Request, person: Person = Member) -> Response:
    form = await checked_form(request, person)
    if form.get("confirm") != "1":
        return redirect(f"/hoi-dong/{session_id}/phieu", "Hãy đánh dấu ô xác nhận trước khi gửi phiếu.")
    try:
        await apis(request, person).nomination.council(session_id, "ballots", {
            "dossier_id": str(form.get("dossier_id", "")), "choice": str(form.get("choice", ""))})
    except ServiceError as error:
        return redirect(f"/hoi-dong/{session_id}/phieu?loi={quote(error.message)}")
    return redirect(f"/hoi-dong/{session_id}/phieu", "Đã ghi nhận phiếu của bạn. Phiếu được giữ kín.")


SECRETARY_ACTIONS = {
    "attendance": lambda f: {"member": f.get("member", ""), "present": f.get("present") == "1"},
    "recusals": lambda f: {"dossier_id": f.get("dossier_id", ""), "member": f.get("member", ""),
                           "reason": f.get("reason", "")},
    "ballots": lambda f: {"dossier_id": f.get("dossier_id", ""), "member": f.get("member", ""),
                          "choice": f.get("choice", "")},
    "close": lambda f: None,
}
DONE = {"attendance": "Đã ghi danh sách có mặt.", "recusals": "Đã ghi thành viên không tham gia biểu quyết.",
        "ballots": "Đã ghi phiếu bằng văn bản.", "close": "Đã kết thúc phiên họp và kiểm phiếu."}


@router.post("/hoi-dong/{session_id}/thu-ky/{action}")
async def secretary_action(session_id: str, action: str, request: Request, person: Person = Council) -> Response:
    form = await checked_form(request, person)
    if action not in SECRETARY_ACTIONS:
        return redirect(f"/hoi-dong/{session_id}")
    values = {k: str(v) for k, v in form.items()}
    api = apis(request, person)
    try:
        if action == "attendance":
            present = set(form.getlist("present"))
            for member in form.getlist("member"):
                await api.nomination.council(session_id, action, {"member": str(member), "present": member in present})
        else:
            await api.nomination.council(session_id, action, SECRETARY_ACTIONS[action](values))
    except ServiceError as error:
        return redirect(f"/hoi-dong/{session_id}?loi={quote(error.message)}")
    return redirect(f"/hoi-dong/{session_id}", DONE[action])
