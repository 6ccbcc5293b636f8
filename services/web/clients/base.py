"""Calling a service with the signed-in person's token; its Vietnamese error comes back as
`ServiceError` (status, code, message, the fields it names)."""

from __future__ import annotations

from typing import Any

import httpx


class ServiceError(Exception):
    """Raised when a service refuses a call: its status, code and Vietnamese message."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def field_errors(self) -> dict[str, str]:
        """The service's validation errors by field name (the last part of each location)."""
        errors: dict[str, str] = {}
        if isinstance(self.details, list):
            for item in self.details:
                if isinstance(item, dict) and item.get("loc"):
                    errors.setdefault(str(item["loc"][-1]), str(item.get("msg", "")))
        return errors


class Unavailable(ServiceError):
    def __init__(self, service: str) -> None:
        super().__init__(503, "service_unavailable", f"Dịch vụ {service} đang không trả lời; hãy thử lại sau ít phút.")


class Api:
    """One service, called as one person: `http` is shared, `token` is the person's."""

    service = "service"

    def __init__(self, http: httpx.AsyncClient, token: str | None) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.http.request(method, path, headers=self.headers, **kwargs)
        except httpx.TransportError:
            raise Unavailable(self.service) from None
        if response.status_code >= 400:
            raise _error(response)
        return response

    async def get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None and v != ""}
        return (await self.call("GET", path, params=clean)).json()

    async def dead_letters(self) -> list[dict[str, Any]]:
        """Events this service could not apply (every service answers this, admins only)."""
        result: list[dict[str, Any]] = await self.get("/admin/dead-letters")
        return result

    async def replay(self, letter_id: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(f"/admin/dead-letters/{letter_id}/replay")
        return result

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = await self.call("POST", path, json=body, **kwargs) if body is not None or not kwargs \
            else await self.call("POST", path, **kwargs)
        return response.json() if response.content else None


def _error(response: httpx.Response) -> ServiceError:
    try:
        error = response.json()["error"]
        return ServiceError(response.status_code, error.get("code", ""), error.get("message", ""),
                            error.get("details"))
    except (ValueError, KeyError, TypeError):
        return ServiceError(response.status_code, "unexpected", f"Dịch vụ trả lời lỗi {response.status_code}.")
