"""The auditor's view of a service's event store: the hash chain verified (`tdkt audit verify`),
and the whole history of one plan, task or dossier (who, when, what)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.application import Application
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from servicekit.auth import Principal, Role, require
from servicekit.pgstore import ChainedRecorder

# Fields that identify a person: never shown in the history, whoever asks.
PERSONAL = ("personal_number", "personal_id", "id_number", "birth_date", "date_of_birth", "dob", "address")


class ChainStatus(BaseModel):
    store: str
    intact: bool
    checked: int
    first_difference: int | None
    reason: str | None


class HistoryEntry(BaseModel):
    version: int
    event: str
    at: datetime | None
    fields: dict[str, Any]


class AggregateNotFoundError(LookupError):
    """Raised when the event store holds nothing under an id (HTTP 404)."""

    def __init__(self, aggregate_id: UUID) -> None:
        super().__init__(f"Không có lịch sử nào với mã {aggregate_id}.")


def history(app: Application[UUID], aggregate_id: UUID) -> list[HistoryEntry]:
    events = list(app.events.get(aggregate_id))
    if not events:
        raise AggregateNotFoundError(aggregate_id)
    return [HistoryEntry(version=e.originator_version, event=type(e).__qualname__,
                         at=getattr(e, "timestamp", None), fields=_shown(vars(e))) for e in events]


def _shown(state: dict[str, Any]) -> dict[str, Any]:
    hidden = {"originator_id", "originator_version", "timestamp"}
    return {key: ("***" if any(p in key.lower() for p in PERSONAL) else value)
            for key, value in state.items() if key not in hidden and not key.startswith("_")}


def _stores(request: Request) -> dict[str, Application[UUID]]:
    stores: dict[str, Application[UUID]] = request.app.state.runtime.event_stores
    return stores


StoresDep = Annotated[dict[str, Application[UUID]], Depends(_stores)]
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
router = APIRouter(prefix="/admin/audit", tags=["audit"])


@router.get("/verify")
async def verify_chain(stores: StoresDep, _: Auditor) -> list[ChainStatus]:
    """Recompute the hash chain of the service's event store; name the first event that differs."""
    results = []
    for name, app in stores.items():
        recorder = app.recorder
        assert isinstance(recorder, ChainedRecorder)
        report = await asyncio.to_thread(recorder.verify)
        results.append(ChainStatus(store=name, intact=report.intact, checked=report.checked,
                                   first_difference=report.first_difference, reason=report.reason))
    return results


@router.get("/history/{aggregate_id}")
async def aggregate_history(aggregate_id: UUID, stores: StoresDep, _: Auditor) -> list[HistoryEntry]:
    """Every event of one plan, task or dossier, in order: who, when, what (personal data masked)."""
    for app in stores.values():
        try:
            return await asyncio.to_thread(history, app, aggregate_id)
        except AggregateNotFoundError:
            continue
    raise AggregateNotFoundError(aggregate_id)
