"""Composition root of the nomination service: `python -m services.nomination`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, FastAPI

from servicekit.runtime import build_service_app, run_service
from services.nomination.catalogue.api import ERRORS as CATALOGUE_ERRORS
from services.nomination.catalogue.api import router as catalogue_router
from services.nomination.history.api import ERRORS as HISTORY_ERRORS
from services.nomination.history.api import router as history_router
from services.nomination.runtime import NominationRuntime
from services.nomination.settings import NominationSettings

ROUTERS: list[APIRouter] = []
ERRORS: dict[type[Exception], tuple[int, str]] = {}
ROUTERS.append(catalogue_router)
ERRORS.update(CATALOGUE_ERRORS)
ROUTERS.append(history_router)
ERRORS.update(HISTORY_ERRORS)


def create_app(settings: NominationSettings | None = None, clock: Callable[[], datetime] | None = None) -> FastAPI:
    return build_service_app(
        NominationRuntime(settings or NominationSettings(), clock),
        title="TĐKT — Hồ sơ đề nghị khen thưởng (nomination service)",
        description="Hồ sơ đề nghị, thẩm định, Hội đồng TĐKT, quyết định khen thưởng; danh mục "
                    "khen thưởng, điều kiện theo Luật và lịch sử thi đua, khen thưởng.",
        errors=ERRORS, routers=ROUTERS,
    )


def main() -> None:
    run_service(create_app, NominationSettings())
