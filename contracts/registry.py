"""Every published contract, by CloudEvents type."""

from __future__ import annotations

from contracts.base import IntegrationEvent


def all_events() -> list[type[IntegrationEvent]]:
    from contracts import nomination, plan, plan_clusters, plan_exemplary, plan_movements, reporting

    return [*plan.EVENTS, *plan_movements.EVENTS, *plan_clusters.EVENTS, *plan_exemplary.EVENTS,
            *nomination.EVENTS, *reporting.EVENTS]


_BY_TYPE: dict[str, type[IntegrationEvent]] = {}


def event_class(ce_type: str) -> type[IntegrationEvent] | None:
    if not _BY_TYPE:
        _BY_TYPE.update({cls.ce_type(): cls for cls in all_events()})
    return _BY_TYPE.get(ce_type)
