"""One guard for everything a request or an uploaded document carries.

PostgreSQL cannot store NUL in text, and every other C0 control character (but tab, LF and CR)
is garbage in a name, a title or a document number; integers past 64 bits overflow every
column and every OFFSET. They are refused at the door, with the field named, so that nothing a
client sends can be stored and later stop a view or a consumer.

- `text_problem(value)` is the one check of a text; document readers (plan documents, spreadsheets)
  call it through `check_text` for the text they read from a file.
- `guard_request` is a dependency of every service's app (see `servicekit.http`): it checks the
  path and query parameters and a JSON or form body before any route sees them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import date
from typing import Any, get_args

from fastapi import Request
from fastapi.exceptions import RequestValidationError

INT64_MAX = 2**63 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
Location = tuple[str | int, ...]


class TextError(ValueError):
    """Raised when a text read from a document holds a control character."""


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None."""
    match = _CONTROL.search(value)
    if match is None:
        return None
    return (f"Không được chứa ký tự điều khiển (mã U+{ord(match.group()):04X}) ở vị trí {match.start() + 1}; "
            "chỉ cho phép tab và xuống dòng.")


def check_text(value: str, where: str) -> str:
    """`value` unchanged, or TextError naming `where` (a field, a line, a cell)."""
    problem = text_problem(value)
    if problem is not None:
        raise TextError(f"{where}: {problem}")
    return value


def number_problem(value: Any) -> str | None:
    """Why a number cannot be taken: an integer past 64 bits, or a float that is not finite."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) > INT64_MAX:
        return f"Số nguyên vượt quá giới hạn (tối đa {INT64_MAX:,} theo giá trị tuyệt đối).".replace(",", ".")
    if isinstance(value, float) and not math.isfinite(value):
        return "Số không hữu hạn (vô cực hoặc NaN) không được chấp nhận."
    return None


def problems_in(value: Any, loc: Location) -> Iterator[dict[str, Any]]:
    """Every control character and out-of-range number in a parsed JSON value, with its location."""
    if isinstance(value, str):
        if (problem := text_problem(value)) is not None:
            yield _error(loc, problem, "control_character")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from problems_in(key, (*loc, "<key>"))
            yield from problems_in(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from problems_in(item, (*loc, index))
    elif (problem := number_problem(value)) is not None:
        yield _error(loc, problem, "number_out_of_range")


def parameter_problems(kind: str, items: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """Control characters in, and integers past 64 bits as, path or query parameters."""
    for name, raw in items:
        yield from problems_in(raw, (kind, name))
        if _INTEGER.fullmatch(raw) and abs(int(raw)) > INT64_MAX:
            yield from problems_in(int(raw), (kind, name))


def _declared_queries(dependant: Any) -> dict[str, Any]:
    """The query parameters a route declares (its own and its dependencies'), by name: the type."""
    found: dict[str, Any] = {}
    for field in dependant.query_params:
        found[field.alias] = field.field_info.annotation
    for sub in dependant.dependencies:
        found.update(_declared_queries(sub))
    return found


_ROUTE_QUERIES: dict[int, dict[str, Any]] = {}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_problems(kind: str, name: str, raw: str, annotation: Any) -> Iterator[dict[str, Any]]:
    """A date parameter must be written YYYY-MM-DD (pydantic would also read '0' as 01/01/1970)."""
    if date in (annotation, *get_args(annotation)) and not _DAY.fullmatch(raw):
        yield _error((kind, name), "Phải là ngày dạng YYYY-MM-DD.", "date_parsing")


async def guard_request(request: Request) -> None:
    """Refuse (422, each field named) control characters and huge numbers anywhere in a request."""
    route = request.scope.get("route")
    declared = _ROUTE_QUERIES.get(id(route))
    if declared is None and route is not None:
        declared = _ROUTE_QUERIES[id(route)] = _declared_queries(getattr(route, "dependant", None) or _NoDependant)
    declared = declared or {}
    queries = [(name, value) for name, value in request.query_params.multi_items() if name in declared]
    errors = [*parameter_problems("path", [(k, str(v)) for k, v in request.path_params.items()]),
              *parameter_problems("query", queries)]
    for name, value in queries:
        errors.extend(_date_problems("query", name, value, declared[name]))
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        errors.extend(problems_in(_json_or_none(await request.body()), ("body",)))
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()  # cached by Starlette: the route reads the same form
        fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
        errors.extend(parameter_problems("body", fields))
    if errors:
        raise RequestValidationError(errors)


class _NoDependant:
    query_params: list[Any] = []
    dependencies: list[Any] = []


def _json_or_none(body: bytes) -> Any:
    """The parsed body; None when it is not JSON (the route's own parsing then answers 400)."""
    try:
        return json.loads(body) if body else None
    except (ValueError, RecursionError):
        return None


def _error(loc: Location, message: str, kind: str) -> dict[str, Any]:
    return {"loc": tuple(printable(part) if isinstance(part, str) else part for part in loc),
            "msg": message, "type": kind}


def printable(value: str) -> str:
    """`value` with its control characters written as \\uXXXX, for messages that quote it."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", value)


# The guard, as the OpenAPI document says it: text without control characters, integers of 64 bits.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
_FREE_TEXT_FORMATS = {None, "password", "email", "textarea"}


def describe_guard(schema: Any) -> None:
    """Annotate every string and integer schema of an OpenAPI document (in place) with the
    limits `guard_request` enforces, so that clients and generated tests know them."""
    if isinstance(schema, list):
        for item in schema:
            describe_guard(item)
        return
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and "const" not in schema \
            and schema.get("format") in _FREE_TEXT_FORMATS:
        if "pattern" in schema:
            schema.setdefault("not", {"pattern": "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]"})
        else:
            schema["pattern"] = TEXT_PATTERN
    elif kind == "integer":
        schema.setdefault("maximum", INT64_MAX)
        schema.setdefault("minimum", -INT64_MAX)
    for value in schema.values():
        describe_guard(value)
