"""HTTP conventions shared by every service: one error format, body size limits, the
mapping of domain errors to statuses in one table, health endpoints, identity."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.persistence import OperationalError, RecordConflictError
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.audit import AggregateNotFoundError
from servicekit.auth import AuthError, ForbiddenError, TokenVerifier, policy_of
from servicekit.deadletters import DeadLetterNotFoundError
from servicekit.docs import self_hosted_docs
from servicekit.guard import describe_guard, guard_request, printable
from servicekit.health import Readiness
from servicekit.health import router as health_router
from servicekit.idempotency import COMMANDS, HEADER, IdempotencyMiddleware
from servicekit.settings import ServiceSettings

ErrorTable = Mapping[type[Exception], tuple[int, str]]


class InvalidIfMatchError(ValueError):
    """Raised when If-Match is not the version of what it names (HTTP 422)."""


def expected_version(if_match: Annotated[str | None, Header()] = None) -> int | None:
    """The version a command expects (`If-Match: "3"`, the ETag the resource was read with)."""
    if if_match is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', if_match)
    if not match:
        raise InvalidIfMatchError('If-Match phải là phiên bản đã đọc (ETag), ví dụ "3".')
    return int(match.group(1))


VersionDep = Annotated[int | None, Depends(expected_version)]


class UnsupportedMediaTypeError(Exception):
    """Raised when an upload comes in a media type the endpoint does not take (HTTP 415)."""

    def __init__(self, content_type: str, what: str) -> None:
        super().__init__(f"Định dạng '{content_type}' không được hỗ trợ cho {what}.")


class MissingFileError(ValueError):
    """Raised when a multipart upload has no `file` field (HTTP 422)."""


async def uploaded_file(request: Request, accepted: set[str], what: str) -> tuple[bytes, str]:
    """The uploaded file and its name: the multipart field `file`, or a raw body of an accepted
    media type (the name is then empty)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise MissingFileError(f"Thiếu {what} (trường 'file').")
        return await upload.read(), upload.filename or ""
    if content_type in accepted:
        return await request.body(), ""
    raise UnsupportedMediaTypeError(content_type, what)

COMMON_ERRORS: dict[type[Exception], tuple[int, str]] = {
    AuthError: (401, "unauthenticated"),
    ForbiddenError: (403, "forbidden"),
    RecordConflictError: (409, "concurrent_update"),
    OperationalError: (503, "database_unavailable"),
    UnsupportedMediaTypeError: (415, "unsupported_media_type"),
    MissingFileError: (422, "missing_file"),
    InvalidIfMatchError: (422, "invalid_if_match"),
    MultiPartException: (400, "malformed_body"),
    DeadLetterNotFoundError: (404, "dead_letter_not_found"),
    AggregateNotFoundError: (404, "history_not_found"),
}

_FIXED_MESSAGES: dict[type[Exception], str] = {  # library errors whose own text says nothing to a person
    RecordConflictError: "Dữ liệu vừa được người khác cập nhật; hãy tải lại và thử lại.",
    OperationalError: "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại sau ít phút.",
    MultiPartException: "Nội dung multipart/form-data không đọc được.",
}


_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "extra_forbidden": "Trường này không được phép.",
    "string_type": "Phải là một chuỗi ký tự.",
    "string_too_short": "Quá ngắn (tối thiểu {min_length} ký tự).",
    "string_too_long": "Quá dài (tối đa {max_length} ký tự).",
    "string_pattern_mismatch": "Không đúng định dạng (mẫu {pattern}).",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "bool_parsing": "Phải là true hoặc false.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "too_short": "Quá ít phần tử (tối thiểu {min_length}).",
    "too_long": "Quá nhiều phần tử (tối đa {max_length}).",
    "uuid_parsing": "Phải là một mã UUID.",
    "uuid_type": "Phải là một mã UUID.",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_type": "Phải là ngày dạng YYYY-MM-DD.",
    "datetime_parsing": "Phải là thời điểm ISO 8601.",
    "datetime_from_date_parsing": "Phải là thời điểm ISO 8601.",
    "enum": "Phải là một trong: {expected}.",
    "literal_error": "Phải là một trong: {expected}.",
    "list_type": "Phải là một danh sách.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
}


def vietnamese(error: Mapping[str, Any]) -> str:
    """The Vietnamese message of a validation error (the guard's own come in Vietnamese already)."""
    template = _MESSAGES.get(str(error.get("type")))
    if template is None:
        return str(error.get("msg", "")).removeprefix("Value error, ")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split(" ({")[0].split(": {")[0]


def problem(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {"Retry-After": "2"} if status == 503 else None
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI, table: ErrorTable) -> None:
    for exc_type, (status, code) in {**COMMON_ERRORS, **table}.items():

        async def handle(_: Request, exc: Exception, status: int = status, code: str = code) -> JSONResponse:
            fixed = [text for kind, text in _FIXED_MESSAGES.items() if isinstance(exc, kind)]
            message = fixed[0] if fixed else str(exc)
            return problem(status, code, message, getattr(exc, "details", None))

        app.add_exception_handler(exc_type, handle)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": [printable(p) if isinstance(p, str) else p for p in e.get("loc", ())],
                   "msg": printable(vietnamese(e)), "type": e.get("type")} for e in exc.errors()]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(400, "malformed_json", "Nội dung gửi lên không phải JSON hợp lệ.", errors)
        first = errors[0] if errors else None
        where = ".".join(str(part) for part in first["loc"]) if first else ""
        message = f"Dữ liệu không hợp lệ ({where}): {first['msg']}" if first else "Dữ liệu không hợp lệ."
        return problem(422, "invalid_input", message, errors)

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)


_HTTP_MESSAGES = {404: ("not_found", "Không có địa chỉ này."),
                  405: ("method_not_allowed", "Địa chỉ này không nhận phương thức {method}.")}


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Routing errors (404, 405) in the same format as every other error; a 405 lists in `Allow`
    every method the path takes, not only those of the first route that matched it."""
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
    response = problem(exc.status_code, code, message.format(method=request.method))
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        methods: set[str] = set()
        for route in request.app.router.routes:
            match, _ = route.matches(request.scope)
            if match != Match.NONE:
                methods |= getattr(route, "methods", None) or set()
        response.headers["Allow"] = ", ".join(sorted(methods))
    return response


class BodyLimitMiddleware:
    """Refuse request bodies over a limit (413) before they reach a handler."""

    def __init__(self, app: ASGIApp, default: int, limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits or {})

    def limit_for(self, path: str) -> int:
        return next((v for prefix, v in self.limits.items() if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(limit)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return problem(413, "body_too_large", f"Nội dung gửi lên vượt quá giới hạn {limit} byte.")


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    errors: ErrorTable,
    lifespan: Any = None,
    body_limits: Mapping[str, int] | None = None,
) -> FastAPI:
    app = FastAPI(title=title, description=description, version="1.0", lifespan=lifespan,
                  dependencies=[Depends(guard_request)], docs_url=None, redoc_url=None)
    self_hosted_docs(app)
    app.state.settings = settings
    app.state.readiness = Readiness(settings.service)
    app.state.verifier = TokenVerifier(settings)
    app.include_router(health_router)
    install_error_handlers(app, errors)
    app.add_middleware(IdempotencyMiddleware)  # inside the body limit: it reads whole bodies
    app.add_middleware(BodyLimitMiddleware, default=settings.max_body_bytes, limits=body_limits)
    document_conventions(app)
    return app


# For a create that answers 200 with the same body when it was sent before (nothing new made).
ALREADY_EXISTS: dict[int | str, dict[str, Any]] = {200: {"description": "Đã có từ trước; không tạo mới"}}


class Created(BaseModel):
    """The answer to a create: the id, and False when it was there already (answered 200)."""

    id: UUID
    created: bool
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The 200 response of a route that answers a file (declare it with `response_class=Response`)."""
    return {200: {"description": description,
                  "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}

PROBLEM_SCHEMA = {
    "type": "object", "title": "Problem", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "mã lỗi ổn định, ví dụ `invalid_input`"},
        "message": {"type": "string", "description": "thông điệp tiếng Việt cho người dùng"},
        "details": {"description": "chi tiết: trường sai (`loc`), dòng lỗi, …"}}}},
}


IDEMPOTENCY_PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "Khóa do bên gọi chọn cho một lệnh: gửi lại cùng khóa và cùng nội dung trong 24 giờ thì "
                   "nhận lại kết quả lần đầu, không tạo thêm gì.",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
}


def document_conventions(app: FastAPI) -> None:
    """What every route shares, in the OpenAPI document: the error format (for every status a
    route does not describe itself) and the limits of the request guard."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
            problem_response = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            policies = {(method, route.path_format): policy for route in iter_route_contexts(app.routes)
                        if isinstance(route.original_route, APIRoute)
                        and (policy := policy_of(route.dependant)) is not None for method in route.methods or ()}
            for path, operations in schema.get("paths", {}).items():
                for method, operation in operations.items():
                    declared = policies.get((method.upper(), path))
                    if declared is not None:
                        operation["x-tdkt-policy"] = declared.document()
                    if method.upper() in COMMANDS:
                        operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
                    responses = operation.setdefault("responses", {})
                    if "content" in responses.get("201", {}) and "content" not in responses.get("200", {"content": 0}):
                        responses["200"]["content"] = responses["201"]["content"]  # a create sent again
                    if "422" in responses:
                        responses["422"] = {"description": "Dữ liệu không hợp lệ", "content": problem_response}
                    responses.setdefault("default", {"description": "Lỗi (mã, thông điệp tiếng Việt, chi tiết)",
                                                     "content": problem_response})
            schema["components"]["schemas"].pop("HTTPValidationError", None)
            schema["components"]["schemas"].pop("ValidationError", None)
            describe_guard(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
