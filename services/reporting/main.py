"""Composition root of the reporting service: `python -m services.reporting`."""

from __future__ import annotations

from fastapi import FastAPI

from servicekit.migrate import Migration
from servicekit.natsauth import BusAccess
from servicekit.runtime import build_service_app, run_service
from services.reporting.api import ERRORS, admin, router
from services.reporting.dossier_api import router as dossier_router
from services.reporting.form_api import FORM_ERRORS
from services.reporting.form_api import router as form_router
from services.reporting.period_api import router as period_router
from services.reporting.publication_api import PUBLICATION_ERRORS
from services.reporting.publication_api import router as publication_router
from services.reporting.runtime import (
    CONSUMER,
    DOSSIER_CONSUMER,
    OUTCOME_CONSUMER,
    WIDER_CONSUMER,
    ReportingRuntime,
)
from services.reporting.settings import ReportingSettings

# What the migration step makes before the service runs (servicekit.migrate), and what it
# may do on the bus (servicekit.natsauth).
MIGRATION = Migration()
BUS = BusAccess(consumers=(CONSUMER, DOSSIER_CONSUMER, WIDER_CONSUMER, OUTCOME_CONSUMER))


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    return build_service_app(
        ReportingRuntime(settings or ReportingSettings()),
        title="TĐKT — Báo cáo (reporting service)",
        description="Số liệu phục vụ báo cáo quý, 6 tháng, năm; dựng lại được từ luồng sự kiện.",
        errors={**ERRORS, **FORM_ERRORS, **PUBLICATION_ERRORS},
        routers=[router, admin, dossier_router, period_router, form_router, publication_router],
    )


def main() -> None:
    run_service(create_app, ReportingSettings)
