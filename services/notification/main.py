"""Composition root of the notification service: `python -m services.notification`."""

from __future__ import annotations

from fastapi import FastAPI

from servicekit.runtime import build_service_app, run_service
from services.notification.api import ERRORS, router
from services.notification.runtime import NotificationRuntime
from services.notification.settings import NotificationSettings


def create_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()
    return build_service_app(
        NotificationRuntime(settings),
        title="TĐKT — Thông báo (notification service)",
        description="Webhook cho hệ thống khác: mọi sự kiện TĐKT gửi đi dưới dạng CloudEvents có chữ ký.",
        errors=ERRORS, routers=[router],
        body_limits={"/subscriptions": settings.subscription_max_bytes},
    )


def main() -> None:
    run_service(create_app, NotificationSettings())
