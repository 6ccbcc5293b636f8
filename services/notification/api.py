"""HTTP API of the notification service: webhook subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts import all_events
from servicekit.auth import Principal, Role, require
from services.notification import secrets, store
from services.notification.runtime import NotificationRuntime
from services.notification.targets import TargetRefusedError

MAX_URL_LENGTH = 2048


class SubscriptionNotFoundError(Exception):
    def __init__(self, subscription_id: UUID) -> None:
        super().__init__(f"Không tìm thấy đăng ký webhook {subscription_id}.")


class UnknownEventTypeError(Exception):
    def __init__(self, unknown: list[str]) -> None:
        super().__init__(f"Loại sự kiện không tồn tại: {', '.join(unknown)}. "
                         "Xem danh sách loại sự kiện hợp lệ trong 'details'.")
        self.details = known_event_types()


ERRORS: dict[type[Exception], tuple[int, str]] = {
    SubscriptionNotFoundError: (404, "subscription_not_found"),
    UnknownEventTypeError: (422, "unknown_event_type"),
    TargetRefusedError: (422, "target_refused"),
}


def known_event_types() -> list[str]:
    return sorted(cls.ce_type() for cls in all_events())


def get_runtime(request: Request) -> NotificationRuntime:
    return request.app.state.runtime


RuntimeDep = Annotated[NotificationRuntime, Depends(get_runtime)]
Integrator = Annotated[Principal, Depends(require(Role.INTEGRATOR))]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=MAX_URL_LENGTH, examples=["https://eoffice.caobang.gov.vn/hooks/tdkt"])
    event_types: list[str] = Field(default=[], max_length=100,
                                   examples=[["vn.gov.tdkt.plan.TaskAssigned.v1"]],
                                   description="CloudEvents types to receive; empty: every event once, in the "
                                               "oldest version published (a newer one published beside it "
                                               "only when named)")
    description: str = Field(default="", max_length=500)
    content_mode: Literal["binary", "structured"] = Field(
        default="binary", description="CloudEvents over HTTP: attributes in headers (binary) or in the JSON body")
    ordering: Literal["subscriber", "subject"] = Field(
        default="subscriber", description="Keep the bus's order for the whole webhook (one call at a time) or "
                                          "per CloudEvents subject (calls for different subjects at once)")
    window: int = Field(default=8, ge=1, le=256, description="Calls at once (ordering 'subject')")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if (parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc
                or any(c.isspace() or not c.isprintable() for c in value) or not _sendable(value)):
            raise ValueError(
                "URL webhook phải là địa chỉ http:// hoặc https:// đầy đủ (có tên máy chủ).")
        return value


def _sendable(url: str) -> bool:
    try:
        httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return True


class Subscription(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    description: str
    active: bool
    created_at: datetime
    deactivated_at: datetime | None = None
    content_mode: str
    ordering: str
    window: int
    circuit_open_until: datetime | None = Field(
        default=None, description="Khi webhook lỗi liên tiếp: không gọi tới trước thời điểm này")


class CreatedSubscription(Subscription):
    secret: str = Field(description="Khóa ký HMAC (Standard Webhooks); chỉ trả về một lần này.")


class RotateSecret(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overlap_s: float | None = Field(default=None, ge=0, le=30 * 24 * 3600,
                                    description="How long the secrets in force stay valid (default: setting)")


class RotatedSecret(BaseModel):
    secret: str = Field(description="Khóa ký mới; chỉ trả về một lần này.")
    previous_valid_until: datetime = Field(description="Khóa cũ còn được dùng để ký tới thời điểm này")


router = APIRouter(tags=["subscriptions"])


def _owner(who: Principal) -> str | None:
    """Admins see every subscription; an integrator only the ones it registered."""
    return None if Role.ADMIN in who.roles else who.subject


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED)
async def subscribe(body: SubscriptionCreate, runtime: RuntimeDep,
                    who: Integrator) -> CreatedSubscription:
    """Register a webhook; the answer carries its signing secret, shown only this once."""
    types = sorted(set(body.event_types))
    unknown = [t for t in types if t not in known_event_types()]
    if unknown:
        raise UnknownEventTypeError(unknown)
    await runtime.guard.check(body.url)
    window = 1 if body.ordering == "subscriber" else min(body.window, runtime.settings.window_max)
    row = await store.add_subscription(runtime.pool, runtime.box, url=body.url, event_types=types,
                                       description=body.description, owner=who.subject,
                                       content_mode=body.content_mode, ordering=body.ordering, window=window)
    return CreatedSubscription(**row)


@router.post("/subscriptions/{subscription_id}/rotate-secret")
async def rotate_secret(subscription_id: UUID, runtime: RuntimeDep, who: Integrator,
                        body: RotateSecret | None = None) -> RotatedSecret:
    """A new signing secret; the previous one still signs (beside it) until the overlap ends."""
    await _subscription(runtime, subscription_id, who)
    overlap = body.overlap_s if body and body.overlap_s is not None else runtime.settings.secret_overlap_s
    async with runtime.pool.acquire() as conn, conn.transaction():
        secret, until = await secrets.rotate(conn, runtime.box, subscription_id, runtime.now(), overlap)
        await conn.execute("SELECT pg_notify($1, 'subscriptions')", store.CHANNEL)
    return RotatedSecret(secret=secret, previous_valid_until=until)


@router.get("/subscriptions")
async def list_subscriptions(runtime: RuntimeDep, who: Integrator) -> list[Subscription]:
    """The webhooks you registered (all of them for an admin), without their secrets."""
    rows = await store.list_subscriptions(runtime.pool, _owner(who))
    return [Subscription(**row) for row in rows]


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unsubscribe(subscription_id: UUID, runtime: RuntimeDep, who: Integrator) -> Response:
    """Deactivate a webhook: no new deliveries, pending ones are cancelled."""
    await _subscription(runtime, subscription_id, who)
    await store.deactivate(runtime.pool, subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/subscriptions/{subscription_id}/deliveries")
async def list_deliveries(
    subscription_id: UUID, runtime: RuntimeDep, who: Integrator,
    status: Literal["pending", "delivered", "failed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """A webhook's deliveries, newest first, each with every attempt (status code, error, time)."""
    await _subscription(runtime, subscription_id, who)
    return await store.list_deliveries(runtime.pool, subscription_id, status=status,
                                       limit=limit, offset=offset)


async def _subscription(runtime: NotificationRuntime, subscription_id: UUID,
                        who: Principal) -> dict[str, Any]:
    row = await store.find_subscription(runtime.pool, subscription_id, _owner(who))
    if row is None:
        raise SubscriptionNotFoundError(subscription_id)
    return row
