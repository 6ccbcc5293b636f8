"""What the movement, cluster and exemplary-model pages share: reading a form into a service's
request (lines of `a | b | c`, points per criterion), and running one step so that a refusal
comes back beside the form that asked for it, with what was typed kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from services.web.clients.base import ServiceError
from services.web.pages.common import checked_form, redirect
from services.web.sessions import Person

# Refusals shown beside the form (validation, a step out of order); the rest is the error page.
BESIDE_THE_FORM = (400, 409, 422)


class FormProblem(Exception):
    """Raised when a form cannot be read into a request: the field and what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


Page = Callable[[int, str, dict[str, str], dict[str, str], str], Awaitable[HTMLResponse]]


async def run_step(request: Request, person: Person, form_name: str, build: Callable[[FormData], Any],
                   call: Callable[[Any], Awaitable[Any]], done: str | Callable[[Any], str], notice: str,
                   page: Page) -> Response:
    """Read the form, call the service; on success see `done` (or where `done` of the service's
    answer points) with `notice`, else the page again (422 or 409) with the service's Vietnamese
    message beside the form `form_name`."""
    form = await checked_form(request, person)
    values = {key: str(value) for key, value in form.items() if key != "csrf"}
    try:
        answer = await call(build(form))
    except FormProblem as problem:
        return await page(422, form_name, {problem.field: problem.message}, values, problem.message)
    except ServiceError as error:
        if error.status not in BESIDE_THE_FORM:
            raise
        status = 409 if error.status == 409 else 422
        return await page(status, form_name, error.field_errors(), values, error.message)
    return redirect(done if isinstance(done, str) else done(answer), notice)


def text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def rows(form: FormData, name: str, width: int, required: int, example: str) -> list[list[str]]:
    """Lines of `a | b | c` (at most `width` parts, at least `required`), blank lines skipped."""
    found = []
    for number, line in enumerate(text(form, name).splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > width or len(parts) < required or not all(parts[:required]):
            raise FormProblem(name, f"Dòng {number} chưa đúng mẫu “{example}”.")
        found.append(parts + [""] * (width - len(parts)))
    return found


def points(form: FormData, criteria: list[dict[str, Any]]) -> dict[str, float]:
    """The points typed for each criterion (fields `p-CODE`, decimal comma or point); every
    criterion must have one."""
    found: dict[str, float] = {}
    for criterion in criteria:
        code = criterion["code"]
        typed = text(form, f"p-{code}").replace(",", ".")
        try:
            found[code] = float(typed)
        except ValueError:
            message = (f"Chưa nhập điểm tiêu chí {code}." if not typed
                       else f"Điểm tiêu chí {code} phải là một số (ví dụ 57,5).")
            raise FormProblem(f"p-{code}", message) from None
    return found
