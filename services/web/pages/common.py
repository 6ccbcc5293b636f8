"""What every page shares: who is signed in, the CSRF check of forms, the services as that
person, and rendering a template with the navigation the person's roles allow."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from services.web.format import FILTERS, ROLES
from services.web.runtime import Apis, WebRuntime
from services.web.sessions import Person

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
TEMPLATES.env.filters.update(FILTERS)
COOKIE = "tdkt_phien"
LOGIN_CSRF_COOKIE = "tdkt_csrf"

# (address, label, roles that see it; empty: everyone signed in)
NAVIGATION = [
    ("/", "Trang chủ", ()),
    ("/ke-hoach", "Kế hoạch", ("planner", "auditor", "chair")),
    ("/nhiem-vu", "Nhiệm vụ", ("unit_clerk",)),
    ("/ho-so", "Hồ sơ", ("unit_clerk", "appraiser", "chair", "auditor", "council_secretary")),
    ("/hop-thu", "Hộp thư", ("unit_clerk",)),
    ("/phong-trao", "Phong trào", ("planner", "unit_clerk", "auditor", "chair")),
    ("/cum-khoi", "Cụm, khối", ("planner", "unit_clerk", "auditor", "chair")),
    ("/dien-hinh", "Điển hình", ("planner", "unit_clerk", "auditor", "chair")),
    ("/hoi-dong", "Hội đồng", ("council_member", "council_secretary", "chair")),
    ("/tra-cuu", "Tra cứu", ("appraiser", "unit_clerk", "council_secretary", "auditor")),
    ("/bao-cao", "Báo cáo", ("planner", "appraiser", "chair", "auditor")),
    ("/quan-tri", "Quản trị", ("admin",)),
]


class SignInRequired(Exception):
    """Raised when a page needs a signed-in person and there is none (redirect to sign-in)."""


class NotPermitted(Exception):
    """Raised when the person's roles do not open this page (HTTP 403 page)."""


class BadForm(Exception):
    """Raised when a form's CSRF token is missing or wrong (HTTP 400 page)."""


def runtime_of(request: Request) -> WebRuntime:
    return request.app.state.runtime


async def person_or_none(request: Request) -> Person | None:
    if not hasattr(request.state, "person"):
        token = request.cookies.get(COOKIE)
        runtime = runtime_of(request)
        request.state.person = await runtime.store.person(token, runtime.now()) if token else None
    return request.state.person


async def signed_in(request: Request) -> Person:
    person = await person_or_none(request)
    if person is None:
        raise SignInRequired()
    if person.must_change_password and request.url.path not in {"/doi-mat-khau", "/dang-xuat"}:
        raise SignInRequired()
    return person


PersonDep = Annotated[Person, Depends(signed_in)]


def role(*roles: str) -> Any:
    async def check(person: PersonDep) -> Person:
        if not person.has(*roles):
            raise NotPermitted()
        return person

    return Depends(check)


def apis(request: Request, person: Person | None) -> Apis:
    return runtime_of(request).apis(person)


async def checked_form(request: Request, person: Person | None) -> FormData:
    """The submitted form, once its CSRF token matches the session's (or the sign-in cookie's)."""
    form = await request.form()
    expected = person.csrf if person else request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = str(form.get("csrf", ""))
    if not expected or not hmac.compare_digest(sent, expected):
        raise BadForm()
    return form


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    person: Person | None = getattr(request.state, "person", None)
    nav = [(href, label) for href, label, roles in NAVIGATION
           if person and (not roles or person.has(*roles))]
    context.setdefault("title", "")
    return TEMPLATES.TemplateResponse(request, template, {
        "person": person, "csrf": person.csrf if person else request.cookies.get(LOGIN_CSRF_COOKIE, ""),
        "nav": nav, "path": request.url.path, "role_names": ROLES, **context}, status_code=status)


def redirect(url: str, message: str | None = None) -> RedirectResponse:
    """After a form: see the result (303), with a one-line notice."""
    separator = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{separator}tb={quote(message)}" if message else url, status_code=303)


def page_of(request: Request, size: int) -> tuple[int, int]:
    """(page number from ?trang=, offset) for a list of `size` rows per page."""
    raw = request.query_params.get("trang", "1")
    page = int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1
    return page, (page - 1) * size
