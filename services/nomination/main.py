"""Composition root of the nomination service: `python -m services.nomination`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from servicekit.migrate import Migration
from servicekit.natsauth import BusAccess
from servicekit.runtime import build_service_app, run_service
from services.nomination import movements
from services.nomination.catalogue import api as catalogue
from services.nomination.council import api as council
from services.nomination.dossiers import api as dossiers
from services.nomination.dossiers import api_bulk, api_levels, api_review
from services.nomination.dossiers.errors import ERRORS as DOSSIER_ERRORS
from services.nomination.eligibility import api as eligibility
from services.nomination.history import api as history
from services.nomination.listings import router as listings
from services.nomination.papers import api as papers
from services.nomination.runtime import NominationRuntime
from services.nomination.settings import NominationSettings

ROUTERS = [dossiers.router, api_review.router, api_review.public, api_review.admin, api_review.rules, api_bulk.router,
           api_levels.router,
           council.router, catalogue.router, history.router, eligibility.router, listings, papers.router]
ERRORS = {**api_levels.ERRORS, **papers.ERRORS, **catalogue.ERRORS, **history.ERRORS, **council.ERRORS,
          **eligibility.ERRORS, **DOSSIER_ERRORS}


# What the migration step makes before the service runs (servicekit.migrate), and what it
# may do on the bus (servicekit.natsauth).
MIGRATION = Migration(event_store="Nominations")
BUS = BusAccess(consumers=(movements.CONSUMER,))


def create_app(settings: NominationSettings | None = None, clock: Callable[[], datetime] | None = None) -> FastAPI:
    settings = settings or NominationSettings()
    return build_service_app(
        NominationRuntime(settings, clock),
        title="TĐKT — Hồ sơ đề nghị khen thưởng (nomination service)",
        description="Hồ sơ đề nghị, thẩm định, Hội đồng TĐKT, quyết định khen thưởng; danh mục "
                    "khen thưởng, điều kiện theo Luật và lịch sử thi đua, khen thưởng.",
        errors=ERRORS, routers=ROUTERS,
        body_limits={"/submissions": settings.bulk_max_bytes, "/history/import": settings.bulk_max_bytes,
                     "/dossiers": settings.document_max_bytes + 64 * 1024},
    )


def main() -> None:
    run_service(create_app, NominationSettings)
