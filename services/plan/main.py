"""Composition root of the plan service: `python -m services.plan`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from servicekit.migrate import Migration
from servicekit.natsauth import BusAccess
from servicekit.runtime import build_service_app, run_service
from services.plan.api import ERRORS, router
from services.plan.runtime import PlanRuntime
from services.plan.settings import PlanSettings

# What the migration step makes before the service runs (servicekit.migrate), and what it
# may do on the bus (servicekit.natsauth).
MIGRATION = Migration(event_store="Plans")
BUS = BusAccess()


def create_app(settings: PlanSettings | None = None, clock: Callable[[], datetime] | None = None) -> FastAPI:
    settings = settings or PlanSettings()
    return build_service_app(
        PlanRuntime(settings, clock),
        title="TĐKT — Kế hoạch (plan service)",
        description="Kế hoạch TĐKT hằng năm, nhiệm vụ theo quý, đơn vị chủ trì và phối hợp.",
        errors=ERRORS, routers=[router],
        body_limits={"/plans/import": settings.import_max_bytes},
    )


def main() -> None:
    run_service(create_app, PlanSettings)
