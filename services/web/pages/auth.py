"""Signing in and out: local accounts (argon2) or the province's OIDC provider."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.accounts import AccountError
from services.web.oidc import OidcClient, OidcError, identity, pkce_pair
from services.web.pages.common import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    checked_form,
    person_or_none,
    redirect,
    render,
    runtime_of,
)
from services.web.sessions import Person

router = APIRouter()
REFUSED = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị khóa."


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


def _oidc(request: Request) -> OidcClient | None:
    settings = runtime_of(request).settings
    if not settings.oidc_issuer:
        return None
    state = request.app.state
    if getattr(state, "oidc", None) is None:
        state.oidc = OidcClient(settings)
    return state.oidc


def _sign_in_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    request.cookies[LOGIN_CSRF_COOKIE] = csrf
    response = render(request, "sign_in.html", status, title="Đăng nhập", error=error,
                      next=_safe_next(request.query_params.get("next")),
                      local=runtime_of(request).accounts is not None, oidc=_oidc(request) is not None)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                        secure=runtime_of(request).settings.cookie_secure, path="/dang-nhap")
    return response


@router.get("/dang-nhap", response_class=HTMLResponse, include_in_schema=False)
async def sign_in_form(request: Request) -> Response:
    if await person_or_none(request):
        return RedirectResponse("/", status_code=303)
    return _sign_in_page(request)


async def _open(request: Request, person: Person, next_url: str) -> Response:
    runtime = runtime_of(request)
    token = await runtime.store.open_session(person, runtime.now(), runtime.settings.session_hours)
    response = RedirectResponse("/doi-mat-khau" if person.must_change_password else next_url, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=runtime.settings.cookie_secure,
                        max_age=int(runtime.settings.session_hours * 3600), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/dang-nhap")
    return response


@router.post("/dang-nhap", include_in_schema=False)
async def sign_in(request: Request) -> Response:
    runtime = runtime_of(request)
    form = await checked_form(request, None)
    name, password = str(form.get("name", "")).strip().lower()[:64], str(form.get("password", ""))[:1024]
    settings, store, now = runtime.settings, runtime.store, runtime.now()
    locked = await store.failures(name, now - timedelta(minutes=settings.lock_minutes)) >= settings.lock_after_failures
    account = await asyncio.to_thread(runtime.accounts.verify, name, password) if runtime.accounts else None
    if account is None or account.disabled or locked:
        await store.record_failure(name, now)
        await asyncio.sleep(settings.login_delay_s)  # the same wait and words whatever the reason
        return _sign_in_page(request, REFUSED, 401)
    await store.clear_failures(name)
    person = Person(subject=account.name, name=account.full_name or account.name, unit=account.unit,
                    roles=frozenset(account.roles), csrf=secrets.token_urlsafe(24),
                    must_change_password=account.must_change_password)
    return await _open(request, person, _safe_next(str(form.get("next", "/"))))


@router.post("/dang-xuat", include_in_schema=False)
async def sign_out(request: Request) -> Response:
    person = await person_or_none(request)
    await checked_form(request, person)
    token = request.cookies.get(COOKIE)
    if token:
        await runtime_of(request).store.close_session(token)
    oidc = _oidc(request)
    target = await oidc.end_session_url(person.id_token) if oidc and person and person.source == "oidc" else None
    response = RedirectResponse(target or "/dang-nhap?tb=Đã+đăng+xuất.", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/doi-mat-khau", response_class=HTMLResponse, include_in_schema=False)
async def change_password_form(request: Request) -> Response:
    person = await person_or_none(request)
    if person is None or person.source != "local":
        return RedirectResponse("/dang-nhap", status_code=303)
    return render(request, "change_password.html", title="Đổi mật khẩu")


@router.post("/doi-mat-khau", include_in_schema=False)
async def change_password(request: Request) -> Response:
    runtime = runtime_of(request)
    person = await person_or_none(request)
    if person is None or person.source != "local" or runtime.accounts is None:
        return RedirectResponse("/dang-nhap", status_code=303)
    form = await checked_form(request, person)
    new, again = str(form.get("new", "")), str(form.get("again", ""))
    current = await asyncio.to_thread(runtime.accounts.verify, person.subject, str(form.get("current", "")))
    errors: dict[str, str] = {}
    if current is None:
        errors["current"] = "Mật khẩu hiện tại không đúng."
    elif new != again:
        errors["again"] = "Hai lần nhập mật khẩu mới không giống nhau."
    else:
        try:
            await asyncio.to_thread(runtime.accounts.update, person.subject, password=new)
        except AccountError as error:
            errors["new"] = str(error)
    if errors:
        return render(request, "change_password.html", 422, title="Đổi mật khẩu", errors=errors)
    await runtime.store.password_changed(request.cookies.get(COOKIE, ""))
    return redirect("/", "Đã đổi mật khẩu.")


@router.get("/dang-nhap/oidc", include_in_schema=False)
async def oidc_start(request: Request) -> Response:
    oidc = _oidc(request)
    if oidc is None:
        return RedirectResponse("/dang-nhap", status_code=303)
    runtime = runtime_of(request)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair()
    await runtime.store.begin_oidc(state, nonce, verifier, _safe_next(request.query_params.get("next")), runtime.now())
    return RedirectResponse(await oidc.authorization_url(state, nonce, challenge), status_code=303)


@router.get("/oidc/callback", include_in_schema=False)
async def oidc_callback(request: Request) -> Response:
    oidc, runtime = _oidc(request), runtime_of(request)
    pending = await runtime.store.finish_oidc(request.query_params.get("state", ""), runtime.now())
    code = request.query_params.get("code")
    if oidc is None or pending is None or not code:
        return _sign_in_page(request, "Lượt đăng nhập đã hết hạn hoặc không hợp lệ; hãy đăng nhập lại.", 400)
    try:
        claims, id_token = await oidc.exchange(code, pending["verifier"], pending["nonce"])
    except OidcError as error:
        return _sign_in_page(request, str(error), 400)
    subject, name, unit, roles = identity(runtime.settings, claims)
    person = Person(subject=subject, name=name, unit=unit, roles=roles, csrf=secrets.token_urlsafe(24),
                    source="oidc", id_token=id_token)
    return await _open(request, person, pending["next"])
