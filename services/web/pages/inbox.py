"""A unit's inbox: the notification service's messages about its dossiers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.pages.common import apis, checked_form, page_of, redirect, render, role
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Clerk = role("unit_clerk")


@router.get("/hop-thu", response_class=HTMLResponse)
async def inbox(request: Request, person: Person = Clerk) -> HTMLResponse:
    size = 30
    page, offset = page_of(request, size)
    unread = request.query_params.get("chua_doc") == "1"
    messages = await apis(request, person).notification.inbox(unread=unread, limit=size + 1, offset=offset)
    return render(request, "inbox.html", title="Hộp thư đơn vị", messages=messages[:size], page=page,
                  has_next=len(messages) > size, unread=unread)


@router.post("/hop-thu/{message_id}/da-doc")
async def mark_read(message_id: int, request: Request, person: Person = Clerk) -> Response:
    await checked_form(request, person)
    await apis(request, person).notification.mark_read(message_id)
    return redirect("/hop-thu", "Đã đánh dấu đã đọc.")
