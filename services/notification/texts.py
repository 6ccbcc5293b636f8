"""What a unit is told, in Vietnamese: one message per unit concerned by an event.

Pure: the standard library and the contracts only (no web, no bus, no database). The texts of
each publisher's events live beside this module (`dossier_texts`, `task_texts`,
`movement_texts`, `cluster_texts`) and register their builders on `compose` (recipients named
by the event) or `address` (recipients the service looked up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import singledispatch
from uuid import UUID

from contracts import IntegrationEvent


@dataclass(frozen=True)
class Message:
    unit_code: str
    kind: str
    topic: str  # task, dossier, movement, cluster
    ref_id: UUID  # the task, dossier, movement or cluster it is about
    title: str
    body: str
    link: str


@singledispatch
def compose(event: IntegrationEvent) -> list[Message]:
    """The messages `event` gives, one per unit concerned (none for most events)."""
    return []


@dataclass(frozen=True)
class Audience:
    """Unit codes: those concerned (a movement's scope, a cluster's members), the cluster's
    leader (cụm trưởng), and those registered for a movement (see `audience`)."""

    units: list[str] = field(default_factory=list)
    leader: str | None = None
    registered: frozenset[str] = frozenset()

    def unregistered(self) -> list[str]:
        return [code for code in self.units if code not in self.registered]


@singledispatch
def address(event: IntegrationEvent, audience: Audience) -> list[Message]:
    """The messages of an event whose recipients the service's own records decide
    (`audience.of`): a movement's scope, a cluster's members."""
    return []


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def because(what: str, reason: str) -> str:
    if not reason:
        return f"{what}."
    return f"{what}: {reason}" if reason.endswith((".", "!", "?", "…")) else f"{what}: {reason}."


def points(value: float) -> str:
    """Points as written in Vietnamese (decimal comma)."""
    return f"{value:g}".replace(".", ",")
