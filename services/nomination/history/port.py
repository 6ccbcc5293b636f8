"""The history as the dossier workflow needs it (`services.nomination.dossiers.ports.History`):
resolve a nominee to a record, and hand back, unsaved, the records a decision or a revocation
changes, so the workflow saves them with the dossier in one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from services.nomination.eligibility.facts import NomineeFacts
from services.nomination.history.application import History, ref_id
from services.nomination.history.config import HistoryConfig
from services.nomination.history.domainmodel import Collective, Person, Record
from services.nomination.history.factkinds import MovementRef
from services.nomination.history.identity import candidate_ids, check_unit_code
from services.nomination.history.privacy import mask_number
from services.nomination.history.session import Known, Session

SYSTEM = "system"
RECORD_KINDS = ("ca_nhan", "tap_the", "doanh_nghiep")  # a household has no record


class DossierHistory:
    def __init__(self, app: Application[UUID], clock: Callable[[], datetime] | None = None,
                 config: HistoryConfig | None = None) -> None:
        self.history = History(app, config)
        self.clock = clock or (lambda: datetime.now(UTC))

    def read_ahead(self, nominees: Iterable[tuple[str, Mapping[str, Any]]]) -> Known:
        """The records many nominees (kind, data as for `resolve`) may name, read in one query
        (and what their aliases point to in a second), for `resolve(..., ahead=)`."""
        ids: list[UUID] = []
        for kind, data in nominees:
            with contextlib.suppress(ValueError, KeyError):  # a nominee in error is told of by `resolve`
                if data.get("ref"):
                    ids.append(ref_id(data["ref"]))
                elif kind in RECORD_KINDS:
                    ids += candidate_ids(kind, data.get("id_number") or data.get("personal_number"),
                                         data.get("name") or data.get("full_name") or "",
                                         _date(data.get("date_of_birth") or data.get("born_on")),
                                         check_unit_code(data["unit_code"]))
        return Known(self.history.app, ids)

    def resolve(self, kind: str, data: dict[str, Any], by: str,
                ahead: Known | None = None) -> tuple[dict[str, Any], list[Aggregate]]:
        """The nominee snapshot (kind, ref, name, unit_code, masked_id, position, deceased, gender) and
        any record created for the nominee, to save with the dossier; `ahead`: records read
        beforehand (`read_ahead`), each taken as a copy of its own."""
        session = Session(self.history.app, ahead)
        record = self._record(session, kind, data, by)
        snapshot = {"kind": kind, "ref": str(record.id) if record else None, "name": _name(record, data),
                    "unit_code": record.unit_code if record else data.get("unit_code"),
                    "masked_id": mask_number(getattr(record, "personal_number", None)),
                    "position": data.get("position"), "deceased": bool(data.get("deceased", False)),
                    "gender": (getattr(record, "sex", None) or data.get("gender")) if kind == "ca_nhan" else None}
        return snapshot, session.changes()

    def decided(self, nominee: Mapping[str, Any], award_code: str, year: int, decision_number: str,
                decided_on: date, basis: str, movement: MovementRef | None = None) -> list[Aggregate]:
        if not nominee.get("ref"):
            return []  # households have no record
        session = Session(self.history.app)
        self.history.decided_award(session, nominee["ref"], award_code, year, decision_number, decided_on, basis,
                                   by=SYSTEM, at=self.clock(), movement=movement)
        return session.changes()

    def revoked(self, nominee: Mapping[str, Any], award_code: str, year: int, decision_number: str,
                revoked_on: date) -> list[Aggregate]:
        if not nominee.get("ref"):
            return []
        session = Session(self.history.app)
        self.history.revoked_award(session, nominee["ref"], award_code, year, decision_number, revoked_on,
                                   by=SYSTEM, at=self.clock())
        return session.changes()

    def facts(self, nominee: Mapping[str, Any], attestations: Iterable[str] = (),
              dossier_facts: Mapping[str, bool] | None = None) -> NomineeFacts | None:
        """The eligibility engine's input for the nominee; None for a household (no record)."""
        if not nominee.get("ref"):
            return None
        return self.history.nominee_facts(nominee["ref"], attestations, dossier_facts)

    def _record(self, session: Session, kind: str, data: dict[str, Any], by: str) -> Record | None:
        now = self.clock()
        if data.get("ref"):
            return self.history.by_ref(session, data["ref"])
        if kind == "ca_nhan":
            person, _ = self.history.person(
                session, personal_number=data.get("id_number") or data.get("personal_number"),
                full_name=data.get("name") or data.get("full_name") or "", sex=data.get("gender") or data.get("sex"),
                born_on=_date(data.get("date_of_birth") or data.get("born_on")), unit_code=data["unit_code"],
                by=by, now=now)
            return person
        if kind in ("tap_the", "doanh_nghiep"):
            collective, _ = self.history.collective(session, unit_code=data["unit_code"], name=data.get("name") or "",
                                                    subject_kind=kind, by=by, now=now)
            return collective
        return None


def _name(record: Record | None, data: Mapping[str, Any]) -> str:
    if isinstance(record, Person):
        return record.full_name
    if isinstance(record, Collective):
        return record.name
    return str(data.get("name") or "")


def _date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
