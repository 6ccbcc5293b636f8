"""Composition root of the notification service: `python -m services.notification`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from servicekit.migrate import Migration
from servicekit.natsauth import BusAccess
from servicekit.runtime import build_service_app, run_service
from services.notification.api import ERRORS, router
from services.notification.contacts_api import ERRORS as CONTACT_ERRORS
from services.notification.contacts_api import router as contacts_router
from services.notification.inbox_api import ERRORS as INBOX_ERRORS
from services.notification.inbox_api import router as inbox_router
from services.notification.runtime import CONSUMER, NotificationRuntime
from services.notification.settings import NotificationSettings
from services.notification.targets import Resolver

# What the migration step makes before the service runs (servicekit.migrate), and what it
# may do on the bus (servicekit.natsauth).
MIGRATION = Migration()
BUS = BusAccess(consumers=(CONSUMER,))


def create_app(settings: NotificationSettings | None = None, *, resolver: Resolver | None = None,
               clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The service; tests inject the name resolver of webhook targets and the clock."""
    settings = settings or NotificationSettings()
    return build_service_app(
        NotificationRuntime(settings, resolver=resolver, clock=clock),
        title="TĐKT — Thông báo (notification service)",
        description="Webhook cho hệ thống khác: mọi sự kiện TĐKT gửi đi dưới dạng CloudEvents có chữ ký; "
                    "hộp thư của đơn vị (nhiệm vụ, hồ sơ, nhắc hạn) và thư điện tử tới các địa chỉ của đơn vị.",
        errors={**ERRORS, **INBOX_ERRORS, **CONTACT_ERRORS}, routers=[router, inbox_router, contacts_router],
        body_limits={"/subscriptions": settings.subscription_max_bytes},
    )


def main() -> None:
    run_service(create_app, NotificationSettings)
