"""HTTP conventions shared by every service: one error format, body size limits, the
mapping of domain errors to statuses in one table, health endpoints, identity."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from eventsourcing.persistence import OperationalError, RecordConflictError
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import AuthError, ForbiddenError, TokenVerifier
from servicekit.docs import self_hosted_docs
from servicekit.health import Readiness
from servicekit.health import router as health_router
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
}

_CONFLICT_MESSAGE = "Dữ liệu vừa được người khác cập nhật; hãy tải lại và thử lại."


def problem(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI, table: ErrorTable) -> None:
    for exc_type, (status, code) in {**COMMON_ERRORS, **table}.items():

        async def handle(_: Request, exc: Exception, status: int = status, code: str = code) -> JSONResponse:
            message = _CONFLICT_MESSAGE if isinstance(exc, RecordConflictError) else str(exc)
            return problem(status, code, message, getattr(exc, "details", None))

        app.add_exception_handler(exc_type, handle)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
                  for e in exc.errors()]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(400, "malformed_json", "Nội dung gửi lên không phải JSON hợp lệ.", errors)
        return problem(422, "invalid_input", "Dữ liệu không hợp lệ.", errors)

    app.add_exception_handler(RequestValidationError, invalid)


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
    app = FastAPI(title=title, description=description, version="1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    self_hosted_docs(app)
    app.state.settings = settings
    app.state.readiness = Readiness()
    app.state.verifier = TokenVerifier(settings)
    app.include_router(health_router)
    install_error_handlers(app, errors)
    app.add_middleware(BodyLimitMiddleware, default=settings.max_body_bytes, limits=body_limits)
    return app
