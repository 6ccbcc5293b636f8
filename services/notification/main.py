"""Composition root of the notification service: `python -m services.notification`."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.telemetry import setup_telemetry
from services.notification.api import ERRORS, router
from services.notification.runtime import NotificationRuntime
from services.notification.settings import NotificationSettings


def create_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()
    runtime = NotificationRuntime(settings)
    app = create_service_app(
        settings, title="TĐKT — Thông báo (notification service)",
        description="Webhook cho hệ thống khác: mọi sự kiện TĐKT gửi đi dưới dạng CloudEvents "
                    "có chữ ký.",
        errors=ERRORS, lifespan=runtime.lifespan,
        body_limits={"/subscriptions": settings.subscription_max_bytes},
    )
    app.state.runtime = runtime
    app.include_router(router)
    setup_telemetry(settings, app)
    return app


def main() -> None:
    settings = NotificationSettings()
    configure_logging(settings.service, settings.log_level, settings.log_format)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)
