"""Composition root of the reporting service: `python -m services.reporting`."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.telemetry import setup_telemetry
from services.reporting.api import ERRORS, admin, router
from services.reporting.runtime import ReportingRuntime
from services.reporting.settings import ReportingSettings


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    runtime = ReportingRuntime(settings)
    app = create_service_app(
        settings, title="TĐKT — Báo cáo (reporting service)",
        description="Số liệu phục vụ báo cáo quý, 6 tháng, năm; dựng lại được từ luồng sự kiện.",
        errors=ERRORS, lifespan=runtime.lifespan,
    )
    app.state.runtime = runtime
    app.include_router(router)
    app.include_router(admin)
    setup_telemetry(settings, app)
    return app


def main() -> None:
    settings = ReportingSettings()
    configure_logging(settings.service, settings.log_level, settings.log_format)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)
