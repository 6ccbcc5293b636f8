"""The nomination service's one event store: dossiers, people and collectives, the award
catalogue's versions, council sessions. Use cases live in the modules (`catalogue`,
`history`, `dossiers`, …) as classes that take this Application, so that a decision and the
history it adds are saved in one transaction."""

from __future__ import annotations

from servicekit.eventstore import ServiceApplication


class Nominations(ServiceApplication):
    """All aggregates of the nomination service."""
