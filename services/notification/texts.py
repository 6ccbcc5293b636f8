"""What a unit is told, in Vietnamese: one message per unit concerned by an event.

Pure: the standard library and the contracts only (no web, no bus, no database). The texts of
each publisher's events live beside this module (`dossier_texts`, `task_texts`) and register
their builders on `compose`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import singledispatch
from uuid import UUID

from contracts import IntegrationEvent


@dataclass(frozen=True)
class Message:
    unit_code: str
    kind: str
    topic: str  # task, dossier (movement, cluster once their events exist)
    ref_id: UUID  # the task or dossier it is about
    title: str
    body: str
    link: str


@singledispatch
def compose(event: IntegrationEvent) -> list[Message]:
    """The messages `event` gives, one per unit concerned (none for most events)."""
    return []


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def because(what: str, reason: str) -> str:
    if not reason:
        return f"{what}."
    return f"{what}: {reason}" if reason.endswith((".", "!", "?", "…")) else f"{what}: {reason}."
