"""Composition root of the web service: `python -m services.web`."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.migrate import Migration
from servicekit.natsauth import BusAccess
from servicekit.runtime import build_service_app, run_service
from services.web.clients.base import ServiceError
from services.web.live import FOLLOWS
from services.web.pages import (
    admin,
    auth,
    batch,
    clusters,
    council,
    dossiers,
    exemplary,
    home,
    inbox,
    live,
    movements,
    parent,
    people,
    plan,
    public,
    reports,
    review,
)
from services.web.pages.common import BadForm, NotPermitted, SignInRequired, person_or_none, render
from services.web.runtime import WebRuntime
from services.web.settings import WebSettings

STATIC = Path(__file__).resolve().parent / "static"
MIGRATION = Migration()  # its own database; the tables (sessions, counters) are made by the service
BUS = BusAccess(publishes=False, follows=FOLLOWS)  # reads the events its pages show, publishes none
ROUTERS = [auth.router, home.router, plan.router, batch.router, parent.router, inbox.router, dossiers.router,
           review.router, council.router, people.router, reports.router, admin.router, public.router, live.router,
           movements.router, clusters.router, exemplary.router]


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    app = build_service_app(
        WebRuntime(settings), title="TĐKT — Trang làm việc (web)",
        description="Các trang làm việc của cán bộ, chuyên viên, Hội đồng và lãnh đạo; trang công khai.",
        errors={}, routers=ROUTERS, body_limits={"/ho-so": 25 * 1024 * 1024, "/ke-hoach": 11 * 1024 * 1024})
    app.mount("/tai-nguyen", StaticFiles(directory=STATIC), name="static")
    _html_errors(app)
    app.add_middleware(SecurityHeaders, settings=settings)
    return app


def _html_errors(app: FastAPI) -> None:
    async def sign_in(request: Request, _: Exception) -> Response:
        person = await person_or_none(request)
        if person is not None and person.must_change_password:
            return RedirectResponse("/doi-mat-khau", status_code=303)
        return RedirectResponse(f"/dang-nhap?next={quote(request.url.path)}", status_code=303)

    async def forbidden(request: Request, _: Exception) -> Response:
        return render(request, "error.html", 403, title="Không có quyền", heading="Không có quyền",
                      message="Vai trò của bạn không mở được trang này.")

    async def bad_form(request: Request, _: Exception) -> Response:
        return render(request, "error.html", 400, title="Biểu mẫu hết hạn", heading="Biểu mẫu đã hết hạn",
                      message="Trang đã mở quá lâu hoặc không hợp lệ; hãy tải lại trang rồi gửi lại.")

    async def service(request: Request, error: Exception) -> Response:
        assert isinstance(error, ServiceError)
        await person_or_none(request)
        return render(request, "error.html", error.status if error.status in (403, 404, 409, 503) else 422,
                      title="Không thực hiện được", heading="Không thực hiện được", message=error.message)

    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(NotPermitted, forbidden)
    app.add_exception_handler(BadForm, bad_form)
    app.add_exception_handler(ServiceError, service)


class SecurityHeaders:
    """Content-Security-Policy (only this host's scripts, styles, fonts and images; forms post here or
    to the OIDC provider) and the usual hardening headers, on every page but the API docs; and
    `Server-Timing` (the time until the answer starts, for the page benchmark)."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        provider = ""
        if settings.oidc_issuer:
            parts = urlsplit(settings.oidc_issuer)
            provider = f" {parts.scheme}://{parts.netloc}"
        policy = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                  "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                  f"form-action 'self'{provider}")
        self.headers = [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/docs"):
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                timing = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), *self.headers, (b"server-timing", timing)]
            await send(message)

        await self.app(scope, receive, with_headers)


def main() -> None:
    run_service(create_app, WebSettings)
