"""Composition root of the nomination service: `python -m services.nomination`."""

from __future__ import annotations

from fastapi import FastAPI

from servicekit.runtime import build_service_app, run_service
from services.nomination.runtime import NominationRuntime
from services.nomination.settings import NominationSettings


def create_app(settings: NominationSettings | None = None) -> FastAPI:
    return build_service_app(
        NominationRuntime(settings or NominationSettings()),
        title="TĐKT — Hồ sơ đề nghị khen thưởng (nomination service)",
        description="Hồ sơ đề nghị, thẩm định, Hội đồng TĐKT, quyết định khen thưởng.",
        errors={}, routers=[],
    )


def main() -> None:
    run_service(create_app, NominationSettings())
