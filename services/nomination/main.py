"""Composition root of the nomination service: `python -m services.nomination`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, FastAPI

from servicekit.runtime import build_service_app, run_service
from services.nomination.runtime import NominationRuntime
from services.nomination.settings import NominationSettings

ROUTERS: list[APIRouter] = []
ERRORS: dict[type[Exception], tuple[int, str]] = {}


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
