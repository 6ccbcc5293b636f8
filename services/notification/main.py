"""Composition root of the notification service: `python -m services.notification`."""

from __future__ import annotations

from fastapi import FastAPI

from servicekit.migrate import Migration
from servicekit.natsauth import BusAccess
from servicekit.runtime import build_service_app, run_service
from services.notification.api import ERRORS, router
from services.notification.inbox_api import ERRORS as INBOX_ERRORS
from services.notification.inbox_api import router as inbox_router
from services.notification.runtime import CONSUMER, NotificationRuntime
from services.notification.settings import NotificationSettings

# What the migration step makes before the service runs (servicekit.migrate), and what it
# may do on the bus (servicekit.natsauth).
MIGRATION = Migration()
BUS = BusAccess(consumers=(CONSUMER,))


def create_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()
    return build_service_app(
        NotificationRuntime(settings),
        title="TĐKT — Thông báo (notification service)",
        description="Webhook cho hệ thống khác: mọi sự kiện TĐKT gửi đi dưới dạng CloudEvents có chữ ký; "
                    "hộp thư của đơn vị: hồ sơ bị trả lại, có quyết định, không được khen thưởng, quá hạn.",
        errors={**ERRORS, **INBOX_ERRORS}, routers=[router, inbox_router],
        body_limits={"/subscriptions": settings.subscription_max_bytes},
    )


def main() -> None:
    run_service(create_app, NotificationSettings)
