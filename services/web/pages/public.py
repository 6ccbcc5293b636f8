"""The public portal, without sign-in: dossiers under public notice (what may be published only)
and a comment form that reaches the dossier as an event the appraiser sees; limited per address
and in length."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.clients.base import ServiceError
from services.web.identity import PORTAL
from services.web.pages.common import LOGIN_CSRF_COOKIE, checked_form, person_or_none, redirect, render, runtime_of

router = APIRouter(include_in_schema=False)


def _with_form_cookie(request: Request, response: HTMLResponse, csrf: str) -> HTMLResponse:
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/cong-khai",
                        secure=runtime_of(request).settings.cookie_secure)
    return response


@router.get("/cong-khai", response_class=HTMLResponse)
async def notices(request: Request) -> HTMLResponse:
    await person_or_none(request)
    rows = await runtime_of(request).apis(None).nomination.notices()
    return render(request, "public_list.html", title="Hồ sơ đang lấy ý kiến nhân dân", notices=rows)


async def _notice_page(request: Request, dossier_id: str, errors: dict[str, str], values: dict[str, str],
                       status: int = 200) -> HTMLResponse:
    await person_or_none(request)
    notice = await runtime_of(request).apis(None).nomination.notice(dossier_id)
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    request.cookies[LOGIN_CSRF_COOKIE] = csrf
    response = render(request, "public_notice.html", status, title=f"Công khai: {notice['name']}", notice=notice,
                      errors=errors, values=values, max_chars=runtime_of(request).settings.comment_max_chars,
                      form_csrf=csrf)
    return _with_form_cookie(request, response, csrf)


@router.get("/cong-khai/{dossier_id}", response_class=HTMLResponse)
async def notice(dossier_id: str, request: Request) -> HTMLResponse:
    return await _notice_page(request, dossier_id, {}, {})


@router.post("/cong-khai/{dossier_id}", response_class=HTMLResponse)
async def comment(dossier_id: str, request: Request) -> Response:
    runtime = runtime_of(request)
    form = await checked_form(request, None)
    values = {"author": str(form.get("author", "")).strip()[:200], "content": str(form.get("content", "")).strip()}
    limit = runtime.settings.comment_max_chars
    if not 10 <= len(values["content"]) <= limit:
        return await _notice_page(request, dossier_id, {"content": f"Ý kiến dài từ 10 đến {limit} ký tự "
                                                        f"(hiện có {len(values['content'])})."}, values, 422)
    address = request.client.host if request.client else "?"
    if not await runtime.store.comment_allowed(address, runtime.now(), runtime.settings.comments_per_hour):
        return await _notice_page(request, dossier_id, {"content": "Bạn đã gửi nhiều ý kiến trong một giờ qua; "
                                                        "hãy thử lại sau."}, values, 429)
    try:
        await runtime.apis(PORTAL).nomination.step(dossier_id, "record_notice_comment", values)
    except ServiceError as error:
        return await _notice_page(request, dossier_id, error.field_errors() or {"content": error.message}, values, 422)
    return redirect(f"/cong-khai/{dossier_id}", "Cảm ơn bạn: ý kiến đã được gửi tới cơ quan thẩm định.")
