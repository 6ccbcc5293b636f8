"""Composition root of the plan service: `python -m services.plan`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import uvicorn
from fastapi import FastAPI

from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.telemetry import setup_telemetry
from services.plan.api import ERRORS, router
from services.plan.runtime import PlanRuntime
from services.plan.settings import PlanSettings


def create_app(settings: PlanSettings | None = None, clock: Callable[[], datetime] | None = None) -> FastAPI:
    settings = settings or PlanSettings()
    runtime = PlanRuntime(settings, clock)
    app = create_service_app(
        settings, title="TĐKT — Kế hoạch (plan service)",
        description="Kế hoạch TĐKT hằng năm, nhiệm vụ theo quý, đơn vị chủ trì và phối hợp.",
        errors=ERRORS, lifespan=runtime.lifespan,
        body_limits={"/plans/import": settings.import_max_bytes},
    )
    app.state.runtime = runtime
    app.include_router(router)
    setup_telemetry(settings, app)
    return app


def main() -> None:
    settings = PlanSettings()
    configure_logging(settings.service, settings.log_level, settings.log_format)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)
