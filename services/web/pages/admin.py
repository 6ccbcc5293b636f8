"""The administrator's pages: units, local accounts and roles, webhook subscriptions and their
deliveries, catalogue versions and the rule file's status, dead letters and readiness."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from servicekit.auth import Role
from services.web.accounts import AccountError
from services.web.clients.base import ServiceError
from services.web.pages.common import apis, checked_form, redirect, render, role, runtime_of
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Admin = role("admin")


async def _safe(call: Any) -> Any:
    try:
        return await call
    except ServiceError as error:
        return {"error": error.message}


async def _readiness(http: httpx.AsyncClient) -> dict[str, Any]:
    try:
        return (await http.get("/readyz", timeout=5)).json()
    except (httpx.HTTPError, ValueError):
        return {"status": "unavailable", "checks": {}}


@router.get("/quan-tri", response_class=HTMLResponse)
async def overview(request: Request, person: Person = Admin) -> HTMLResponse:
    return await _overview(request, person)


async def _overview(request: Request, person: Person, created: str | None = None) -> HTMLResponse:
    runtime, api = runtime_of(request), apis(request, person)
    services = {"plan": api.plan, "nomination": api.nomination, "notification": api.notification,
                "reporting": api.reporting}
    units, subscriptions, versions, catalogue, rules, consumer, *rest = await asyncio.gather(
        _safe(api.plan.units()), _safe(api.notification.subscriptions()), _safe(api.nomination.catalogue_versions()),
        _safe(api.nomination.catalogue_status()), _safe(api.nomination.rules_status()), _safe(api.reporting.consumer()),
        *(_readiness(http) for http in runtime.http.values()), *(_safe(s.dead_letters()) for s in services.values()))
    ready, letters = rest[:len(runtime.http)], rest[len(runtime.http):]
    accounts = await asyncio.to_thread(runtime.accounts.all) if runtime.accounts else None
    return render(request, "admin.html", title="Quản trị", units=units, subscriptions=subscriptions,
                  versions=versions, catalogue=catalogue, rules=rules, consumer=consumer,
                  readiness=dict(zip(runtime.http, ready, strict=True)), accounts=accounts,
                  letters=dict(zip(services, letters, strict=True)),
                  all_roles=[r.value for r in Role], errors={}, created=created)


@router.post("/quan-tri/don-vi")
async def add_unit(request: Request, person: Person = Admin) -> Response:
    form = await checked_form(request, person)
    await apis(request, person).plan.register_unit(str(form.get("code", "")).strip().upper(),
                                                   str(form.get("name", "")).strip(), str(form.get("kind", "co_quan")))
    return redirect("/quan-tri#don-vi", "Đã thêm đơn vị.")


@router.post("/quan-tri/tai-khoan", response_class=HTMLResponse)
async def add_account(request: Request, person: Person = Admin) -> Response:
    runtime = runtime_of(request)
    form = await checked_form(request, person)
    if runtime.accounts is None:
        return redirect("/quan-tri", "Hệ thống dùng đăng nhập OIDC: tài khoản do nhà cung cấp định danh quản lý.")
    password = secrets.token_urlsafe(12)
    try:
        await asyncio.to_thread(
            runtime.accounts.add, str(form.get("name", "")).strip().lower(),
            unit=str(form.get("unit", "")).strip() or None,
            roles=[str(r) for r in form.getlist("roles")], password=password,
            full_name=str(form.get("full_name", "")).strip(), must_change_password=True)
    except AccountError as error:
        return redirect("/quan-tri#tai-khoan", str(error))
    return await _overview(request, person, created=password)


@router.post("/quan-tri/tai-khoan/{name}")
async def change_account(name: str, request: Request, person: Person = Admin) -> Response:
    runtime = runtime_of(request)
    form = await checked_form(request, person)
    if runtime.accounts is None:
        return redirect("/quan-tri")
    action = form.get("action")
    try:
        if action == "roles":
            await asyncio.to_thread(runtime.accounts.update, name, roles=[str(r) for r in form.getlist("roles")],
                                    unit=str(form.get("unit", "")).strip() or None)
        elif action in ("lock", "unlock"):
            await asyncio.to_thread(runtime.accounts.update, name, disabled=action == "lock")
    except AccountError as error:
        return redirect("/quan-tri#tai-khoan", str(error))
    return redirect("/quan-tri#tai-khoan", f"Đã cập nhật tài khoản {name}.")


@router.post("/quan-tri/thu-loi/{service}/{letter_id}")
async def replay(service: str, letter_id: int, request: Request, person: Person = Admin) -> Response:
    await checked_form(request, person)
    api = apis(request, person)
    target = {"plan": api.plan, "nomination": api.nomination, "notification": api.notification,
              "reporting": api.reporting}.get(service)
    if target is None:
        return redirect("/quan-tri")
    result = await target.replay(letter_id)
    message = "Đã áp dụng lại." if result.get("replayed") else f"Vẫn lỗi: {result.get('error') or ''}"
    return redirect("/quan-tri#thu-loi", message)


@router.get("/quan-tri/webhook/{subscription_id}", response_class=HTMLResponse)
async def deliveries(subscription_id: str, request: Request, person: Person = Admin) -> HTMLResponse:
    rows = await apis(request, person).notification.deliveries(subscription_id, limit=100)
    return render(request, "admin_deliveries.html", title="Lần gửi webhook", rows=rows, subscription_id=subscription_id)
