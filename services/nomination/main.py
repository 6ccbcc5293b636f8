"""Composition root of the nomination service: `python -m services.nomination`."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.telemetry import setup_telemetry
from services.nomination.runtime import NominationRuntime
from services.nomination.settings import NominationSettings


def create_app(settings: NominationSettings | None = None) -> FastAPI:
    settings = settings or NominationSettings()
    runtime = NominationRuntime(settings)
    app = create_service_app(
        settings, title="TĐKT — Hồ sơ đề nghị khen thưởng (nomination service)",
        description="Hồ sơ đề nghị, thẩm định, Hội đồng TĐKT, quyết định khen thưởng.",
        errors={}, lifespan=runtime.lifespan,
    )
    app.state.runtime = runtime
    setup_telemetry(settings, app)
    return app


def main() -> None:
    settings = NominationSettings()
    configure_logging(settings.service, settings.log_level, settings.log_format)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)
