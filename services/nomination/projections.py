"""The nomination service's materialised views: (Projection class, view class) pairs that
the runtime runs, each over the `Nominations` event store with its own tracking table.
A module adds its pair here."""

from __future__ import annotations

from typing import Any

PROJECTIONS: list[tuple[type[Any], type[Any]]] = []

from services.nomination.history.views import HistoryProjection, HistoryView  # noqa: E402

PROJECTIONS.append((HistoryProjection, HistoryView))
