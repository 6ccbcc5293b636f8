"""The nomination service's materialised views: (Projection class, view class) pairs that
the runtime runs, each over the `Nominations` event store with its own tracking table."""

from __future__ import annotations

from typing import Any

from services.nomination.dossiers.views import DossierProjection, DossierView
from services.nomination.history.views import HistoryProjection, HistoryView

PROJECTIONS: list[tuple[type[Any], type[Any]]] = [
    (HistoryProjection, HistoryView),
    (DossierProjection, DossierView),
]
